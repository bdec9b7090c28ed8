import type { Client } from "openapi-fetch";
import { type ApiClientOptions, createApiClient, createClientTransport } from "../api/create-api-client.js";
import { withUploadRoute } from "../route/create-upload-route.js";
import type { SourceInput } from "../sources/open-source.js";
import type { Transport } from "../transport/transport.js";
import { journaledUpload } from "./journaled-upload.js";
import { runUpload, type UploadResult } from "./run-upload.js";
import { eachUpload, runUploads, type UploadManyItems, type UploadManyOptions, type UploadManyOutcome } from "./run-uploads.js";
import type { UploadAdapter } from "./upload-adapter.js";
import type { CommonUploadOptions } from "./upload-options.js";

/** What every provider client offers for several files at once. */
export interface UploadsMany<Options, Result> {
  /**
   * Uploads several files: `filesConcurrency` at once (default 16), sharing one budget of `concurrency` parts in flight
   * (default 4). Resolves with every file's outcome in input order; one file's failure does not stop the others.
   */
  uploadMany(items: UploadManyItems<Options>, options?: UploadManyOptions): Promise<UploadManyOutcome<Result>[]>;
  /**
   * Like `uploadMany`, but yields each file's outcome as it ends and keeps none — for libraries of any size:
   * `for await (const outcome of client.uploadEach(listFiles(dir), { journal: "upload.journal" }))`. The inputs may
   * be an async iterable, read only as files start. Breaking out of the loop aborts the files still running.
   */
  uploadEach(items: UploadManyItems<Options>, options?: UploadManyOptions): AsyncGenerator<UploadManyOutcome<Result>>;
}

/** The parts of a provider client the engine makes: its transport, typed API, and upload calls. */
export interface ProviderClientCore<Paths extends {}, Options, Result> extends UploadsMany<Options, Result> {
  api: Client<Paths>;
  transport: Transport;
  uploadMedia(input: SourceInput, options?: Options): Promise<UploadResult<Result>>;
}

/** Wires a provider's adapter to one transport and one openapi-fetch client typed by its `Paths`. */
export function createProviderClient<Paths extends {}, Options extends CommonUploadOptions, Session, Result extends object>(
  options: ApiClientOptions,
  adapterFor: (api: Client<Paths>) => UploadAdapter<Options, Session, Result>,
): ProviderClientCore<Paths, Options, Result> {
  const transport = createClientTransport(options);
  const api = createApiClient<Paths>({ baseUrl: options.baseUrl, transport, querySerializer: options.querySerializer });
  const adapter = adapterFor(api);
  return withUploadRoute(
    {
      api,
      transport,
      uploadMedia: (input: SourceInput, uploadOptions?: Options) =>
        uploadOptions?.journal === undefined
          ? runUpload(adapter, transport, input, uploadOptions)
          : journaledUpload(adapter, transport, input, uploadOptions),
      uploadMany: (items: UploadManyItems<Options>, manyOptions?: UploadManyOptions) =>
        runUploads(adapter, transport, items, manyOptions),
      uploadEach: (items: UploadManyItems<Options>, manyOptions?: UploadManyOptions) =>
        eachUpload(adapter, transport, items, manyOptions),
    },
    adapter,
    transport,
  );
}
