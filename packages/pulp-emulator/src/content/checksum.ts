import { createHash } from "node:crypto";
import type { ChecksumType } from "./types";

export function digest(algorithm: ChecksumType | string, data: Buffer | string): string {
  return createHash(normalizeAlgorithm(algorithm)).update(data).digest("hex");
}

/** createrepo's `sha` means sha1. */
export function normalizeAlgorithm(algorithm: string): string {
  const a = algorithm.toLowerCase();
  return a === "sha" ? "sha1" : a;
}
