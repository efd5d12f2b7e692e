import { normalizeHref } from "../store/ids";
import type { RepositoryVersion, Resource } from "../store/state";
import type { ApiContext } from "./context";
import { HttpError } from "./errors";
import { type Filter, type FilterSet, labelSelect, rangeFilters, textFilters } from "./listing";

/** Href filters: the value must resolve, else core's "URI couldn't be resolved" 400. */
function assertResolvable(ctx: ApiContext, name: string, value: string): void {
  if (ctx.resolve(normalizeHref(value)) === undefined) throw new HttpError(400, { [name]: [`URI couldn't be resolved: ${value}`] });
}

/**
 * A filter whose (comma-separated when `list`) value must be resolvable hrefs: validated once in
 * `prepare`, then `pred` sees the normalized hrefs.
 */
export function hrefFilter<T>(ctx: ApiContext, name: string, pred: (item: T, hrefs: string[]) => boolean, list = false): Filter<T> {
  const values = (value: string) => (list ? value.split(",") : [value]);
  const f: Filter<T> = (item, value) => pred(item, values(value).map(normalizeHref));
  f.prepare = (value) => {
    for (const v of values(value)) assertResolvable(ctx, name, v);
  };
  return f;
}

/** A filter on a repository version href; one that names no version is core's "URI couldn't be resolved" 400. */
export function versionFilter<T>(ctx: ApiContext, name: string, pred: (item: T, version: RepositoryVersion) => boolean): Filter<T> {
  const versionOf = (value: string): RepositoryVersion => {
    const v = ctx.state.versions.get(normalizeHref(value));
    if (!v) throw new HttpError(400, { [name]: [`URI couldn't be resolved: ${value}`] });
    return v;
  };
  const f: Filter<T> = (item, value) => pred(item, versionOf(value));
  f.prepare = (value) => void versionOf(value);
  return f;
}

/** `field=<href>`: the item's `field` is that href. */
const sameHref = (ctx: ApiContext, field: string): Filter<Resource> => hrefFilter(ctx, field, (r: Resource, [h]) => r.data[field] === h);

const common = (): FilterSet<Resource> => ({
  pulp_href__in: (r, v) => v.split(",").map(normalizeHref).includes(r.href),
  pulp_id__in: (r, v) => v.split(",").includes(r.id),
  ...rangeFilters<Resource>("pulp_created", (r) => r.created, false),
});

const labels = (): FilterSet<Resource> => ({
  pulp_label_select: (r, v) => labelSelect((r.data["pulp_labels"] as Record<string, unknown>) ?? {}, v),
});

export function remoteFilters(): FilterSet<Resource> {
  return {
    ...common(),
    ...labels(),
    ...textFilters<Resource>("name", (r) => r.data["name"]),
    ...rangeFilters<Resource>("pulp_last_updated", (r) => r.lastUpdated, false),
  };
}

export function repositoryFilters(ctx: ApiContext): FilterSet<Resource> {
  return {
    ...common(),
    ...labels(),
    ...textFilters<Resource>("name", (r) => r.data["name"]),
    ...rangeFilters<Resource>("retain_repo_versions", (r) => r.data["retain_repo_versions"], true),
    remote: sameHref(ctx, "remote"),
  };
}

export function publicationFilters(ctx: ApiContext): FilterSet<Resource> {
  const versionOf = (r: Resource) => ctx.state.versions.get(String(r.data["repository_version"]));
  return {
    ...common(),
    repository_version: sameHref(ctx, "repository_version"),
    repository: sameHref(ctx, "repository"),
    content: hrefFilter(ctx, "content", (r: Resource, hrefs) => hrefs.some((c) => versionOf(r)?.content.has(c) ?? false)),
    content__in: hrefFilter(ctx, "content__in", (r: Resource, hrefs) => hrefs.some((c) => versionOf(r)?.content.has(c) ?? false), true),
  };
}

export function distributionFilters(ctx: ApiContext, container: boolean): FilterSet<Resource> {
  const f: FilterSet<Resource> = {
    ...common(),
    ...labels(),
    ...textFilters<Resource>("name", (r) => r.data["name"]),
    ...textFilters<Resource>("base_path", (r) => r.data["base_path"], ["", "in", "contains", "icontains"]),
    repository: sameHref(ctx, "repository"),
    repository__in: hrefFilter(ctx, "repository__in", (r: Resource, hrefs) => hrefs.includes(String(r.data["repository"])), true),
    with_content: hrefFilter(ctx, "with_content", (r: Resource, [c = ""]) => {
      const pub = r.data["publication"] ? ctx.state.resources.get(String(r.data["publication"])) : undefined;
      const versions = [
        pub ? String(pub.data["repository_version"]) : null,
        r.data["repository_version"] ? String(r.data["repository_version"]) : null,
        r.data["repository"] ? ctx.latestVersion(String(r.data["repository"])).href : null,
      ];
      return versions.some((h) => (h ? ctx.state.versions.get(h)?.content.has(c) : false));
    }),
  };
  if (container) f["namespace__name"] = (r, v) => String(r.data["base_path"]).split("/")[0] === v;
  return f;
}

export function guardFilters(generic: boolean): FilterSet<Resource> {
  const f: FilterSet<Resource> = { ...common(), ...textFilters<Resource>("name", (r) => r.data["name"]) };
  if (generic) {
    f["pulp_type__in"] = (r, v) => v.split(",").includes(r.pulpType);
  }
  return f;
}
