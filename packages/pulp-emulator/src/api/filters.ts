import { normalizeHref } from "../store/ids";
import type { Resource } from "../store/state";
import type { ApiContext } from "./context";
import { HttpError } from "./errors";
import { type Filter, type FilterSet, labelSelect, rangeFilters, textFilters } from "./listing";

/** Href filters: the value must resolve, else core's "URI couldn't be resolved" 400. */
export function hrefValue(ctx: ApiContext, name: string, value: string): string {
  const href = normalizeHref(value);
  if (ctx.resolve(href) === undefined) throw new HttpError(400, { [name]: [`URI couldn't be resolved: ${value}`] });
  return href;
}

/** A filter whose (comma-separated) value must be resolvable hrefs. */
export function hrefFilter<T>(ctx: ApiContext, name: string, pred: (item: T, value: string) => boolean, list = false): Filter<T> {
  const f: Filter<T> = (item, value) => pred(item, value);
  f.prepare = (value) => {
    for (const v of list ? value.split(",") : [value]) hrefValue(ctx, name, v);
  };
  return f;
}

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
    remote: hrefFilter(ctx, "remote", (r: Resource, v) => r.data["remote"] === hrefValue(ctx, "remote", v)),
  };
}

export function publicationFilters(ctx: ApiContext): FilterSet<Resource> {
  const versionOf = (r: Resource) => ctx.state.versions.get(String(r.data["repository_version"]));
  return {
    ...common(),
    repository_version: hrefFilter(ctx, "repository_version", (r: Resource, v) => r.data["repository_version"] === hrefValue(ctx, "repository_version", v)),
    repository: hrefFilter(ctx, "repository", (r: Resource, v) => r.data["repository"] === hrefValue(ctx, "repository", v)),
    content: hrefFilter(ctx, "content", (r: Resource, v) => versionOf(r)?.content.has(hrefValue(ctx, "content", v)) ?? false),
    content__in: hrefFilter(
      ctx,
      "content__in",
      (r: Resource, v) => v.split(",").some((c) => versionOf(r)?.content.has(hrefValue(ctx, "content__in", c)) ?? false),
      true,
    ),
  };
}

export function distributionFilters(ctx: ApiContext, container: boolean): FilterSet<Resource> {
  const f: FilterSet<Resource> = {
    ...common(),
    ...labels(),
    ...textFilters<Resource>("name", (r) => r.data["name"]),
    ...textFilters<Resource>("base_path", (r) => r.data["base_path"], ["", "in", "contains", "icontains"]),
    repository: hrefFilter(ctx, "repository", (r: Resource, v) => r.data["repository"] === hrefValue(ctx, "repository", v)),
    repository__in: hrefFilter(
      ctx,
      "repository__in",
      (r: Resource, v) => v.split(",").map((x) => hrefValue(ctx, "repository__in", x)).includes(String(r.data["repository"])),
      true,
    ),
    with_content: (r, v) => {
      const c = hrefValue(ctx, "with_content", v);
      const pub = r.data["publication"] ? ctx.state.resources.get(String(r.data["publication"])) : undefined;
      const versions = [
        pub ? String(pub.data["repository_version"]) : null,
        r.data["repository_version"] ? String(r.data["repository_version"]) : null,
        r.data["repository"] ? ctx.latestVersion(String(r.data["repository"])).href : null,
      ];
      return versions.some((h) => (h ? ctx.state.versions.get(h)?.content.has(c) : false));
    },
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
