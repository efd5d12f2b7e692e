// Schemas of rpm_package_repos / deb_package_repos entries (fields documented at the top of those
// files). Defaults are those today's Ansible applies (dev-pulp-repos *_repo_common, the
// stackhpc.pulp roles and pulp.squeezer modules).
import * as z from "zod";

const JINJA = /{{|{%/;

const text = z.string().trim().min(1, "must not be empty");

const url = text.refine(
  (value) => {
    if (JINJA.test(value)) return true; // evaluated by Ansible, not by us
    try {
      return ["http:", "https:", "file:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  },
  { message: "must be an http(s) or file URL" },
);

/** Pulp apt remotes take whitespace-separated lists; collapse runs of whitespace. */
const wordList = text.transform((value) => value.split(/\s+/).join(" "));

export const POLICIES = ["immediate", "on_demand", "streamed"] as const;
export const SYNC_POLICIES = ["additive", "mirror_complete", "mirror_content_only"] as const;
export const DEB_MODES = ["verbatim", "simple", "structured", "simple_and_structured"] as const;

const common = {
  name: text,
  url: url.optional(),
  policy: z.enum(POLICIES).default("immediate"),
  base_path: text
    .refine((v) => !v.startsWith("/"), { message: "must be relative (no leading /)" })
    .refine((v) => !/\s/.test(v), { message: "must not contain whitespace" }),
  // Becomes part of the variable stackhpc_pulp_repo_<short_name>_version.
  short_name: z.string().regex(/^[A-Za-z0-9_]+$/, "must contain only letters, digits and underscores"),
  sync_group: text,
  distribution_name: text,
  sync: z.boolean().default(true),
  publish: z.boolean().default(true),
};

/** A remote needs an upstream URL; Ansible only omits it when `sync` is false. */
function requireUrlWhenSynced(entry: { url?: string | undefined; sync: boolean }, ctx: z.RefinementCtx): void {
  if (entry.sync && entry.url === undefined) {
    ctx.addIssue({ code: "custom", path: ["url"], message: "is required unless sync is false", input: undefined });
  }
}

export const rpmRepoSchema = z
  .strictObject({
    ...common,
    sync_policy: z.enum(SYNC_POLICIES).default("mirror_complete"),
  })
  .superRefine(requireUrlWhenSynced);

export const debRepoSchema = z
  .strictObject({
    ...common,
    distributions: wordList.optional(),
    components: wordList.optional(),
    architectures: wordList.optional(),
    mirror: z.boolean().default(true),
    mode: z.enum(DEB_MODES).default("simple"),
    // Found on real Deb entries although apt syncs have no sync policy; accepted, unused.
    sync_policy: z.enum(SYNC_POLICIES).optional(),
  })
  .superRefine(requireUrlWhenSynced);

/**
 * Checks that fail one entry only (the rest of the configuration stays usable): field → message.
 * An apt remote needs the dists to sync; Pulp would only refuse it at sync time.
 */
export function entryChecks(entry: { kind: string; sync: boolean; distributions?: string | undefined }): { field: string; message: string }[] {
  if (entry.kind === "deb" && entry.sync && entry.distributions === undefined) {
    return [{ field: "distributions", message: 'is required unless sync is false (the dists to sync, e.g. "jammy jammy-updates")' }];
  }
  return [];
}

export const FIELDS = {
  rpm: Object.keys(rpmRepoSchema.shape).sort(),
  deb: Object.keys(debRepoSchema.shape).sort(),
};
