/**
 * The one way the web app speaks to Carrel: JSON over same-origin fetch to /api/v1, the session in an
 * HttpOnly cookie the page never sees, and the CSRF token (from log-in or GET /auth/session) in memory
 * only, sent as X-CSRF-Token on every change. Card numbers and PINs travel in bodies, never in URLs.
 */

export interface Problem {
  code: string;
  message: string;
  field?: string;
}

/** An answer that was not a success: Carrel's stable error code, its message, and per-field problems. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }

  /** The problem about one field, if any (for showing it beside the field). */
  about(field: string): Problem | undefined {
    return this.problems.find((p) => p.field === field);
  }
}

let csrfToken: string | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Query parameters: undefined and empty values are left out. */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function send(method: Method, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Carrel did not answer. Check the connection and try again.');
  }
  if (response.ok) return response;
  let payload: { error?: { code?: string; message?: string; problems?: Problem[] } } = {};
  try {
    payload = (await response.json()) as typeof payload;
  } catch {
    // not JSON: keep the status only
  }
  const error = payload.error ?? {};
  // A wrong current PIN (PUT /me/pin) is a 401 too, but the session goes on: only other 401s end it.
  if (response.status === 401 && error.code !== 'INVALID_CREDENTIALS') onUnauthenticated?.();
  throw new ApiError(response.status, error.code ?? `HTTP_${response.status}`, error.message ?? 'Something went wrong.', error.problems ?? []);
}

/** Calls `/api/v1{path}` and answers its JSON (undefined for 204). */
export async function api<T = unknown>(method: Method, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Calls `/api/v1{path}` and answers its body as text (CSV, Markdown, HTML reports). */
export async function apiText(path: string): Promise<string> {
  const response = await send('GET', path);
  return response.text();
}

/** Calls `/api/v1{path}` and saves the answer as a file the browser downloads (an export). */
export async function download(path: string, fallbackName: string): Promise<void> {
  const response = await send('GET', path);
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

let onUnauthenticated: (() => void) | undefined;

/** Called when an answer says the session is gone (timed out, logged out elsewhere). */
export function whenUnauthenticated(callback: (() => void) | undefined): void {
  onUnauthenticated = callback;
}
