// Ansible's `!vault` values (dev-pulp / test-pulp passwords). The release train never decrypts
// them — Pulp credentials come from the environment — so they are kept opaque and never printed.
import type { ScalarTag } from "yaml";

export class VaultValue {
  readonly #ciphertext: string;
  constructor(ciphertext: string) {
    this.#ciphertext = ciphertext;
  }
  /** The `$ANSIBLE_VAULT;…` envelope, for a caller that really means to decrypt it. */
  ciphertext(): string {
    return this.#ciphertext;
  }
  toString(): string {
    return "<vault>";
  }
  toJSON(): string {
    return "<vault>";
  }
}

export const vaultTag: ScalarTag = {
  tag: "!vault",
  identify: (value) => value instanceof VaultValue,
  resolve: (value) => new VaultValue(value),
};

/** Ansible's `!unsafe` marks a string Jinja must not template; to us it is just a string. */
export const unsafeTag: ScalarTag = {
  tag: "!unsafe",
  resolve: (value) => value,
};
