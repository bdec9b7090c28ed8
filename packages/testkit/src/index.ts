export { type Handler, type RecordedRequest, type RecordingServer, sendJson, startRecordingServer } from "./recording-server.js";
