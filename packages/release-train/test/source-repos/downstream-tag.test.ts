// The downstream tag derived from real git histories: bare upstream and downstream repositories
// on disk, a fresh checkout with both as remotes, real branches, annotated and lightweight tags.
import { ForkFixture, gitIn } from "@release-train/test-support/git-fixtures";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DownstreamTagOptions, deriveDownstreamTag } from "../../src/source-repos/downstream-tag";

let f: ForkFixture;
beforeEach(async () => {
  f = await ForkFixture.create("rt-dtag-");
});
afterEach(async () => {
  await f.remove();
});

async function derive(release: string, options: Partial<DownstreamTagOptions> = {}) {
  const repo = await f.checkout();
  const result = await deriveDownstreamTag({ repo, release, ...options });
  return { repo, result };
}

/** upstream stable/<release> with tag `tag` at its tip, downstream branched from it. */
async function stable(release: string, tag: string, { annotated = true } = {}): Promise<string> {
  await f.commit("initial", { branch: "master" });
  const sha = await f.commit(`release ${tag}`, { branch: `stable/${release}`, from: "master" });
  await f.tag(tag, sha, annotated);
  await f.pushUpstream("master", `stable/${release}`, `refs/tags/${tag}`);
  return sha;
}

async function downstreamCommit(release: string, message: string, from?: string): Promise<string> {
  const sha = await f.commit(message, { branch: `stackhpc/${release}`, ...(from ? { from } : {}) });
  await f.pushDownstream(`stackhpc/${release}`);
  return sha;
}

describe("deriveDownstreamTag: history shapes", () => {
  it("1. first tag on a branch with downstream changes", async () => {
    const base = await stable("2025.1", "20.0.0");
    const head = await downstreamCommit("2025.1", "downstream fix", base);
    const { repo, result } = await derive("2025.1");
    expect(result).toMatchObject({ tag: "stackhpc/20.0.0.1", created: true, upstreamTag: "20.0.0", commit: head, mergeBase: base });
    expect(result.upstreamRef).toBe("origin/stable/2025.1");
    expect(await gitIn(repo, ["rev-parse", "stackhpc/20.0.0.1^{commit}"])).toBe(head);
  });

  it("2. first tag on a branch identical to upstream", async () => {
    const base = await stable("2025.1", "20.0.0");
    await f.pushDownstream(`${base}:refs/heads/stackhpc/2025.1`);
    const { result } = await derive("2025.1");
    expect(result).toMatchObject({ tag: "stackhpc/20.0.0.1", created: true, commit: base });
  });

  it("3. next patch after an earlier downstream tag", async () => {
    const base = await stable("2025.1", "20.0.0");
    const first = await downstreamCommit("2025.1", "fix 1", base);
    await f.tag("stackhpc/20.0.0.1", first);
    await f.pushDownstream("refs/tags/stackhpc/20.0.0.1");
    const head = await downstreamCommit("2025.1", "fix 2");
    const { result } = await derive("2025.1");
    expect(result).toMatchObject({ tag: "stackhpc/20.0.0.2", created: true, previousTag: "stackhpc/20.0.0.1", commit: head });
  });

  it("4. already tagged (lightweight): nothing created, the existing tag reported", async () => {
    const base = await stable("2025.1", "20.0.0");
    const head = await downstreamCommit("2025.1", "fix", base);
    await f.tag("stackhpc/20.0.0.1", head);
    await f.pushDownstream("refs/tags/stackhpc/20.0.0.1");
    const { repo, result } = await derive("2025.1");
    expect(result).toMatchObject({ tag: "stackhpc/20.0.0.1", created: false, upstreamTag: "20.0.0" });
    expect(await gitIn(repo, ["tag", "--list", "stackhpc/*"])).toBe("stackhpc/20.0.0.1");
  });

  it("5. already tagged with an annotated downstream tag (peeled before comparing)", async () => {
    const base = await stable("2025.1", "20.0.0");
    const head = await downstreamCommit("2025.1", "fix", base);
    await f.tag("stackhpc/20.0.0.4", head, true);
    await f.pushDownstream("refs/tags/stackhpc/20.0.0.4");
    const { result } = await derive("2025.1");
    expect(result).toMatchObject({ tag: "stackhpc/20.0.0.4", created: false });
  });

  it("6. patch numbers compare numerically (.10 after .9)", async () => {
    const base = await stable("2025.1", "20.0.0");
    const a = await downstreamCommit("2025.1", "a", base);
    await f.tag("stackhpc/20.0.0.9", a);
    const b = await downstreamCommit("2025.1", "b");
    await f.tag("stackhpc/20.0.0.10", b);
    await f.pushDownstream("--tags");
    await downstreamCommit("2025.1", "c");
    const { result } = await derive("2025.1");
    expect(result).toMatchObject({ tag: "stackhpc/20.0.0.11", previousTag: "stackhpc/20.0.0.10" });
  });

  it("7. malformed look-alike tags are ignored", async () => {
    const base = await stable("2025.1", "20.0.0");
    const a = await downstreamCommit("2025.1", "a", base);
    for (const t of ["stackhpc/20.0.0.1.7", "stackhpc/20.0.0.x3", "stackhpc/20.0.0.01a", "stackhpc/20.0.0.5-rc"]) await f.tag(t, a);
    await f.pushDownstream("--tags");
    await downstreamCommit("2025.1", "b");
    const { result } = await derive("2025.1");
    expect(result).toMatchObject({ tag: "stackhpc/20.0.0.1", created: true });
    expect(result.previousTag).toBeUndefined();
  });

  it("8. a newer upstream tag merged downstream starts a new series at .1", async () => {
    const base = await stable("2025.1", "20.0.0");
    const a = await downstreamCommit("2025.1", "a", base);
    await f.tag("stackhpc/20.0.0.3", a);
    await f.pushDownstream("--tags");
    const up = await f.commit("upstream fix", { branch: "stable/2025.1" });
    await f.tag("20.0.1", up, true);
    await f.pushUpstream("stable/2025.1", "refs/tags/20.0.1");
    await f.git("checkout", "--quiet", "stackhpc/2025.1");
    await f.git("merge", "--quiet", "--no-ff", "-m", "Synchronise 2025.1 with upstream", "stable/2025.1");
    await f.pushDownstream("stackhpc/2025.1");
    const { result } = await derive("2025.1");
    expect(result).toMatchObject({ tag: "stackhpc/20.0.1.1", upstreamTag: "20.0.1", mergeBase: up });
  });

  it("9. upstream tags after the merge base are not used (downstream not yet synced)", async () => {
    const base = await stable("2025.1", "20.0.0");
    await downstreamCommit("2025.1", "a", base);
    const up = await f.commit("upstream fix", { branch: "stable/2025.1" });
    await f.tag("20.0.1", up);
    await f.pushUpstream("stable/2025.1", "refs/tags/20.0.1");
    const { result } = await derive("2025.1");
    expect(result).toMatchObject({ tag: "stackhpc/20.0.0.1", upstreamTag: "20.0.0", mergeBase: base });
  });

  it("10. release candidate tags count (they end in a digit)", async () => {
    await stable("2026.1", "22.0.0.0rc1");
    await downstreamCommit("2026.1", "a", "stable/2026.1");
    const { result } = await derive("2026.1");
    expect(result).toMatchObject({ tag: "stackhpc/22.0.0.0rc1.1", upstreamTag: "22.0.0.0rc1" });
  });

  it("11. the final release supersedes its release candidate", async () => {
    await stable("2026.1", "22.0.0.0rc1");
    const a = await downstreamCommit("2026.1", "a", "stable/2026.1");
    await f.tag("stackhpc/22.0.0.0rc1.1", a);
    await f.pushDownstream("--tags");
    const final = await f.commit("final", { branch: "stable/2026.1" });
    await f.tag("22.0.0", final, true);
    await f.pushUpstream("stable/2026.1", "refs/tags/22.0.0");
    await f.git("checkout", "--quiet", "stackhpc/2026.1");
    await f.git("merge", "--quiet", "--no-ff", "-m", "sync", "stable/2026.1");
    await f.pushDownstream("stackhpc/2026.1");
    const { result } = await derive("2026.1");
    expect(result).toMatchObject({ tag: "stackhpc/22.0.0.1", upstreamTag: "22.0.0" });
  });

  it("12. an <R>-eol tag on the merge base is skipped for the numeric tag below it", async () => {
    await f.commit("initial", { branch: "master" });
    const rel = await f.commit("15.0.1", { branch: "unmaintained/zed", from: "master" });
    await f.tag("15.0.1", rel, true);
    const eol = await f.commit("eol", { branch: "unmaintained/zed" });
    await f.tag("zed-eol", eol, true);
    await f.pushUpstream("master", "unmaintained/zed", "--tags");
    await downstreamCommit("zed", "a", eol);
    const { result } = await derive("zed");
    expect(result).toMatchObject({ tag: "stackhpc/15.0.1.1", upstreamTag: "15.0.1", upstreamRef: "origin/unmaintained/zed" });
  });

  it("13. an -em tag is skipped", async () => {
    await f.commit("initial", { branch: "master" });
    const rel = await f.commit("13.1.0", { branch: "stable/xena", from: "master" });
    await f.tag("13.1.0", rel);
    const em = await f.commit("em", { branch: "stable/xena" });
    await f.tag("xena-em", em);
    await f.pushUpstream("master", "stable/xena", "--tags");
    await downstreamCommit("xena", "a", em);
    const { result } = await derive("xena");
    expect(result).toMatchObject({ tag: "stackhpc/13.1.0.1", upstreamTag: "13.1.0" });
  });

  it("14. an unmaintained/<R> branch is used when stable/<R> is gone", async () => {
    await f.commit("initial", { branch: "master" });
    const rel = await f.commit("14.9.0", { branch: "unmaintained/yoga", from: "master" });
    await f.tag("14.9.0", rel, true);
    await f.pushUpstream("master", "unmaintained/yoga", "--tags");
    await downstreamCommit("yoga", "a", rel);
    const { result } = await derive("yoga");
    expect(result).toMatchObject({ tag: "stackhpc/14.9.0.1", upstreamRef: "origin/unmaintained/yoga" });
  });

  it("15. the <R>-eol tag is the fallback when no upstream branch is left", async () => {
    await f.commit("initial", { branch: "master" });
    const rel = await f.commit("11.2.0", { branch: "stable/wallaby", from: "master" });
    await f.tag("11.2.0", rel, true);
    const eol = await f.commit("eol", { branch: "stable/wallaby" });
    await f.tag("wallaby-eol", eol, true);
    // Upstream deleted the branch; only master and the tags remain.
    await f.pushUpstream("master", "--tags");
    await downstreamCommit("wallaby", "a", eol);
    const { result } = await derive("wallaby");
    expect(result).toMatchObject({ tag: "stackhpc/11.2.0.1", upstreamRef: "wallaby-eol", upstreamTag: "11.2.0" });
  });

  it("16. master: the upstream ref is <remote>/master", async () => {
    const m = await f.commit("initial", { branch: "master" });
    await f.tag("23.0.0.0b1", m);
    const dev = await f.commit("dev", { branch: "master" });
    await f.pushUpstream("master", "--tags");
    await downstreamCommit("master", "a", dev);
    const { result } = await derive("master");
    expect(result).toMatchObject({ tag: "stackhpc/23.0.0.0b1.1", upstreamRef: "origin/master", downstreamBranch: "stackhpc/master" });
  });

  it("17. stable/<R> wins over unmaintained/<R> and <R>-eol", async () => {
    await f.commit("initial", { branch: "master" });
    const s = await f.commit("s", { branch: "stable/2024.1", from: "master" });
    await f.tag("18.1.0", s);
    const u = await f.commit("u", { branch: "unmaintained/2024.1", from: "master" });
    await f.tag("18.0.0", u);
    await f.tag("2024.1-eol", u);
    await f.pushUpstream("master", "stable/2024.1", "unmaintained/2024.1", "--tags");
    await downstreamCommit("2024.1", "a", s);
    const { result } = await derive("2024.1");
    expect(result).toMatchObject({ upstreamRef: "origin/stable/2024.1", upstreamTag: "18.1.0" });
  });

  it("18. a lightweight downstream tag near the merge base is not taken for the upstream tag", async () => {
    const base = await stable("2025.1", "20.0.0");
    // Downstream tagged an upstream commit directly (no downstream changes)…
    const x = await f.commit("upstream x", { branch: "stable/2025.1" });
    await f.pushUpstream("stable/2025.1");
    await f.pushDownstream(`${x}:refs/heads/stackhpc/2025.1`);
    await f.tag("stackhpc/20.0.0.1", x);
    await f.pushDownstream("refs/tags/stackhpc/20.0.0.1");
    // …then fast-forwarded to a newer untagged upstream commit: the merge base is that commit and
    // the nearest tag by distance is the downstream one.
    const y = await f.commit("upstream y", { branch: "stable/2025.1" });
    await f.pushUpstream("stable/2025.1");
    await f.pushDownstream(`${y}:refs/heads/stackhpc/2025.1`);
    const { result } = await derive("2025.1");
    expect(base).not.toBe(y);
    expect(result).toMatchObject({ tag: "stackhpc/20.0.0.2", upstreamTag: "20.0.0", mergeBase: y, created: true });
  });

  it("19. lightweight upstream tags are found as well as annotated ones", async () => {
    await stable("2025.1", "20.0.0", { annotated: false });
    await downstreamCommit("2025.1", "a", "stable/2025.1");
    const { result } = await derive("2025.1");
    expect(result).toMatchObject({ tag: "stackhpc/20.0.0.1", upstreamTag: "20.0.0" });
  });

  it("20. tags of other series on the same branch do not raise n", async () => {
    const base = await stable("2025.1", "20.0.0");
    const a = await downstreamCommit("2025.1", "a", base);
    await f.tag("stackhpc/19.9.9.7", a);
    await f.tag("stackhpc/20.0.00.5", a);
    await f.pushDownstream("--tags");
    await downstreamCommit("2025.1", "b");
    const { result } = await derive("2025.1");
    expect(result.tag).toBe("stackhpc/20.0.0.1");
  });

  it("21. a custom prefix and remote names", async () => {
    await stable("2025.1", "20.0.0");
    await downstreamCommit("2025.1", "a", "stable/2025.1");
    const repo = await f.checkout({ upstreamRemote: "upstream", downstreamRemote: "origin" });
    const result = await deriveDownstreamTag({ repo, release: "2025.1", prefix: "sh-", upstreamRemote: "upstream", downstreamRemote: "origin" });
    expect(result).toMatchObject({ tag: "sh-20.0.0.1", upstreamRef: "upstream/stable/2025.1" });
  });

  it("22. a downstream merge of upstream keeps the series when upstream has no new tag", async () => {
    const base = await stable("2025.1", "20.0.0");
    const a = await downstreamCommit("2025.1", "a", base);
    await f.tag("stackhpc/20.0.0.1", a);
    await f.pushDownstream("--tags");
    await f.commit("upstream untagged", { branch: "stable/2025.1" });
    await f.pushUpstream("stable/2025.1");
    await f.git("checkout", "--quiet", "stackhpc/2025.1");
    await f.git("merge", "--quiet", "--no-ff", "-m", "sync", "stable/2025.1");
    await f.pushDownstream("stackhpc/2025.1");
    const { result } = await derive("2025.1");
    expect(result).toMatchObject({ tag: "stackhpc/20.0.0.2", upstreamTag: "20.0.0" });
  });

  it("23. the highest tag unreachable from the branch still raises n (it exists on the remote)", async () => {
    const base = await stable("2025.1", "20.0.0");
    const other = await f.commit("abandoned", { branch: "old", from: base });
    await f.tag("stackhpc/20.0.0.6", other);
    await f.pushDownstream("refs/tags/stackhpc/20.0.0.6");
    await downstreamCommit("2025.1", "a", base);
    const { result } = await derive("2025.1");
    expect(result.tag).toBe("stackhpc/20.0.0.7");
  });
});

describe("deriveDownstreamTag: dry run, push and failures", () => {
  it("dry run derives the same tag and creates nothing", async () => {
    await stable("2025.1", "20.0.0");
    await downstreamCommit("2025.1", "a", "stable/2025.1");
    const { repo, result } = await derive("2025.1", { dryRun: true });
    expect(result).toMatchObject({ tag: "stackhpc/20.0.0.1", created: true, dryRun: true, pushed: false });
    expect(await gitIn(repo, ["tag", "--list", "stackhpc/*"])).toBe("");
  });

  it("push sends the tag to the downstream remote; a re-run is a no-op", async () => {
    await stable("2025.1", "20.0.0");
    const head = await downstreamCommit("2025.1", "a", "stable/2025.1");
    const { result } = await derive("2025.1", { push: true });
    expect(result.pushed).toBe(true);
    expect(await gitIn(f.downstream, ["rev-parse", "refs/tags/stackhpc/20.0.0.1"])).toBe(head);
    const again = await derive("2025.1", { push: true });
    expect(again.result).toMatchObject({ tag: "stackhpc/20.0.0.1", created: false, pushed: false });
  });

  it("no upstream branch or tag: the reason names every ref tried", async () => {
    await f.commit("initial", { branch: "master" });
    await f.pushUpstream("master");
    await downstreamCommit("bobcat", "a", "master");
    await expect(derive("bobcat")).rejects.toThrow(
      "no upstream branch or tag for release bobcat: none of origin/stable/bobcat, origin/unmaintained/bobcat, bobcat-eol, origin/bobcat exists",
    );
  });

  it("no upstream tag reachable from the merge base", async () => {
    await f.commit("initial", { branch: "master" });
    await f.commit("s", { branch: "stable/2025.1", from: "master" });
    await f.pushUpstream("master", "stable/2025.1");
    await downstreamCommit("2025.1", "a", "stable/2025.1");
    await expect(derive("2025.1")).rejects.toThrow(/no upstream tag reachable from the merge base [0-9a-f]{12} of origin\/stable\/2025.1/);
  });

  it("missing downstream branch", async () => {
    await stable("2025.1", "20.0.0");
    await expect(derive("2025.1")).rejects.toThrow("downstream branch stackhpc/2025.1 not found on remote stackhpc");
  });

  it("unrelated histories", async () => {
    await stable("2025.1", "20.0.0");
    await f.git("checkout", "--quiet", "--orphan", "stackhpc/2025.1");
    await f.commit("unrelated");
    await f.pushDownstream("stackhpc/2025.1");
    await expect(derive("2025.1")).rejects.toThrow("origin/stable/2025.1 and stackhpc/stackhpc/2025.1 share no history");
  });
});
