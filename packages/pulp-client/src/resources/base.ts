import type * as z from "zod";
import type { ApiContext, CallOptions } from "../context";
import { mayHaveBeenApplied, PulpHttpError } from "../errors";
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
    /** The unique field an object is known by (`name`; users: `username`). */
    readonly naturalKey = "name",
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

  /**
   * A synchronous create (201 with the object) that never creates twice: when the POST may have
   * reached Pulp without an answer (dropped connection, timeout), the object is looked up by its
   * natural key before the create is sent again; a retry that meets its own first attempt (400,
   * the key is taken) takes the object found.
   */
  protected async createOnce(body: object, opts?: CallOptions): Promise<z.output<S>> {
    const key = (body as Record<string, unknown>)[this.naturalKey];
    const lookup = () => (typeof key === "string" ? this.findOne({ [this.naturalKey]: key }, opts) : Promise.resolve(undefined));
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.ctx.send(this.schema, "POST", this.path, body, opts);
      } catch (error) {
        if (typeof key !== "string") throw error;
        const ambiguous = mayHaveBeenApplied(error);
        const ownEcho = attempt > 0 && error instanceof PulpHttpError && error.status === 400;
        if (!ambiguous && !ownEcho) throw error;
        const found = await lookup();
        if (found !== undefined) return found;
        if (!ambiguous || attempt >= MAX_CREATE_ATTEMPTS - 1) throw error;
      }
    }
  }
}

/** POSTs of one create after answers were lost (each preceded by a natural-key lookup). */
const MAX_CREATE_ATTEMPTS = 4;

/** Remotes and repositories: create answers 201 with the object, update/delete are tasks. */
export class CreateSyncUpdateAsync<S extends z.ZodType, H extends AnyHref, B extends object> extends ReadResource<S, H> {
  create(body: B, opts?: CallOptions): Promise<z.output<S>> {
    return this.createOnce(body, opts);
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
    return this.createOnce(body, opts);
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
