import * as __pkg from "@uploadkit/multipart";

const createUploadSession = async () => ({ uploadId: "example" });
const completeUpload = async (_session, etags) => {
  if (etags.length === 0) throw new Error("no parts");
};
const parts = __pkg.planParts((await __pkg.openSource("./big.mp4")).size, __pkg.S3_PART_RULES);
const target = (part) => ({ url: `${process.env.PART_SERVER}/part/${part.partNumber}` });

import { openSource, ResumableSession, uploadParts } from "@uploadkit/multipart";

const source = await openSource("./big.mp4");
const resumable = await ResumableSession.open(".uploadkit/big.json", "my-store", source);
const session = resumable.session ?? (await createUploadSession()); // resume the old session, or start one
if (!resumable.session) await resumable.start(session);
const etags = await uploadParts({
  source,
  parts,
  target,
  completed: resumable.completed, // parts a previous run finished are skipped
  onPartUploaded: (part) => resumable.recordPart(part), // saved before the part counts as done
});
await completeUpload(session, etags);
await resumable.clear();
console.log("DONE");
setTimeout(() => {
  const h = process._getActiveHandles();
  console.log(
    "HANDLES",
    h
      .map(
        (x) =>
          x.constructor.name +
          (x.constructor.name === "Timeout" ? `(${x._idleTimeout}ms ${x._onTimeout?.toString().slice(0, 80)})` : ""),
      )
      .join(" | "),
  );
}, 500).unref();
