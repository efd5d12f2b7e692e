import type { User } from "../store/state";
import type { ParsedBody } from "./body";
import type { ApiContext } from "./context";

export interface ApiRequest {
  method: string;
  url: URL;
  /** Path params captured by the route. */
  params: Record<string, string>;
  body(): Promise<ParsedBody>;
  user: User;
  ctx: ApiContext;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: ApiRequest) => Promise<ApiResponse> | ApiResponse;

export interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

/** `{task}` 202 body. */
export const accepted = (taskHref: string): ApiResponse => ({ status: 202, body: { task: taskHref } });
export const ok = (body: unknown): ApiResponse => ({ status: 200, body });
