// The bundled update-kayobe-config action as a runner runs it: a kayobe-config checkout (git, on a
// branch, origin on GitHub with pushes to a local bare repository) and a stand-in for GitHub's
// pulls API.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INPUT_NAMES } from "../../actions/update-kayobe-config/src/inputs";
import { actionMetadata, runAction } from "./run-action";

const FILE = join("etc", "kayobe", "pulp-repo-versions.yml");
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "update-kayobe-config-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const sh = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

async function makeCheckout(name: string): Promise<{ checkout: string; bare: string }> {
  const bare = join(dir, `${name}.git`);
  const checkout = join(dir, name);
  await mkdir(join(checkout, "etc", "kayobe"), { recursive: true });
  sh(dir, "init", "-q", "--bare", bare);
  sh(checkout, "init", "-q", "-b", "stackhpc/2025.1");
  await writeFile(join(checkout, FILE), "---\nstackhpc_pulp_repo_alpha_version: 20200101T000000\n");
  sh(checkout, "add", ".");
  sh(checkout, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "init");
  sh(checkout, "remote", "add", "origin", `https://github.com/acme/${name}`);
  sh(checkout, "config", `url.${bare}.pushInsteadOf`, `https://github.com/acme/${name}`);
  return { checkout, bare };
}

describe("update-kayobe-config action", () => {
  it("declares exactly the inputs it reads", () => {
    expect(Object.keys(actionMetadata("update-kayobe-config").inputs ?? {}).sort()).toEqual([...INPUT_NAMES].sort());
  });

  it("reports every invalid input at once, before loading the library", async () => {
    const run = await runAction("update-kayobe-config", { versions: '{"alpha": "yesterday"}', version: "now" });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("::error::invalid inputs:%0A");
    expect(run.stdout).toContain("input `kayobe-config` is required");
    expect(run.stdout).toContain("input `versions.alpha` must be a snapshot version YYYYMMDDTHHMMSS");
    expect(run.stdout).toContain("input `version` must be YYYYMMDDTHHMMSS");
  });

  it("without a token rewrites the file only; an unchanged file writes nothing", async () => {
    const { checkout } = await makeCheckout("kc-plain");
    const versions = JSON.stringify({ alpha: "20261201T231700", beta: "20261201T231700" });
    const run = await runAction("update-kayobe-config", { "kayobe-config": checkout, versions });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ changed: "true", "pull-request-url": "" });
    const text = await readFile(join(checkout, FILE), "utf8");
    expect(text).toContain("stackhpc_pulp_repo_alpha_version: 20261201T231700");
    expect(text).toContain("stackhpc_pulp_repo_beta_version: 20261201T231700");
    expect(run.summary).toContain("### kayobe-config: package repository versions updated");
    expect(run.summary).toContain("| `stackhpc_pulp_repo_alpha_version` | 20200101T000000 | 20261201T231700 |");

    const again = await runAction("update-kayobe-config", { "kayobe-config": checkout, versions });
    expect(again.outputs).toMatchObject({ changed: "false" });
    expect(again.summary).toContain("already up to date");
  });

  it("with a token pushes a branch and opens a pull request, the token masked", async () => {
    const { checkout, bare } = await makeCheckout("kc-pr");
    const requests: { url?: string; body: Record<string, unknown> }[] = [];
    const api = createServer((req, res) => {
      let text = "";
      req.on("data", (c) => {
        text += c;
      });
      req.on("end", () => {
        requests.push({ url: req.url, body: JSON.parse(text || "{}") });
        res.writeHead(201, { "content-type": "application/json" });
        res.end(JSON.stringify({ number: 9, html_url: "https://github.com/acme/kc-pr/pull/9", state: "open" }));
      });
    });
    await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
    try {
      const token = "ghs_Upd4teToken";
      const run = await runAction(
        "update-kayobe-config",
        { "kayobe-config": checkout, versions: '{"alpha": "20261202T000000"}', "github-token": token, version: "20261202T000000" },
        { env: { GITHUB_API_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}` } },
      );
      expect(run.code).toBe(0);
      expect(run.outputs["pull-request-url"]).toBe("https://github.com/acme/kc-pr/pull/9");
      expect(requests[0]).toMatchObject({ url: "/repos/acme/kc-pr/pulls", body: { head: "release-train/pulp-repo-versions-20261202T000000", base: "stackhpc/2025.1" } });
      expect(sh(dir, "--git-dir", bare, "show", "release-train/pulp-repo-versions-20261202T000000:etc/kayobe/pulp-repo-versions.yml")).toContain(
        "stackhpc_pulp_repo_alpha_version: 20261202T000000",
      );
      expect(run.summary).toContain("Pull request: https://github.com/acme/kc-pr/pull/9");
      expect(`${run.stdout}${run.stderr}`.split("\n").filter((l) => l.includes(token))).toEqual([`::add-mask::${token}`]);
    } finally {
      await new Promise((resolve) => api.close(resolve));
    }
  });
});
