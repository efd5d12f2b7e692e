export {
  type IssueCertificateRequest,
  type IssuedCertificate,
  splitPemBundle,
  VaultClient,
  type VaultClientOptions,
  type VaultLogin,
} from "./client";
export { redactVaultText, VaultError } from "./errors";
