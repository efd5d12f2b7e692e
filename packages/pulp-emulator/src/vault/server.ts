// Standalone Vault stand-in on its own port (the emulator mounts the handler itself).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createVaultHandler, type VaultOptions, type VaultStandIn } from "./handler";

export interface RunningVault extends Omit<VaultStandIn, "handler"> {
  url: string;
  stop(): Promise<void>;
}

export async function startVault(options: VaultOptions & { port?: number } = {}): Promise<RunningVault> {
  const vault = await createVaultHandler(options);
  const server = createServer(vault.handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const { handler: _handler, ...rest } = vault;
  return {
    ...rest,
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
