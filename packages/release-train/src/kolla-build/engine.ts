// The container engine the build used (docker on runners, podman here): list what a build made,
// log in, push. All through the engine's CLI with argument arrays.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Runner } from "./exec";
import { pushOciLayout, RegistryClient } from "@release-train/pulp-client";

/** Where pushed images are read back (and, for `oci`, pushed through the API). */
export interface RegistryAccess {
  /** `https://ark.example.com` (or http:// for an insecure registry). */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  tlsVerify?: boolean | undefined;
}

/** The digest the registry serves for `<repository>:<tag>` (repository includes the namespace). */
export async function servedDigest(access: RegistryAccess, repository: string, tag: string): Promise<string> {
  const client = new RegistryClient(access);
  try {
    const head = await client.headManifest(repository, tag);
    if (!head?.digest) throw new EngineError(`the registry has no ${repository}:${tag}`);
    return head.digest;
  } finally {
    await client.close();
  }
}

/**
 * `oci`: no engine at all (a bare machine) — images are OCI layouts under `ociDir`, at
 * `<ociDir>/<registry>/<namespace>/<name>`, pushed through the registry API.
 */
export type EngineName = "docker" | "podman" | "oci";

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
  insecure?: boolean | undefined;
  env?: Record<string, string> | undefined;
  /** `oci`: the layouts' root directory and the registry to push to. */
  ociDir?: string | undefined;
  registryAccess?: RegistryAccess | undefined;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function createEngine(options: EngineOptions): Engine {
  if (options.name === "oci") return ociEngine(options);
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

interface OciIndex {
  manifests: { mediaType: string; digest: string; annotations?: Record<string, string> }[];
}

function ociEngine(options: EngineOptions): Engine {
  const root = options.ociDir;
  const access = options.registryAccess;
  if (!root || !access) throw new EngineError("the oci engine needs an OCI layout directory and registry access");
  const readIndex = async (dir: string) => JSON.parse(await readFile(join(dir, "index.json"), "utf8").catch(() => '{"manifests": []}')) as OciIndex;
  const tagged = (index: OciIndex, tag: string) => index.manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === tag);
  return {
    name: "oci",
    async list(registry, namespace, tag) {
      const dir = join(root, registry, namespace);
      const names = await readdir(dir).catch(() => [] as string[]);
      const found: LocalImage[] = [];
      for (const name of names.sort()) {
        const entry = tagged(await readIndex(join(dir, name)), tag);
        if (entry) found.push({ reference: `${registry}/${namespace}/${name}:${tag}`, name, id: entry.digest });
      }
      return found;
    },
    async login() {
      // Credentials go with every API request (options.registryAccess).
    },
    async push(reference) {
      const at = reference.lastIndexOf(":");
      const path = reference.slice(0, at);
      const tag = reference.slice(at + 1);
      const client = new RegistryClient(access);
      try {
        const pushed = await pushOciLayout(client, join(root, path), path.slice(path.indexOf("/") + 1), { tag });
        return { ok: true, digest: pushed.digest, output: `pushed ${reference} (${pushed.uploaded} blobs uploaded)` };
      } catch (error) {
        return { ok: false, output: (error as Error).message };
      } finally {
        await client.close();
      }
    },
  };
}
