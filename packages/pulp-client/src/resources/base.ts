import type * as z from "zod";
import type { ApiContext, CallOptions } from "../context";
import type { AnyHref } from "../hrefs";
import type { Query } from "../http";
import { findOne, type ListOptions, paginate } from "../pagination";
import type { TaskHandle } from "../task-wait";

/** get / list / listAll / findOne over one list endpoint (`path` is relative to the API root or an href). */
export class ReadResource<S extends z.ZodType, H extends AnyHref = AnyHref> {
  constructor(
    protected readonly ctx: ApiContext,
    readonly path: string,
    readonly schema: S,
  ) {}

  get(href: H, opts?: CallOptions): Promise<z.output<S>> {
    return this.ctx.get(this.schema, href, undefined, opts);
  }

  /** Lazily fetches page after page; array filters are comma-joined (`name__in`). */
  list(filters?: Query, opts?: ListOptions): AsyncIterable<z.output<S>> {
    return paginate(this.ctx, this.path, this.schema, filters, opts);
  }

  async listAll(filters?: Query, opts?: ListOptions): Promise<z.output<S>[]> {
    const out: z.output<S>[] = [];
    for await (const obj of this.list(filters, opts)) out.push(obj);
    return out;
  }

  findOne(filters: Query, opts?: CallOptions): Promise<z.output<S> | undefined> {
    return findOne(this.ctx, this.path, this.schema, filters, opts);
  }
}

/** Remotes and repositories: create answers 201 with the object, update/delete are tasks. */
export class CreateSyncUpdateAsync<S extends z.ZodType, H extends AnyHref, B extends object> extends ReadResource<S, H> {
  create(body: B, opts?: CallOptions): Promise<z.output<S>> {
    return this.ctx.send(this.schema, "POST", this.path, body, opts);
  }
  update(href: H, patch: Partial<B>, opts?: CallOptions): Promise<TaskHandle> {
    return this.ctx.dispatch("PATCH", href, patch, opts);
  }
  delete(href: H, opts?: CallOptions): Promise<TaskHandle> {
    return this.ctx.dispatch("DELETE", href, undefined, opts);
  }
}

/** Distributions: create, update and delete are all tasks. */
export class AllAsync<S extends z.ZodType, H extends AnyHref, B extends object> extends ReadResource<S, H> {
  create(body: B, opts?: CallOptions): Promise<TaskHandle> {
    return this.ctx.dispatch("POST", this.path, body, opts);
  }
  update(href: H, patch: Partial<B>, opts?: CallOptions): Promise<TaskHandle> {
    return this.ctx.dispatch("PATCH", href, patch, opts);
  }
  delete(href: H, opts?: CallOptions): Promise<TaskHandle> {
    return this.ctx.dispatch("DELETE", href, undefined, opts);
  }
}

/** Content guards, users, groups: synchronous 201 / 200 / 204. */
export class AllSync<S extends z.ZodType, H extends AnyHref, B extends object> extends ReadResource<S, H> {
  create(body: B, opts?: CallOptions): Promise<z.output<S>> {
    return this.ctx.send(this.schema, "POST", this.path, body, opts);
  }
  update(href: H, patch: Partial<B>, opts?: CallOptions): Promise<z.output<S>> {
    return this.ctx.send(this.schema, "PATCH", href, patch, opts);
  }
  delete(href: H, opts?: CallOptions): Promise<void> {
    return this.ctx.call("DELETE", href, undefined, opts);
  }
}

/** Publications: create is a task, immutable, delete answers 204. */
export class PublicationResource<S extends z.ZodType, H extends AnyHref, B extends object> extends ReadResource<S, H> {
  create(body: B, opts?: CallOptions): Promise<TaskHandle> {
    return this.ctx.dispatch("POST", this.path, body, opts);
  }
  delete(href: H, opts?: CallOptions): Promise<void> {
    return this.ctx.call("DELETE", href, undefined, opts);
  }
}

/** `<href><action>/` */
export function actionPath(href: AnyHref, action: string): string {
  return `${href.endsWith("/") ? href : `${href}/`}${action}/`;
}
