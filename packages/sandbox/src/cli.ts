#!/usr/bin/env node
import { runSandbox } from "./run-sandbox.js";

await runSandbox(process.argv.slice(2));
