// Child process for the crash test: uploads a file to the Fanvue sandbox with a checkpoint until it is killed.
import { createFanvueClient } from "@uploadkit/fanvue";

const [file, checkpoint, baseUrl, token] = process.argv.slice(2);
const client = createFanvueClient({ token, baseUrl });
await client.uploadMedia(file, { checkpoint, partSize: 5 * 1024 * 1024, concurrency: 1 });
console.log("finished");
