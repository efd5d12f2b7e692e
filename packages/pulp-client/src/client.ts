import { ApiContext, type CallOptions } from "./context";
import { type HttpOptions, HttpTransport } from "./http";
import { access } from "./resources/access";
import { content } from "./resources/content";
import { contentGuards } from "./resources/content-guards";
import { distributions } from "./resources/distributions";
import { publications } from "./resources/publications";
import { remotes } from "./resources/remotes";
import { repositories } from "./resources/repositories";
import { TasksApi } from "./resources/tasks";
import { type PulpStatus, statusSchema } from "./schemas/status";
import type { TaskHandle } from "./task-wait";

export type PulpClientOptions = HttpOptions;

export interface OrphanCleanupBody {
  content_hrefs?: string[];
  /** Minutes an orphan must have existed before removal. */
  orphan_protection_time?: number;
}

/** Typed Pulp 3 REST client (see docs/design.md and the package README). */
export class PulpClient {
  readonly http: HttpTransport;
  readonly remotes;
  readonly repositories;
  readonly publications;
  readonly distributions;
  readonly contentGuards;
  readonly content;
  readonly tasks: TasksApi;
  readonly users;
  readonly groups;
  readonly orphans;
  private readonly ctx: ApiContext;

  constructor(options: PulpClientOptions) {
    this.http = new HttpTransport(options);
    const ctx = new ApiContext(this.http);
    this.ctx = ctx;
    this.remotes = remotes(ctx);
    this.repositories = repositories(ctx);
    this.publications = publications(ctx);
    this.distributions = distributions(ctx);
    this.contentGuards = contentGuards(ctx);
    this.content = content(ctx);
    this.tasks = new TasksApi(ctx);
    const { users, groups } = access(ctx);
    this.users = users;
    this.groups = groups;
    this.orphans = {
      cleanup: (body: OrphanCleanupBody = {}, opts?: CallOptions): Promise<TaskHandle> =>
        ctx.dispatch("POST", "orphans/cleanup/", body, opts),
    };
  }

  /** `GET status/` — versions, workers, content settings. */
  status(opts?: CallOptions): Promise<PulpStatus> {
    return this.ctx.get(statusSchema, "status/", undefined, opts);
  }

  /** Release pooled connections. */
  close(): Promise<void> {
    return this.http.close();
  }
}
