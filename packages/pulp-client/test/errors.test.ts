import { afterEach, describe, expect, it } from "vitest";
import { PulpClient, PulpHttpError, parseFieldErrors, redact, redactString } from "../src/index";
import { json, type LocalServer, startServer } from "./support/local-server";

let server: LocalServer | undefined;
let client: PulpClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

async function errorFor(status: number, body: unknown): Promise<PulpHttpError> {
  server = await startServer((_req, res) => json(res, status, body));
  client = new PulpClient({ baseUrl: server.url, retry: { retries: 0 } });
  const err = await client.distributions.rpm
    .create({ name: "d", base_path: "p" })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PulpHttpError);
  return err as PulpHttpError;
}

describe("PulpHttpError parses every DRF error shape (guide §13)", () => {
  it("field → list of messages", async () => {
    const err = await errorFor(400, { base_path: ["This field must be unique."], name: ["This field is required."] });
    expect(err.fieldErrors).toEqual({ base_path: ["This field must be unique."], name: ["This field is required."] });
    expect(err.message).toBe(
      "POST /pulp/api/v3/distributions/rpm/rpm/ → 400: base_path: This field must be unique.; name: This field is required.",
    );
    expect(err).toMatchObject({ method: "POST", status: 400, url: `${server!.url}/pulp/api/v3/distributions/rpm/rpm/` });
  });

  it("non_field_errors", async () => {
    const msg = "Only one of the attributes 'repository' and 'publication' may be used simultaneously.";
    const err = await errorFor(400, { non_field_errors: [msg] });
    expect(err.fieldErrors).toEqual({ non_field_errors: [msg] });
    expect(err.message).toBe(`POST /pulp/api/v3/distributions/rpm/rpm/ → 400: ${msg}`);
  });

  it("top-level list raised in a view", async () => {
    const msg = "Cannot use 'autopublish' in combination with a 'mirror_complete' sync policy.";
    const err = await errorFor(400, [msg]);
    expect(err.fieldErrors).toEqual({ non_field_errors: [msg] });
    expect(err.message).toContain(`→ 400: ${msg}`);
  });

  it("nested dict from a field validator collapses to the field", async () => {
    const err = await errorFor(400, { base_path: { base_path: "Overlaps with existing distribution 'x'" } });
    expect(err.fieldErrors).toEqual({ base_path: ["Overlaps with existing distribution 'x'"] });
    expect(err.message).toContain("→ 400: base_path: Overlaps with existing distribution 'x'");
  });

  it("{detail} for 401/403/404/405", async () => {
    const err = await errorFor(404, { detail: "Not found." });
    expect(err.detail).toBe("Not found.");
    expect(err.fieldErrors).toEqual({});
    expect(err.message).toBe("POST /pulp/api/v3/distributions/rpm/rpm/ → 404: Not found.");
  });

  it("other nesting keeps a path", () => {
    expect(parseFieldErrors({ headers: [{}, { value: ["Not a string."] }], repo_config: { gpgcheck: "bad" } })).toEqual({
      "headers[1].value": ["Not a string."],
      "repo_config.gpgcheck": ["bad"],
    });
    expect(parseFieldErrors({ errors: ["Invalid Filter: 'foo'"] })).toEqual({ errors: ["Invalid Filter: 'foo'"] });
  });

  it("409 with a task body is summarised, not parsed as field errors", async () => {
    const err = await errorFor(409, { pulp_href: "/pulp/api/v3/tasks/1/", state: "completed" });
    expect(err.fieldErrors).toEqual({});
    expect(err.message).toContain("→ 409: {");
  });
});

describe("secrets never leak into errors or logs", () => {
  const key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";

  it("redacts passwords, tokens, keys and URL credentials echoed in an error body", async () => {
    server = await startServer((req, res) =>
      json(res, 400, {
        url: [`Enter a valid URL: ${(req.body as { proxy_url: string }).proxy_url}`],
        echo: req.body,
        note: `got key ${key}`,
      }),
    );
    const events: unknown[] = [];
    client = new PulpClient({
      baseUrl: server.url,
      username: "admin",
      password: "admin-pw-123",
      onRequest: (e) => events.push(e),
    });
    const err = (await client.remotes.rpm
      .create({
        name: "r",
        url: "https://upstream/",
        password: "remote-pw-456",
        proxy_password: "proxy-pw-789",
        proxy_url: "http://puser:proxy-secret@proxy:3128/",
        client_key: key,
        sles_auth_token: "sles-tok",
      })
      .catch((e: unknown) => e)) as PulpHttpError;
    expect(err).toBeInstanceOf(PulpHttpError);
    const everything = [
      err.message,
      JSON.stringify(err.body),
      JSON.stringify(err.fieldErrors),
      String(err.stack),
      JSON.stringify(events),
      JSON.stringify(err),
    ].join("\n");
    for (const secret of ["admin-pw-123", "remote-pw-456", "proxy-pw-789", "proxy-secret", "MIIEvQIBADAN", "sles-tok"]) {
      expect(everything).not.toContain(secret);
    }
    // Redaction keeps the structure readable.
    expect((err.body as { echo: Record<string, unknown> }).echo["password"]).toBe("<redacted>");
    expect(err.fieldErrors["url"]?.[0]).toBe("Enter a valid URL: http://<redacted>@proxy:3128/");
    // The server did receive the real values.
    expect((server.requests[0]!.body as { password: string }).password).toBe("remote-pw-456");
  });

  it("redact helpers", () => {
    expect(redactString(`a ${key} b`)).toBe("a <redacted private key>\n b");
    expect(redactString("-----BEGIN RSA PRIVATE KEY-----\nabc")).toBe("<redacted private key>");
    expect(redact({ token: "t", nested: [{ Authorization: "Basic x" }], password: null })).toEqual({
      token: "<redacted>",
      nested: [{ Authorization: "<redacted>" }],
      password: null,
    });
  });
});
