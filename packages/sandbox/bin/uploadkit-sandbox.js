#!/usr/bin/env node
// Entry point kept outside dist/ so package managers can link it before the package is built.
import "../dist/cli.js";
