import * as z from "zod";

declare const hrefKind: unique symbol;

/** A Pulp href (relative path, trailing slash) tagged with the kind of object it points to. */
export type Href<K extends string> = string & { readonly [hrefKind]: K };

export type RpmRemoteHref = Href<"rpm.remote">;
export type DebRemoteHref = Href<"deb.remote">;
export type ContainerRemoteHref = Href<"container.remote">;
export type RpmRepositoryHref = Href<"rpm.repository">;
export type DebRepositoryHref = Href<"deb.repository">;
export type ContainerRepositoryHref = Href<"container.repository">;
export type ContainerPushRepositoryHref = Href<"container.push-repository">;
export type RepositoryVersionHref = Href<"repository-version">;
export type RpmPublicationHref = Href<"rpm.publication">;
export type DebPublicationHref = Href<"deb.publication">;
export type DebVerbatimPublicationHref = Href<"deb.verbatim-publication">;
export type RpmDistributionHref = Href<"rpm.distribution">;
export type DebDistributionHref = Href<"deb.distribution">;
export type ContainerDistributionHref = Href<"container.distribution">;
export type ContentGuardHref = Href<"content-guard">;
export type X509GuardHref = Href<"certguard.x509">;
export type RbacGuardHref = Href<"core.rbac">;
export type TaskHref = Href<"task">;
export type UserHref = Href<"user">;
export type GroupHref = Href<"group">;
export type ContentHref = Href<"content">;
export type ContainerTagHref = Href<"container.tag">;
export type ContainerManifestHref = Href<"container.manifest">;
export type RpmPackageHref = Href<"rpm.package">;
export type DebPackageHref = Href<"deb.package">;

/** Any href, whatever its kind. */
export type AnyHref = Href<string>;

/** Tag a string as an href of kind K (e.g. a version href built as `versions_href + "3/"`). */
export function asHref<H extends AnyHref>(value: string): H {
  return value as H;
}

/** zod schema for an href of a given kind: a plain string at runtime, branded at compile time. */
export function hrefSchema<H extends AnyHref>(): z.ZodType<H, string> {
  return z.string() as unknown as z.ZodType<H, string>;
}

/** `<repository href>versions/<n>/` — the href of a repository version by number. */
export function versionHref(repositoryHref: AnyHref, n: number): RepositoryVersionHref {
  const base = repositoryHref.endsWith("/") ? repositoryHref : `${repositoryHref}/`;
  return asHref<RepositoryVersionHref>(`${base}versions/${n}/`);
}
