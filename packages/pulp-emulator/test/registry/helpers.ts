import { API_ROOT } from "../../src/store/ids";
import type { Emulator } from "../../src/index";
import { run } from "../../src/run-tool";

export const ADMIN = { username: "admin", password: "password" };

/** Call the emulator's REST API as admin; returns the parsed JSON body. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, asserted field by field
export async function api(emu: Emulator, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${emu.url}${path.startsWith("/") ? path : `${API_ROOT}${path}`}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString("base64")}`,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function createUser(emu: Emulator, username: string, password: string): Promise<string> {
  const res = await api(emu, "POST", "users/", { username, password });
  if (res.status !== 201) throw new Error(`create user ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.pulp_href as string;
}

/** skopeo against the emulator's plain-HTTP registry; resolves to stdout, rejects with stderr. */
export async function skopeo(args: string[]): Promise<string> {
  return (await run("skopeo", args)).toString("utf8");
}

export async function skopeoFails(args: string[]): Promise<string> {
  try {
    await run("skopeo", args);
  } catch (err) {
    return String((err as Error).message);
  }
  throw new Error(`skopeo ${args.join(" ")} succeeded`);
}
