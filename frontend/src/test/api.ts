/**
 * Test kit: a mocked API behind `globalThis.fetch` and builders of the API's envelopes
 * (DESIGN.md §5). Every request is recorded as a `Call`; paths are without `/api/v1`.
 *
 *   const calls = mockApi({ "GET /users": ok([user]), "POST /users/:id/unlock": (call) => ok({ id: call.params.id }) });
 *   expect(callsTo(calls, "POST", "/users/u-1/unlock")[0]!.body).toEqual({ reason: "..." });
 */
import { vi } from "vitest";

export const API_PREFIX = "/api/v1";

/** A list's default paging: one page, nothing after it. */
export const ONE_PAGE = { has_more: false, next_cursor: null };

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

/** 200 success envelope. */
export const ok = (data: unknown, meta: object = ONE_PAGE): Response =>
  json(200, { status: "success", data, meta, timestamp: "2026-12-08T00:00:00Z" });

/** 201 success envelope. */
export const created = (data: unknown): Response =>
  json(201, { status: "success", data, timestamp: "2026-12-08T00:00:00Z" });

/** 204 without a body. */
export const noContent = (): Response => new Response(null, { status: 204 });

/** Error envelope: what the API answers when it refuses. */
export const fail = (status: number, code: string, message: string, details: unknown = null): Response =>
  json(status, { status: "error", error: { code, message, details }, request_id: "r", timestamp: "t" });

/** An authenticated file download (PDF by default). */
export function file(
  filename: string,
  body = "%PDF-1.7 test",
  type = "application/pdf",
  headers: Record<string, string> = {},
): Response {
  return new Response(body, {
    status: 200,
    headers: { "Content-Type": type, "Content-Disposition": `attachment; filename="${filename}"`, ...headers },
  });
}
export const pdf = (filename: string): Response => file(filename);

export interface Call {
  method: string;
  /** Path without the API prefix, e.g. "/users/u-1". */
  path: string;
  /** The URL as requested (with prefix and query). */
  url: string;
  query: URLSearchParams;
  headers: Headers;
  /** Parsed JSON body; a FormData or a non-JSON string as sent; undefined without a body. */
  body: unknown;
  /** Values of a route's `:name` segments. */
  params: Record<string, string>;
}

type Answer = Response | undefined | Promise<Response | undefined>;
export type Handler = (call: Call) => Answer;
/** "METHOD /path/:param" → a response, or a function of the call (undefined: not answered). */
export type Routes = Record<string, Response | Handler>;

const notFound = (call: Call): Response => fail(404, "RES_001", `No mock for ${call.method} ${call.path}`);

function parseBody(body: BodyInit | null | undefined): unknown {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== "string") return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    if (want[i]!.startsWith(":")) params[want[i]!.slice(1)] = decodeURIComponent(got[i]!);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

function router(routes: Routes): Handler {
  const table = Object.entries(routes).map(([key, answer]) => {
    const [method, pattern] = key.split(" ", 2) as [string, string];
    return { method, pattern, answer };
  });
  // Exact paths win over patterns.
  const ordered = [...table.filter((r) => !r.pattern.includes(":")), ...table.filter((r) => r.pattern.includes(":"))];
  return (call) => {
    for (const { method, pattern, answer } of ordered) {
      if (method !== call.method && method !== "*") continue;
      const params = match(pattern, call.path);
      if (!params) continue;
      call.params = params;
      // A Response's body is read once: answer each call with a fresh copy.
      return answer instanceof Response ? answer.clone() : answer(call);
    }
    return undefined;
  };
}

/**
 * Replaces `globalThis.fetch` (restored after each test: `restoreMocks`). Answers by a route table
 * or a handler; what neither answers gets `otherwise` (a 404 refusal by default). Returns the calls made.
 */
export function mockApi(answers: Routes | Handler, otherwise: Handler = notFound): Call[] {
  const answer = typeof answers === "function" ? answers : router(answers);
  const calls: Call[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    const parsed = new URL(url, "http://x");
    const call: Call = {
      method: (init?.method ?? "GET").toUpperCase(),
      path: parsed.pathname.startsWith(API_PREFIX) ? parsed.pathname.slice(API_PREFIX.length) : parsed.pathname,
      url,
      query: parsed.searchParams,
      headers: new Headers(init?.headers),
      body: parseBody(init?.body),
      params: {},
    };
    calls.push(call);
    return (await answer(call)) ?? (await otherwise(call)) ?? notFound(call);
  });
  return calls;
}

/** The calls made to `METHOD /path` (path without the API prefix). */
export function callsTo(calls: Call[], method: string, path: string): Call[] {
  return calls.filter((call) => call.method === method && call.path === path);
}

/** Object URLs (jsdom has none): created ones are recorded; anchors' clicks are captured. */
export function mockObjectUrls() {
  const blobs: Blob[] = [];
  const clicked: { href: string; download: string }[] = [];
  URL.createObjectURL = vi.fn((blob: Blob) => {
    blobs.push(blob);
    return `blob:http://x/${blobs.length}`;
  });
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
    clicked.push({ href: this.href, download: this.download });
  });
  return { created: blobs, clicked };
}
