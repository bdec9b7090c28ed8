import { describeValue, isOptionsObject } from "../argument-checks.js";
import { InputError, UploadkitError } from "../errors.js";
import { secretsOf } from "../transport/response-secrets.js";
import { methodOf } from "./create-api-client.js";
import { apiErrorFromResponse } from "./parse-api-error.js";

interface ClientResult<Data> {
  data?: Data;
  error?: unknown;
  response: Response;
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws: ApiError for a non-2xx status
 * (message, code and request id parsed from the body), UploadkitError for a malformed success body.
 */
export async function unwrap<Data>(call: Promise<ClientResult<Data>>): Promise<Data> {
  return (await unwrapWithResponse(call)).data;
}

/** Like unwrap, also returning the Response (for its headers). */
export async function unwrapWithResponse<Data>(call: Promise<ClientResult<Data>>): Promise<{ data: Data; response: Response }> {
  let result: ClientResult<Data>;
  try {
    result = await call;
  } catch (error) {
    if (error instanceof UploadkitError) throw error;
    if (error instanceof SyntaxError) {
      throw new UploadkitError(`The API answered with a malformed JSON body: ${error.message}`, {
        code: "API_MALFORMED_BODY",
        cause: error,
      });
    }
    throw new UploadkitError(`The API call failed: ${(error as Error).message}`, { code: "API_CALL_FAILED", cause: error });
  }
  if (!isOptionsObject(result) || typeof (result.response as Partial<Response> | undefined)?.ok !== "boolean") {
    throw new InputError(`unwrap takes what an API call returns (client.GET(…)), got ${describeValue(result)}.`, {
      code: "INPUT_INVALID",
    });
  }
  const { response } = result;
  if (!response.ok || result.error !== undefined) {
    throw apiErrorFromResponse(response, result.error, methodOf(response), secretsOf(response));
  }
  return { data: result.data as Data, response };
}
