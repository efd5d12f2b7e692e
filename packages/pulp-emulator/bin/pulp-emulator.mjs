#!/usr/bin/env node
// Runs the TypeScript CLI in this process through tsx's loader (the package ships sources, no
// build step); one process, so signals reach the server directly.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
