// Child process of the resume test: uploads one part at a time with a checkpoint until the test kills it.
import { createFanvueClient } from "@uploadkit/fanvue";
import { createRecord360Client } from "@uploadkit/record360";

const [provider, file, checkpoint, baseUrl, token] = process.argv.slice(2);
const create = provider === "fanvue" ? createFanvueClient : createRecord360Client;
await create({ token, baseUrl }).uploadMedia(file, {
  checkpoint,
  partSize: 5 * 1024 * 1024,
  concurrency: 1,
  contentType: "video/mp4",
});
