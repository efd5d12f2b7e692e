import type { Field, Schema } from "./fields";

/** Field definitions of the writable API objects, as in the pulpcore 3.24.1 spec (`schema-digest`). */

const str = (extra: Partial<Field> = {}): Field => ({ type: "string", ...extra });
const nstr = (extra: Partial<Field> = {}): Field => ({ type: "string", nullable: true, ...extra });
const href = (refs: string[], extra: Partial<Field> = {}): Field => ({ type: "href", refs, ...extra });

const REMOTE_BASE: Schema = {
  name: str({ required: true }),
  url: str({ required: true }),
  ca_cert: nstr({ default: null }),
  client_cert: nstr({ default: null }),
  client_key: nstr({ writeOnly: true, default: null }),
  tls_validation: { type: "bool", default: true },
  proxy_url: nstr({ default: null }),
  proxy_username: nstr({ writeOnly: true, default: null }),
  proxy_password: nstr({ writeOnly: true, default: null }),
  username: nstr({ writeOnly: true, default: null }),
  password: nstr({ writeOnly: true, default: null }),
  pulp_labels: { type: "object", default: {} },
  download_concurrency: { type: "int", nullable: true, min: 1, default: null },
  max_retries: { type: "int", nullable: true, default: null },
  policy: { type: "choice", choices: ["immediate", "on_demand", "streamed"], default: "immediate" },
  total_timeout: { type: "number", nullable: true, min: 0, default: null },
  connect_timeout: { type: "number", nullable: true, min: 0, default: null },
  sock_connect_timeout: { type: "number", nullable: true, min: 0, default: null },
  sock_read_timeout: { type: "number", nullable: true, min: 0, default: null },
  headers: { type: "array", default: null, nullable: true },
  rate_limit: { type: "int", nullable: true, default: null },
};

export const HIDDEN_REMOTE_FIELDS = ["client_key", "proxy_username", "proxy_password", "username", "password"] as const;

export const RPM_REMOTE: Schema = { ...REMOTE_BASE, sles_auth_token: nstr({ default: null }) };

export const DEB_REMOTE: Schema = {
  ...REMOTE_BASE,
  distributions: str({ required: true }),
  components: nstr({ default: null }),
  architectures: nstr({ default: null }),
  sync_sources: { type: "bool", default: false },
  sync_udebs: { type: "bool", default: false },
  sync_installer: { type: "bool", default: false },
  gpgkey: nstr({ default: null }),
  ignore_missing_package_indices: { type: "bool", default: false },
};

export const CONTAINER_REMOTE: Schema = {
  ...REMOTE_BASE,
  upstream_name: str({ required: true }),
  include_tags: { type: "stringArray", nullable: true, default: null },
  exclude_tags: { type: "stringArray", nullable: true, default: null },
  sigstore: nstr({ default: null }),
};

const CHECKSUMS = ["unknown", "md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

const REPO_BASE: Schema = {
  pulp_labels: { type: "object", default: {} },
  name: str({ required: true }),
  description: nstr({ default: null }),
  retain_repo_versions: { type: "int", nullable: true, min: 1, default: null },
};

export const RPM_REPOSITORY: Schema = {
  ...REPO_BASE,
  remote: href(["remotes/rpm/rpm", "remotes/rpm/uln"], { nullable: true, default: null }),
  autopublish: { type: "bool", default: false },
  metadata_signing_service: href(["signing-services"], { nullable: true, default: null }),
  retain_package_versions: { type: "int", min: 0, default: 0 },
  metadata_checksum_type: { type: "choice", choices: CHECKSUMS, nullable: true, default: null },
  package_checksum_type: { type: "choice", choices: CHECKSUMS, nullable: true, default: null },
  gpgcheck: { type: "int", min: 0, max: 1, default: 0 },
  repo_gpgcheck: { type: "int", min: 0, max: 1, default: 0 },
  sqlite_metadata: { type: "bool", default: false },
};

export const DEB_REPOSITORY: Schema = {
  ...REPO_BASE,
  remote: href(["remotes/deb/apt"], { nullable: true, default: null }),
};

export const CONTAINER_REPOSITORY: Schema = {
  ...REPO_BASE,
  remote: href(["remotes/container/container"], { nullable: true, default: null }),
  manifest_signing_service: href(["signing-services"], { nullable: true, default: null }),
};

export const CONTAINER_PUSH_REPOSITORY: Schema = {
  ...REPO_BASE,
  manifest_signing_service: href(["signing-services"], { nullable: true, default: null }),
};

export const RPM_PUBLICATION: Schema = {
  repository_version: href(["versions/rpm/rpm"]),
  repository: href(["repositories/rpm/rpm"]),
  metadata_checksum_type: { type: "choice", choices: CHECKSUMS },
  package_checksum_type: { type: "choice", choices: CHECKSUMS },
  gpgcheck: { type: "int", min: 0, max: 1 },
  repo_gpgcheck: { type: "int", min: 0, max: 1 },
  sqlite_metadata: { type: "bool", default: false },
};

export const DEB_APT_PUBLICATION: Schema = {
  repository_version: href(["versions/deb/apt"]),
  repository: href(["repositories/deb/apt"]),
  simple: { type: "bool", default: false },
  structured: { type: "bool", default: false },
  signing_service: href(["signing-services"]),
};

export const DEB_VERBATIM_PUBLICATION: Schema = {
  repository_version: href(["versions/deb/apt"]),
  repository: href(["repositories/deb/apt"]),
};

const DISTRIBUTION_BASE: Schema = {
  base_path: str({ required: true }),
  content_guard: href(["contentguards/certguard/x509", "contentguards/core/rbac", "contentguards/core/content_redirect"], {
    nullable: true,
    default: null,
  }),
  pulp_labels: { type: "object", default: {} },
  name: str({ required: true }),
};

export const RPM_DISTRIBUTION: Schema = {
  ...DISTRIBUTION_BASE,
  repository: href(["repositories/rpm/rpm"], { nullable: true, default: null }),
  publication: href(["publications/rpm/rpm"], { nullable: true, default: null }),
};

export const DEB_DISTRIBUTION: Schema = {
  ...DISTRIBUTION_BASE,
  repository: href(["repositories/deb/apt"], { nullable: true, default: null }),
  publication: href(["publications/deb/apt", "publications/deb/verbatim"], { nullable: true, default: null }),
};

export const CONTAINER_DISTRIBUTION: Schema = {
  ...DISTRIBUTION_BASE,
  // Container distributions cannot drop their guard (auto-created content_redirect guard).
  content_guard: href(["contentguards/core/content_redirect", "contentguards/core/rbac", "contentguards/certguard/x509"]),
  repository: href(["repositories/container/container", "repositories/container/container-push"], { nullable: true, default: null }),
  repository_version: href(["versions/container/container", "versions/container/container-push"], { nullable: true, default: null }),
  private: { type: "bool", default: false },
  description: nstr({ default: null }),
};

export const X509_GUARD: Schema = {
  name: str({ required: true }),
  description: nstr({ default: null }),
  ca_certificate: str({ required: true }),
};

export const RBAC_GUARD: Schema = {
  name: str({ required: true }),
  description: nstr({ default: null }),
};

/** Sync bodies accept any remote; the view reports a type mismatch with Pulp's own message. */
const ANY_REMOTE = ["remotes/rpm/rpm", "remotes/rpm/uln", "remotes/deb/apt", "remotes/container/container", "remotes/file/file"];

export const RPM_SYNC: Schema = {
  remote: href(ANY_REMOTE),
  mirror: { type: "bool", nullable: true },
  sync_policy: { type: "choice", choices: ["additive", "mirror_complete", "mirror_content_only"], nullable: true },
  skip_types: { type: "stringArray", default: [] },
  optimize: { type: "bool", default: true },
};

export const DEB_SYNC: Schema = {
  remote: href(ANY_REMOTE),
  mirror: { type: "bool", default: false },
  optimize: { type: "bool", default: true },
};

export const CONTAINER_SYNC: Schema = {
  remote: href(ANY_REMOTE),
  mirror: { type: "bool", default: false },
  signed_only: { type: "bool", default: false },
};

export const MODIFY: Schema = {
  add_content_units: { type: "stringArray" },
  remove_content_units: { type: "stringArray" },
  base_version: { type: "href" },
};

export const RECURSIVE_MANAGE: Schema = {
  content_units: { type: "stringArray" },
};

export const NESTED_ROLE: Schema = {
  users: { type: "stringArray", default: [] },
  groups: { type: "stringArray", default: [] },
  role: str({ required: true }),
};

export const USER: Schema = {
  username: str({ required: true }),
  password: nstr({ writeOnly: true, default: null }),
  first_name: { type: "string", default: "", allowBlank: true },
  last_name: { type: "string", default: "", allowBlank: true },
  email: { type: "string", default: "", allowBlank: true },
  is_staff: { type: "bool", default: false },
  is_active: { type: "bool", default: true },
};

export const GROUP: Schema = { name: str({ required: true }) };
export const GROUP_USER: Schema = { username: str({ required: true }) };

export const ORPHANS_CLEANUP: Schema = {
  content_hrefs: { type: "stringArray" },
  orphan_protection_time: { type: "int", nullable: true },
};

export const PURGE: Schema = {
  finished_before: { type: "string" },
  states: { type: "stringArray", default: ["completed"] },
};

export const TASK_CANCEL: Schema = { state: str({ required: true }) };

export const FILE_REMOTE: Schema = { ...REMOTE_BASE };

export const FILE_REPOSITORY: Schema = {
  ...REPO_BASE,
  remote: href(["remotes/file/file"], { nullable: true, default: null }),
  autopublish: { type: "bool", default: false },
  manifest: nstr({ default: "PULP_MANIFEST" }),
};

export const FILE_PUBLICATION: Schema = {
  repository_version: href(["versions/file/file"]),
  repository: href(["repositories/file/file"]),
  manifest: nstr({ default: "PULP_MANIFEST" }),
};

export const FILE_DISTRIBUTION: Schema = {
  ...DISTRIBUTION_BASE,
  repository: href(["repositories/file/file"], { nullable: true, default: null }),
  publication: href(["publications/file/file"], { nullable: true, default: null }),
};

export const FILE_SYNC: Schema = {
  remote: href(ANY_REMOTE),
  mirror: { type: "bool", default: false },
};

export const FILE_CONTENT: Schema = {
  relative_path: str({ required: true }),
  artifact: href(["artifacts"]),
  repository: href(["repositories/file/file"]),
};
