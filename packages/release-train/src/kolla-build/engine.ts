// The container engine the build used (docker on runners, podman here): list what a build made,
// log in, push. All through the engine's CLI with argument arrays.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Runner } from "./exec";

export type EngineName = "docker" | "podman";

export interface LocalImage {
  /** `<registry>/<namespace>/<name>:<tag>`. */
  reference: string;
  /** Image name without registry and namespace, e.g. `nova-api`. */
  name: string;
  id: string;
}

export interface PushOutcome {
  ok: boolean;
  /** Digest of the manifest the engine pushed (when it says). */
  digest?: string | undefined;
  output: string;
}

export class EngineError extends Error {
  override name = "EngineError";
}

export interface Engine {
  name: EngineName;
  /** Images named `<registry>/<namespace>/*:<tag>`, sorted by name. */
  list(registry: string, namespace: string, tag: string): Promise<LocalImage[]>;
  login(registry: string, username: string, password: string): Promise<void>;
  push(reference: string): Promise<PushOutcome>;
}

export interface EngineOptions {
  name: EngineName;
  run: Runner;
  /** Talk plain HTTP / skip TLS verification (podman `--tls-verify=false`; docker reads its daemon config). */
  insecure?: boolean;
  env?: Record<string, string> | undefined;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function createEngine(options: EngineOptions): Engine {
  const { name, run } = options;
  const tls = name === "podman" && options.insecure ? ["--tls-verify=false"] : [];
  const exec = async (args: string[], input?: Buffer) => {
    const result = await run(name, args, { env: options.env, input });
    return { ...result, output: `${result.stdout}${result.stderr}`.trim() };
  };
  return {
    name,
    async list(registry, namespace, tag) {
      const filter = `reference=${registry}/${namespace}/*:${tag}`;
      const args =
        name === "podman"
          ? ["images", "--format", "json", "--filter", filter]
          : ["image", "ls", "--no-trunc", "--format", "{{json .}}", "--filter", filter];
      const result = await exec(args);
      if (result.exitCode !== 0) throw new EngineError(`${name} ${args.join(" ")} failed (exit ${result.exitCode}): ${result.output}`);
      // The engine's filter is a glob; match names exactly so `foo/bar` under the namespace is not an image.
      const pattern = new RegExp(`^${escapeRe(`${registry}/${namespace}/`)}([^/:]+):${escapeRe(tag)}$`);
      const found = new Map<string, LocalImage>();
      const add = (reference: string, id: string) => {
        const m = pattern.exec(reference);
        if (m) found.set(m[1]!, { reference, name: m[1]!, id });
      };
      if (name === "podman") {
        for (const image of JSON.parse(result.stdout || "[]") as { Id: string; Names?: string[] }[]) {
          for (const ref of image.Names ?? []) add(ref, image.Id);
        }
      } else {
        for (const line of result.stdout.split("\n").filter((l) => l.trim())) {
          const image = JSON.parse(line) as { Repository: string; Tag: string; ID: string };
          add(`${image.Repository}:${image.Tag}`, image.ID);
        }
      }
      return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
    },
    async login(registry, username, password) {
      const result = await exec(["login", ...tls, "--username", username, "--password-stdin", registry], Buffer.from(password));
      if (result.exitCode !== 0) throw new EngineError(`${name} login ${registry} failed (exit ${result.exitCode}): ${result.output}`);
    },
    async push(reference) {
      if (name === "podman") {
        const dir = await mkdtemp(join(tmpdir(), "kolla-push-"));
        try {
          const file = join(dir, "digest");
          const result = await exec(["push", ...tls, "--digestfile", file, reference]);
          const digest = result.exitCode === 0 ? (await readFile(file, "utf8").catch(() => "")).trim() : "";
          return { ok: result.exitCode === 0, digest: digest || undefined, output: result.output };
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
      const result = await exec(["push", reference]);
      const digest = /digest: (sha256:[0-9a-f]{64})/.exec(result.output)?.[1];
      return { ok: result.exitCode === 0, digest, output: result.output };
    },
  };
}
