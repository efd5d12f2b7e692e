export { DEFAULT_POLICIES, createVaultHandler, type VaultOptions, type VaultStandIn } from "./handler";
export { guardBundles, MOUNTS, type PkiLayout, ROLES } from "./layout";
export type { IssuedCertificate, PkiRole } from "./pki";
export { type RunningVault, startVault } from "./server";
