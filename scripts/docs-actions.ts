/**
 * `pnpm docs:actions`: regenerates the usage block, the inputs and outputs tables and the example
 * job summary of every `actions/<name>/README.md` from its action.yml (see scripts/lint/action-docs.ts).
 * `--check` only reports stale READMEs (exit 1), as the workflow lint does.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { actionNames } from "./build-actions";
import { renderActionDocs, withActionDocs } from "./lint/action-docs";
import { projectName } from "./lint-workflows";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const check = process.argv.includes("--check");
let stale = 0;
const project = projectName(root);
for (const action of actionNames(root)) {
  if (!existsSync(join(root, "actions", action, "action.yml"))) continue;
  const file = join(root, "actions", action, "README.md");
  const current = existsSync(file) ? readFileSync(file, "utf8") : `# ${action}\n`;
  const next = withActionDocs(current, await renderActionDocs(root, action, project));
  if (next === current) continue;
  stale++;
  if (check) console.log(`actions/${action}/README.md is stale`);
  else {
    writeFileSync(file, next);
    console.log(`wrote actions/${action}/README.md`);
  }
}
if (check && stale) process.exit(1);
