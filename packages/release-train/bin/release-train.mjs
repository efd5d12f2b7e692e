#!/usr/bin/env node
// The workspace ships TypeScript sources; tsx compiles them on the fly.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
await main(process.argv);
