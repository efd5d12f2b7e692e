import * as z from "zod";
import { type ContainerRemoteHref, type DebRemoteHref, hrefSchema, type RpmRemoteHref } from "../hrefs";
import { labels, pulpObject } from "./common";

export const remotePolicy = z.enum(["immediate", "on_demand", "streamed"]);

const remoteBase = {
  ...pulpObject,
  name: z.string(),
  url: z.string(),
  ca_cert: z.string().nullish(),
  client_cert: z.string().nullish(),
  tls_validation: z.boolean(),
  proxy_url: z.string().nullish(),
  pulp_labels: labels.optional(),
  pulp_last_updated: z.string().nullish(),
  download_concurrency: z.number().int().nullish(),
  max_retries: z.number().int().nullish(),
  policy: remotePolicy,
  total_timeout: z.number().nullish(),
  connect_timeout: z.number().nullish(),
  sock_connect_timeout: z.number().nullish(),
  sock_read_timeout: z.number().nullish(),
  headers: z.array(z.record(z.string(), z.unknown())).nullish(),
  rate_limit: z.number().int().nullish(),
  // core ≥3.22: which write-only secrets are set (the secrets themselves are never returned).
  hidden_fields: z.array(z.looseObject({ name: z.string(), is_set: z.boolean() })).optional(),
};

export const rpmRemoteSchema = z.looseObject({
  ...remoteBase,
  pulp_href: hrefSchema<RpmRemoteHref>(),
  sles_auth_token: z.string().nullish(),
});
export type RpmRemote = z.infer<typeof rpmRemoteSchema>;

export const debRemoteSchema = z.looseObject({
  ...remoteBase,
  pulp_href: hrefSchema<DebRemoteHref>(),
  distributions: z.string(),
  components: z.string().nullish(),
  architectures: z.string().nullish(),
  sync_sources: z.boolean().optional(),
  sync_udebs: z.boolean().optional(),
  sync_installer: z.boolean().optional(),
  gpgkey: z.string().nullish(),
  ignore_missing_package_indices: z.boolean().optional(),
});
export type DebRemote = z.infer<typeof debRemoteSchema>;

export const containerRemoteSchema = z.looseObject({
  ...remoteBase,
  pulp_href: hrefSchema<ContainerRemoteHref>(),
  upstream_name: z.string(),
  include_tags: z.array(z.string()).nullish(),
  exclude_tags: z.array(z.string()).nullish(),
  sigstore: z.string().nullish(),
});
export type ContainerRemote = z.infer<typeof containerRemoteSchema>;

/** Writable remote fields shared by all plugins (secrets are write-only). */
export interface RemoteBody {
  name: string;
  url: string;
  ca_cert?: string | null;
  client_cert?: string | null;
  client_key?: string | null;
  tls_validation?: boolean;
  proxy_url?: string | null;
  proxy_username?: string | null;
  proxy_password?: string | null;
  username?: string | null;
  password?: string | null;
  pulp_labels?: Record<string, string>;
  download_concurrency?: number | null;
  max_retries?: number | null;
  policy?: z.infer<typeof remotePolicy>;
  total_timeout?: number | null;
  connect_timeout?: number | null;
  sock_connect_timeout?: number | null;
  sock_read_timeout?: number | null;
  headers?: Record<string, unknown>[];
  rate_limit?: number | null;
}
export interface RpmRemoteBody extends RemoteBody {
  sles_auth_token?: string | null;
}
export interface DebRemoteBody extends RemoteBody {
  distributions: string;
  components?: string | null;
  architectures?: string | null;
  sync_sources?: boolean;
  sync_udebs?: boolean;
  sync_installer?: boolean;
  gpgkey?: string | null;
  ignore_missing_package_indices?: boolean;
}
export interface ContainerRemoteBody extends RemoteBody {
  upstream_name: string;
  include_tags?: string[] | null;
  exclude_tags?: string[] | null;
  sigstore?: string | null;
}
