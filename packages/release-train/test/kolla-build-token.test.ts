// Pushes through a registry's token flow: Debian's docker-registry configured for token auth
// (`auth.token`, as Pulp's registry and Docker Hub work) with a token server here that signs
// RS256 JWTs (x5c chain to the registry's root bundle) and grants push only to the right user.
// Both push paths go through it: podman (logged in by the engine) and the registry API client.
import { execFile } from "node:child_process";
import { createSign, randomUUID, X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { FAKE_KAYOBE, type PodmanStore, podmanStorageProblem, privatePodmanStore, type Registry, startRegistry } from "@release-train/pulp-emulator/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KollaBuildOptions, runKollaBuild } from "../src/kolla-build/main";
import { RegistryClient } from "@release-train/pulp-client";

// podman's image store does not work in every root (see podmanStorageProblem): say why and skip.
const podmanProblem = await podmanStorageProblem();
if (podmanProblem) console.warn(`skipping the podman cases: ${podmanProblem}`);

const exec = promisify(execFile);
const USER = { username: "pusher", password: "s3cret-push" };
const SERVICE = "kolla-test-registry";
const ISSUER = "kolla-test-issuer";

let root: string;
let registry: Registry;
let tokenServer: Server;
const tokenRequests: { user: string | undefined; scope: string | null }[] = [];
let storage: Record<string, string>;
let store: PodmanStore;

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "rt-kolla-token-"));
  const key = join(root, "token.key");
  const cert = join(root, "token.crt");
  await exec("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=kolla-test-token"]);
  const keyPem = await readFile(key, "utf8");
  const der = new X509Certificate(await readFile(cert)).raw;

  tokenServer = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const auth = req.headers.authorization;
    const [user, password] = auth?.startsWith("Basic ") ? Buffer.from(auth.slice(6), "base64").toString().split(":") : [];
    tokenRequests.push({ user, scope: url.searchParams.get("scope") });
    if (user !== undefined && (user !== USER.username || password !== USER.password)) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"detail": "Invalid username/password."}');
      return;
    }
    // Anonymous users get a token with no access; the right user gets what each scope asks.
    const access = user
      ? url.searchParams.getAll("scope").map((scope) => {
          const [type, name, actions] = scope.split(":");
          return { type, name, actions: (actions ?? "").split(",") };
        })
      : [];
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", x5c: [der.toString("base64")] }));
    const claims = b64url(JSON.stringify({ iss: ISSUER, sub: user ?? "", aud: SERVICE, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access }));
    const signature = createSign("RSA-SHA256").update(`${header}.${claims}`).sign(keyPem);
    const token = `${header}.${claims}.${b64url(signature)}`;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  });
  await new Promise<void>((resolve) => tokenServer.listen(0, "127.0.0.1", resolve));
  const realm = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;
  registry = await startRegistry({
    extraConfig: ["auth:", "  token:", `    realm: ${realm}`, `    service: ${SERVICE}`, `    issuer: ${ISSUER}`, `    rootcertbundle: ${cert}`].join("\n"),
  });
  store = await privatePodmanStore(root);
  storage = store.env;
}, 60_000);

afterAll(async () => {
  tokenServer?.closeAllConnections();
  await new Promise((resolve) => tokenServer?.close(resolve));
  await registry?.stop();
  await store?.clean();
  await rm(root, { recursive: true, force: true });
});

function options(overrides: Partial<KollaBuildOptions>): KollaBuildOptions {
  return {
    regexes: "^cron$",
    overcloud: true,
    seed: false,
    distros: "rocky-9",
    openstackRelease: "2025.1",
    timestamp: "20251124T200000",
    kayobeConfig: root,
    buildCommand: FAKE_KAYOBE,
    kollaLog: join(root, "kolla-build.log"),
    engine: "oci",
    ociDir: join(root, "oci"),
    registry: registry.host,
    namespace: "stackhpc-dev",
    insecureRegistry: true,
    registryUsername: USER.username,
    registryPassword: USER.password,
    push: true,
    pushDirty: false,
    pushAttempts: 2,
    pushRetryDelayMs: 10,
    scan: "never",
    logDir: join(root, "logs"),
    env: { ...storage, FAKE_KOLLA_LOG: join(root, "kolla-build.log") },
    write: () => {},
    ...overrides,
  };
}

describe("kolla-build through a registry's token flow", () => {
  it("the registry really demands a token", async () => {
    const anonymous = await fetch(`${registry.url}/v2/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/token",service="kolla-test-registry"/);
  });

  it("pushes OCI layouts through the API with a token and reads the digests back", async () => {
    const run = await runKollaBuild(options({ logDir: join(root, "logs-oci") }));
    expect(run.failures).toEqual([]);
    const client = new RegistryClient({ url: registry.url, ...USER });
    for (const image of run.results[0]!.images) {
      expect(image.pushed).toBe(true);
      expect((await client.headManifest(`stackhpc-dev/${image.name}`, "2025.1-rocky-9-20251124T200000"))?.digest).toBe(image.digest);
    }
    await client.close();
    // The push went through tokens for push access on that repository (the registry names the scope).
    const pushScopes = tokenRequests.filter((r) => r.user === USER.username && /^repository:stackhpc-dev\/cron:.*push/.test(r.scope ?? ""));
    expect(pushScopes.length, JSON.stringify(tokenRequests)).toBeGreaterThan(0);
  });

  it.skipIf(podmanProblem)("podman logs in with the credentials and pushes through the same flow", async () => {
    const run = await runKollaBuild(options({ engine: "podman", distros: "ubuntu-noble", logDir: join(root, "logs-podman") }));
    expect(run.failures).toEqual([]);
    const { stdout } = await exec("skopeo", ["inspect", "--tls-verify=false", "--creds", `${USER.username}:${USER.password}`, `docker://${registry.host}/stackhpc-dev/cron:2025.1-ubuntu-noble-20251124T200000`]);
    expect(JSON.parse(stdout).Digest).toBe(run.results[0]!.images.find((i) => i.name === "cron")!.digest);
  }, 120_000);

  it("a wrong password fails every push, says why, and never shows the password", async () => {
    let output = "";
    const run = await runKollaBuild(
      options({
        timestamp: "20251125T200000",
        registryPassword: "wrong-password",
        logDir: join(root, "logs-bad"),
        write: (t) => {
          output += t;
        },
      }),
    );
    expect(run.results[0]!.images.map((i) => [i.name, i.pushed])).toEqual([
      ["base", false],
      ["cron", false],
    ]);
    expect(run.failures).toHaveLength(2);
    // The token server refused the credentials (the realm answered 401).
    expect(run.failures[0]).toMatch(/^rocky-9: push base: failed after 2 attempts: GET http:\/\/127\.0\.0\.1:\d+\/token: HTTP 401$/);
    expect(`${output}${run.failures.join("\n")}`).not.toContain("wrong-password");
  });
});
