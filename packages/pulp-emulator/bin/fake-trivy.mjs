#!/usr/bin/env node
// Scanner double (see src/fixtures/kolla/fake-trivy.ts); runs the TypeScript through tsx.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/fixtures/kolla/fake-trivy.ts");
process.exitCode = main(process.argv.slice(2));
