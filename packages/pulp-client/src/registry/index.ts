export { type Manifest, type ManifestHead, MANIFEST_MEDIA_TYPES, RegistryClient, type RegistryClientOptions } from "./client";
export { type Challenge, nextLink, parseChallenge } from "./challenge";
export { RegistryDigestError, RegistryHttpError } from "./errors";
export { type PushLayoutResult, pushOciLayout } from "./oci-layout";
