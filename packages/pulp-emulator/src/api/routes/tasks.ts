import { API_ROOT, normalizeHref } from "../../store/ids";
import { HttpError, notFound } from "../errors";
import { validate } from "../fields";
import { type FilterSet, rangeFilters, textFilters } from "../listing";
import { type ApiRequest, accepted, ok, type Route } from "../request";
import { listResponse } from "../respond";
import { PURGE, TASK_CANCEL } from "../schemas";
import { FINAL_STATES, reservedResourcesRecord, serializeTask, type Task } from "../tasks";

const TASK = new RegExp(`^${API_ROOT}tasks/([0-9a-f-]{36})/$`);

const taskOf = (req: ApiRequest): Task => {
  const t = req.ctx.tasks.tasks.get(`${API_ROOT}tasks/${req.params["0"]}/`);
  if (!t) throw notFound();
  return t;
};

export function taskRoutes(): Route[] {
  return [
    {
      method: "GET",
      pattern: new RegExp(`^${API_ROOT}tasks/$`),
      handler: (req) => {
        const filters: FilterSet<Task> = {
          ...textFilters<Task>("state", (t) => t.state, ["", "in"]),
          ...textFilters<Task>("name", (t) => t.name, ["", "in", "contains"]),
          ...rangeFilters<Task>("started_at", (t) => t.startedAt, false),
          ...rangeFilters<Task>("finished_at", (t) => t.finishedAt, false),
          ...rangeFilters<Task>("pulp_created", (t) => t.created, false),
          worker: (t, v) => t.worker === normalizeHref(v),
          worker__in: (t, v) => v.split(",").map(normalizeHref).includes(String(t.worker)),
          created_resources: (t, v) => t.state === "completed" && t.createdResources.includes(normalizeHref(v)),
          reserved_resources_record: (t, _v, all) => all.every((r) => reservedResourcesRecord(t).includes(r)),
          reserved_resources: (t, v) => [...t.exclusive, ...t.shared].includes(normalizeHref(v)),
          reserved_resources__in: (t, v) => v.split(",").some((r) => [...t.exclusive, ...t.shared].includes(normalizeHref(r))),
          exclusive_resources: (t, v) => t.exclusive.includes(normalizeHref(v)),
          exclusive_resources__in: (t, v) => v.split(",").some((r) => t.exclusive.includes(normalizeHref(r))),
          shared_resources: (t, v) => t.shared.includes(normalizeHref(v)),
          shared_resources__in: (t, v) => v.split(",").some((r) => t.shared.includes(normalizeHref(r))),
          parent_task: () => false,
          child_tasks: () => false,
          task_group: () => false,
          logging_cid: (t, v) => t.loggingCid === v,
          logging_cid__contains: (t, v) => t.loggingCid.includes(v),
          pulp_href__in: (t, v) => v.split(",").map(normalizeHref).includes(t.href),
          pulp_id__in: (t, v) => v.split(",").some((id) => t.href.includes(id)),
        };
        const items = [...req.ctx.tasks.tasks.values()].sort((a, b) => a.seq - b.seq);
        return listResponse(req, items, { filters, serialize: serializeTask, ordering: "-pulp_created" });
      },
    },
    {
      method: "GET",
      pattern: TASK,
      handler: (req) => {
        const t = taskOf(req);
        const body = serializeTask(t);
        req.ctx.tasks.polled(t);
        return ok(body);
      },
    },
    {
      method: "PATCH",
      pattern: TASK,
      handler: async (req) => {
        const t = taskOf(req);
        // TaskCancelSerializer has no unknown-field check: extra keys are ignored.
        const body = await req.body();
        const state = body.value["state"];
        const data = validate(TASK_CANCEL, { kind: body.kind, value: state === undefined ? {} : { state } }, { partial: false, resolve: req.ctx.resolve });
        if (data["state"] !== "canceled") throw new HttpError(400, { state: ["The only acceptable value for 'state' is 'canceled'."] });
        if (!req.ctx.tasks.cancel(t)) return { status: 409, body: serializeTask(t) };
        return ok(serializeTask(t));
      },
    },
    {
      method: "DELETE",
      pattern: TASK,
      handler: (req) => {
        const t = taskOf(req);
        if (!FINAL_STATES.includes(t.state)) return { status: 409 };
        req.ctx.tasks.tasks.delete(t.href);
        return { status: 204 };
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`^${API_ROOT}tasks/purge/$`),
      handler: async (req) => {
        const ctx = req.ctx;
        const data = validate(PURGE, await req.body(), { partial: false, resolve: ctx.resolve });
        const states = data["states"] as string[];
        const bad = states.filter((s) => !FINAL_STATES.includes(s as Task["state"]));
        if (bad.length > 0) throw new HttpError(400, { states: [`${bad.join(", ")} is not a final state.`] });
        const before = data["finished_before"] === undefined ? Date.now() - 30 * 86400_000 : Date.parse(String(data["finished_before"]));
        if (Number.isNaN(before)) throw new HttpError(400, { finished_before: ["Datetime has wrong format."] });
        const task = ctx.tasks.dispatch({
          name: "pulpcore.app.tasks.purge.purge",
          kind: "general",
          exclusive: [],
          run: (tctx) => {
            let n = 0;
            for (const t of [...ctx.tasks.tasks.values()]) {
              if (t !== tctx.task && states.includes(t.state) && t.finishedAt && Date.parse(t.finishedAt) < before) {
                ctx.tasks.tasks.delete(t.href);
                n++;
              }
            }
            tctx.progress({ message: "Purged task-objects total", code: "purge.tasks.total", state: "completed", total: n, done: n });
            return [];
          },
        });
        return accepted(task.href);
      },
    },
  ];
}
