#!/usr/bin/env node
// Kolla build double (see src/fixtures/kolla/fake-kayobe.ts); runs the TypeScript through tsx.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/fixtures/kolla/fake-kayobe.ts");
process.exitCode = await main(process.argv.slice(2));
