// A sample run for the README's "Example job summary" (`pnpm docs:actions`), rendered by the
// library's own code (the same text becomes the pull request's body).
import { describeUpdate } from "@release-train/release-train";
import { summaryText } from "./summary";

export function exampleSummary(): string {
  const update = {
    updated: [{ shortName: "rocky_9_baseos", from: "20261130T231700", to: "20261201T231700" }],
    added: [{ shortName: "ubuntu_noble", version: "20261201T231700" }],
  };
  return summaryText(true, describeUpdate(update), "https://github.com/stackhpc/stackhpc-kayobe-config/pull/1234");
}
