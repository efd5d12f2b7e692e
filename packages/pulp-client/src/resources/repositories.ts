import type * as z from "zod";
import type { ApiContext, CallOptions } from "../context";
import type {
  AnyHref,
  ContainerPushRepositoryHref,
  ContainerRepositoryHref,
  ContentHref,
  DebRepositoryHref,
  RepositoryVersionHref,
  RpmRepositoryHref,
} from "../hrefs";
import {
  type ContainerRepositoryBody,
  type ContainerSyncBody,
  containerPushRepositorySchema,
  containerRepositorySchema,
  type DebRepositoryBody,
  type DebSyncBody,
  debRepositorySchema,
  type ModifyBody,
  type RepositoryBody,
  type RpmRepositoryBody,
  type RpmSyncBody,
  repositoryVersionSchema,
  rpmRepositorySchema,
} from "../schemas/repositories";
import type { TaskHandle } from "../task-wait";
import { actionPath, CreateSyncUpdateAsync, ReadResource } from "./base";

export const REPOSITORY_PATHS = {
  rpm: "repositories/rpm/rpm/",
  deb: "repositories/deb/apt/",
  container: "repositories/container/container/",
  containerPush: "repositories/container/container-push/",
} as const;

/** Versions of one repository (`<repo>versions/`, newest first). */
export class RepositoryVersions extends ReadResource<typeof repositoryVersionSchema, RepositoryVersionHref> {
  constructor(ctx: ApiContext, repositoryHref: AnyHref) {
    super(ctx, actionPath(repositoryHref, "versions"), repositoryVersionSchema);
  }
  /** Deleting a version also deletes its publications (202). */
  delete(href: RepositoryVersionHref, opts?: CallOptions): Promise<TaskHandle> {
    return this.ctx.dispatch("DELETE", href, undefined, opts);
  }
}

class RepositoryResource<S extends z.ZodType, H extends AnyHref, B extends RepositoryBody, Sync> extends CreateSyncUpdateAsync<
  S,
  H,
  B
> {
  versions(href: H): RepositoryVersions {
    return new RepositoryVersions(this.ctx, href);
  }
  sync(href: H, body: Sync, opts?: CallOptions): Promise<TaskHandle> {
    return this.ctx.dispatch("POST", actionPath(href, "sync"), body, opts);
  }
}

/** rpm/deb: `modify/` adds and removes content in one new version (removal first). */
class ModifiableRepository<S extends z.ZodType, H extends AnyHref, B extends RepositoryBody, Sync> extends RepositoryResource<
  S,
  H,
  B,
  Sync
> {
  modify(href: H, body: ModifyBody, opts?: CallOptions): Promise<TaskHandle> {
    return this.ctx.dispatch("POST", actionPath(href, "modify"), body, opts);
  }
}

export interface CopyTagsBody {
  source_repository?: AnyHref;
  source_repository_version?: RepositoryVersionHref;
  /** Tag names to copy; omitted = all tags. */
  names?: string[];
}

/** Tag/untag exist on both container repository kinds. */
function tagging<H extends AnyHref>(ctx: ApiContext) {
  return {
    tag: (href: H, tag: string, digest: string, opts?: CallOptions) =>
      ctx.dispatch("POST", actionPath(href, "tag"), { tag, digest }, opts),
    untag: (href: H, tag: string, opts?: CallOptions) => ctx.dispatch("POST", actionPath(href, "untag"), { tag }, opts),
  };
}

class ContainerRepositoryResource extends RepositoryResource<
  typeof containerRepositorySchema,
  ContainerRepositoryHref,
  ContainerRepositoryBody,
  ContainerSyncBody
> {
  private readonly tags = tagging<ContainerRepositoryHref>(this.ctx);

  /** Recursive add: a tag brings its manifests and blobs. */
  add(href: ContainerRepositoryHref, contentUnits: ContentHref[], opts?: CallOptions): Promise<TaskHandle> {
    return this.ctx.dispatch("POST", actionPath(href, "add"), { content_units: contentUnits }, opts);
  }
  /** Recursive remove; `["*"]` removes everything. */
  remove(href: ContainerRepositoryHref, contentUnits: (ContentHref | "*")[], opts?: CallOptions): Promise<TaskHandle> {
    return this.ctx.dispatch("POST", actionPath(href, "remove"), { content_units: contentUnits }, opts);
  }
  tag(href: ContainerRepositoryHref, tag: string, digest: string, opts?: CallOptions): Promise<TaskHandle> {
    return this.tags.tag(href, tag, digest, opts);
  }
  untag(href: ContainerRepositoryHref, tag: string, opts?: CallOptions): Promise<TaskHandle> {
    return this.tags.untag(href, tag, opts);
  }
  copyTags(href: ContainerRepositoryHref, body: CopyTagsBody, opts?: CallOptions): Promise<TaskHandle> {
    return this.ctx.dispatch("POST", actionPath(href, "copy_tags"), body, opts);
  }
}

/** Push repositories are created by `docker push`: no create, no delete (deleted with the distribution). */
class ContainerPushRepositoryResource extends ReadResource<
  typeof containerPushRepositorySchema,
  ContainerPushRepositoryHref
> {
  private readonly tags = tagging<ContainerPushRepositoryHref>(this.ctx);

  versions(href: ContainerPushRepositoryHref): RepositoryVersions {
    return new RepositoryVersions(this.ctx, href);
  }
  update(href: ContainerPushRepositoryHref, patch: Partial<RepositoryBody>, opts?: CallOptions): Promise<TaskHandle> {
    return this.ctx.dispatch("PATCH", href, patch, opts);
  }
  tag(href: ContainerPushRepositoryHref, tag: string, digest: string, opts?: CallOptions): Promise<TaskHandle> {
    return this.tags.tag(href, tag, digest, opts);
  }
  untag(href: ContainerPushRepositoryHref, tag: string, opts?: CallOptions): Promise<TaskHandle> {
    return this.tags.untag(href, tag, opts);
  }
  removeImage(href: ContainerPushRepositoryHref, digest: string, opts?: CallOptions): Promise<TaskHandle> {
    return this.ctx.dispatch("POST", actionPath(href, "remove_image"), { digest }, opts);
  }
}

export function repositories(ctx: ApiContext) {
  return {
    rpm: new ModifiableRepository<typeof rpmRepositorySchema, RpmRepositoryHref, RpmRepositoryBody, RpmSyncBody>(
      ctx,
      REPOSITORY_PATHS.rpm,
      rpmRepositorySchema,
    ),
    deb: new ModifiableRepository<typeof debRepositorySchema, DebRepositoryHref, DebRepositoryBody, DebSyncBody>(
      ctx,
      REPOSITORY_PATHS.deb,
      debRepositorySchema,
    ),
    container: new ContainerRepositoryResource(ctx, REPOSITORY_PATHS.container, containerRepositorySchema),
    containerPush: new ContainerPushRepositoryResource(ctx, REPOSITORY_PATHS.containerPush, containerPushRepositorySchema),
  };
}
