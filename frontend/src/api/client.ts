/**
 * The dashboard's only way to the API: base /api/v1, the bearer access token held in memory
 * only (never in storage), the envelope unwrapped, failures raised as ApiError, and one
 * single-flight refresh on an expired access token (AUTH_002): two requests failing at once
 * wait for the same refresh, because refresh tokens rotate and a second refresh with the
 * spent token would sign the browser out.
 *
 * Tabs share the HttpOnly refresh cookie, so refreshes are also serialised across tabs with
 * the Web Locks API (REFRESH_LOCK): a tab waits until no other tab is refreshing, and its own
 * refresh then sends the cookie the other tab's refresh has just rotated, never a spent one
 * (which the API treats as theft and answers by revoking the whole session, AUTH_007).
 */

export const API_BASE = "/api/v1";
/** The CSRF defence the API requires on every request that sets or reads the refresh cookie. */
export const CSRF_HEADER = "X-Requested-With";
export const CSRF_VALUE = "elcorp-dashboard";
/** Asks sign-in and refresh to put the refresh token in the HttpOnly cookie, not the body. */
export const WEB_CLIENT_HEADER = "X-Client";
export const WEB_CLIENT_VALUE = "web";
export const ACCESS_TOKEN_EXPIRED = "AUTH_002";
/** The Web Locks name every tab of this origin takes around POST /auth/refresh. */
export const REFRESH_LOCK = "elcorp-refresh";

export interface ListMeta {
  has_more?: boolean;
  next_cursor?: string | null;
  limit?: number;
  total?: number;
  [key: string]: unknown;
}

export interface Envelope<T> {
  status: string;
  data: T;
  meta: ListMeta;
}

export interface FieldError {
  field?: string;
  message?: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details: unknown = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface TokenPair {
  access_token: string;
  token_type: string;
  expires_in: number;
  /** The session's absolute end (the refresh token family's limit), ISO 8601 UTC. */
  session_expires_at?: string | null;
}

/** What the page knows of its session: nothing secret beyond the in-memory access token. */
export interface SessionInfo {
  signedIn: boolean;
  /** When the session ends whatever the activity (null when the API did not say). */
  expiresAt: Date | null;
}

/** The part of the Web Locks API the client uses (`navigator.locks`). */
export interface RefreshLocks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

function browserLocks(): RefreshLocks | null {
  const locks = (globalThis.navigator as (Navigator & { locks?: RefreshLocks }) | undefined)?.locks;
  return locks && typeof locks.request === "function" ? locks : null;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: Record<string, string | number | boolean | null | undefined>;
  /** Session calls (sign-in, refresh, sign-out): the cookie and CSRF header sent, no refresh retry. */
  session?: boolean;
  /** Send no bearer token (sign-in and refresh). */
  anonymous?: boolean;
  /** Extra request headers (e.g. `Idempotency-Key`, `X-Emergency-Reason`). */
  headers?: Record<string, string>;
  /** A multipart body (a file upload); sent as is, instead of `body`. */
  form?: FormData;
  signal?: AbortSignal;
}

/** A file the API answered (a statement, a PDF, an export). */
export interface Download {
  blob: Blob;
  /** From Content-Disposition, else the last path segment. */
  filename: string;
  contentType: string;
  /** The `Repr-Digest` header (RFC 9530) when the API sends one. */
  digest: string | null;
  headers: Headers;
}

/** A fresh key for a POST that must not run twice (money-moving calls require one). */
export function idempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

type Fetch = typeof fetch;

export class ApiClient {
  private accessToken: string | null = null;
  private expiresAt: Date | null = null;
  private refreshing: Promise<boolean> | null = null;
  private readonly listeners = new Set<(session: SessionInfo) => void>();
  private readonly fetchImpl: Fetch;
  private readonly base: string;
  private readonly locks: RefreshLocks | null;
  /** Called when the session is over (refresh refused): the app shows the sign-in page. */
  onSignedOut: () => void = () => {};

  /** `locks`: the cross-tab lock (default `navigator.locks`; null for in-tab single-flight only). */
  constructor(options: { fetch?: Fetch; base?: string; locks?: RefreshLocks | null } = {}) {
    this.fetchImpl = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.base = options.base ?? API_BASE;
    this.locks = options.locks === undefined ? browserLocks() : options.locks;
  }

  get token(): string | null {
    return this.accessToken;
  }

  get session(): SessionInfo {
    return { signedIn: this.accessToken !== null, expiresAt: this.expiresAt };
  }

  setToken(token: string | null): void {
    this.accessToken = token;
    if (token === null) this.expiresAt = null;
    this.notify();
  }

  /** Keep a sign-in's or refresh's answer: the access token in memory and the session's end. */
  setTokens(pair: TokenPair): void {
    this.accessToken = pair.access_token;
    const ends = pair.session_expires_at ? new Date(pair.session_expires_at) : null;
    this.expiresAt = ends && !Number.isNaN(ends.getTime()) ? ends : null;
    this.notify();
  }

  /** Follow session changes (sign-in, refresh, sign-out); answers the unsubscribe function. */
  subscribe(listener: (session: SessionInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    const session = this.session;
    for (const listener of this.listeners) listener(session);
  }

  /**
   * Sign this browser session out: POST /auth/logout (the API revokes the session's refresh
   * token family and clears the cookie). An expired access token is refreshed first, since
   * the API needs a valid one to know which session to end. The page forgets its token
   * whatever the answer.
   */
  async signOut(): Promise<void> {
    if (this.accessToken) {
      const logout = () => this.data("/auth/logout", { method: "POST", body: {}, session: true });
      try {
        await logout();
      } catch (error) {
        if (error instanceof ApiError && error.code === ACCESS_TOKEN_EXPIRED && (await this.refresh())) {
          await logout().catch(() => undefined);
        }
        // Otherwise the session is already over (revoked, expired): nothing left to end.
      }
    }
    this.setToken(null);
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<Envelope<T>> {
    try {
      return await this.send<T>(path, options);
    } catch (error) {
      if (options.session || !(error instanceof ApiError) || error.code !== ACCESS_TOKEN_EXPIRED) {
        throw error;
      }
      if (!(await this.refresh())) {
        throw error;
      }
      return this.send<T>(path, options);
    }
  }

  /** The data of a successful call. */
  async data<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>(path, options)).data;
  }

  /** A file (PDF, CSV, JSON export) fetched with the bearer token; refreshed once like `request`. */
  async download(path: string, options: RequestOptions = {}): Promise<Download> {
    try {
      return await this.fetchFile(path, options);
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== ACCESS_TOKEN_EXPIRED || !(await this.refresh())) {
        throw error;
      }
      return this.fetchFile(path, options);
    }
  }

  private async fetchFile(path: string, options: RequestOptions): Promise<Download> {
    const headers = this.headers(options);
    headers.set("Accept", "*/*");
    const response = await this.fetchImpl(this.url(path, options.query), {
      method: options.method ?? "GET",
      headers,
      body: this.encodeBody(options),
      credentials: "same-origin",
      signal: options.signal,
    });
    if (!response.ok) {
      throw toApiError(response.status, await readJson(response));
    }
    const disposition = response.headers.get("Content-Disposition") ?? "";
    const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
    return {
      blob: await response.blob(),
      filename: named ? decodeURIComponent(named) : (path.split("/").pop() ?? "download"),
      contentType: response.headers.get("Content-Type") ?? "application/octet-stream",
      digest: response.headers.get("Repr-Digest"),
      headers: response.headers,
    };
  }

  /**
   * Refresh the access token from the HttpOnly cookie. Concurrent callers in this tab share
   * one call; across tabs the call runs under the REFRESH_LOCK Web Lock (where the browser has
   * it), so two tabs never send the same cookie: the second one, once it holds the lock,
   * sends the cookie the first one's refresh rotated.
   */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      const locks = this.locks;
      const run = locks ? locks.request(REFRESH_LOCK, () => this.doRefresh()) : this.doRefresh();
      this.refreshing = run.finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    try {
      const pair = await this.data<TokenPair>("/auth/refresh", {
        method: "POST",
        session: true,
        anonymous: true,
      });
      this.setTokens(pair);
      return true;
    } catch {
      this.setToken(null);
      this.onSignedOut();
      return false;
    }
  }

  private url(path: string, query: RequestOptions["query"]): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
    }
    const search = params.toString();
    return `${this.base}${path}${search ? `?${search}` : ""}`;
  }

  private headers(options: RequestOptions): Headers {
    const headers = new Headers({ Accept: "application/json", ...options.headers });
    if (options.body !== undefined && options.form === undefined) headers.set("Content-Type", "application/json");
    if (options.session) {
      headers.set(CSRF_HEADER, CSRF_VALUE);
      headers.set(WEB_CLIENT_HEADER, WEB_CLIENT_VALUE);
    }
    if (this.accessToken && !options.anonymous) {
      headers.set("Authorization", `Bearer ${this.accessToken}`);
    }
    return headers;
  }

  private encodeBody(options: RequestOptions): BodyInit | undefined {
    if (options.form !== undefined) return options.form; // the browser sets the multipart boundary
    return options.body === undefined ? undefined : JSON.stringify(options.body);
  }

  private async send<T>(path: string, options: RequestOptions): Promise<Envelope<T>> {
    const response = await this.fetchImpl(this.url(path, options.query), {
      method: options.method ?? "GET",
      headers: this.headers(options),
      body: this.encodeBody(options),
      credentials: options.session ? "include" : "same-origin",
      signal: options.signal,
    });
    if (response.status === 204) {
      return { status: "success", data: null as T, meta: {} };
    }
    const payload = await readJson(response);
    if (!response.ok) {
      throw toApiError(response.status, payload);
    }
    const envelope = payload as Partial<Envelope<T>> | null;
    return { status: envelope?.status ?? "success", data: envelope?.data as T, meta: envelope?.meta ?? {} };
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function toApiError(status: number, payload: unknown): ApiError {
  const body = (payload ?? {}) as { error?: { code?: string; message?: string; details?: unknown } };
  const problem = (payload ?? {}) as { code?: string; title?: string; details?: unknown };
  const code = body.error?.code ?? problem.code ?? `HTTP_${status}`;
  const message = body.error?.message ?? problem.title ?? `The server answered ${status}`;
  return new ApiError(status, code, message, body.error?.details ?? problem.details ?? null);
}

/** The message to show for a failure, naming the fields a validation error names. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = Array.isArray(error.details)
      ? (error.details as FieldError[]).filter((d) => d.field && d.message).map((d) => `${d.field}: ${d.message}`)
      : [];
    return fields.length ? `${error.message} (${fields.join("; ")})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export const api = new ApiClient();
