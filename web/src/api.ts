/**
 * The one way the web app speaks to Carrel: JSON over same-origin fetch to /api/v1, the session in an
 * HttpOnly cookie the page never sees, and the CSRF token (from log-in or GET /auth/session) in memory
 * only, sent as X-CSRF-Token on every change. Card numbers and PINs travel in bodies, never in URLs.
 */
import type { SessionAnswer } from '../../src/http/schemas/auth';
import type { CreateVendorBody, MyVendor, UpdateVendorBody, VendorList, VendorView, VendorWithSecret } from '../../src/http/schemas/vendors';
import { t } from './i18n';

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

/** What GET /auth/session answers: who is logged in, what they may do, the purposes they may name, and when the session ends. */
export type { SessionAnswer };

/**
 * A session as read, with how far Carrel's clock is ahead of this browser's (from the answer's Date
 * header), so the times in it can be turned into timers on this browser's clock.
 */
export interface SessionRead {
  answer: SessionAnswer;
  clockOffsetMs: number;
}

/** The actor the page shows (set by the session provider): a renewed CSRF token for someone else is not used to retry. */
let knownActorId: string | undefined;

export function setSessionActor(id: string | undefined): void {
  knownActorId = id;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Query parameters: undefined and empty values are left out. */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Requests Carrel answers without looking at the session, so they do not keep it alive. */
const NOT_ACTIVITY = new Set(['/auth/login', '/auth/patron-login', '/auth/logout']);

interface SendOptions {
  /** A 401 is the expected answer (reading the session on purpose): do not report the session as gone. */
  quiet?: boolean;
  /** This is already the retry after a CSRF renewal. */
  retried?: boolean;
}

async function send(method: Method, path: string, body?: unknown, options: SendOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const startedAt = Date.now();
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
    throw new ApiError(0, 'NETWORK', t('common.error.network'));
  }
  // Any answer but a 401 means Carrel found the session and counted the request as activity (its idle
  // clock starts again): the page's own timer follows it. The start time, not the answer's, so the page
  // never believes in more time than Carrel gives.
  if (response.status !== 401 && !NOT_ACTIVITY.has(path)) onActivity?.(startedAt);
  if (response.ok) return response;
  let payload: { error?: { code?: string; message?: string; problems?: Problem[] } } = {};
  try {
    payload = (await response.json()) as typeof payload;
  } catch {
    // not JSON: keep the status only
  }
  const error = payload.error ?? {};
  // A log-in in another tab of this browser replaced the session cookie, so the token held here is stale:
  // read the session once for the new token and retry once, but only if it is still the same person.
  if (response.status === 403 && error.code === 'CSRF_TOKEN_INVALID' && !options.retried && method !== 'GET') {
    const renewed = await renewCsrfToken();
    if (renewed === 'same') return send(method, path, body, { ...options, retried: true });
    if (renewed === 'other') throw new ApiError(409, 'SESSION_CHANGED', t('common.error.sessionChanged'));
    throw new ApiError(401, 'UNAUTHENTICATED', 'Your session ended. Log in again to continue.');
  }
  // A wrong current PIN (PUT /me/pin) is a 401 too, but the session goes on: only other 401s end it.
  if (response.status === 401 && error.code !== 'INVALID_CREDENTIALS' && !options.quiet) {
    onUnauthenticated?.();
    // Read beside the form once the person has logged in again in the dialog.
    throw new ApiError(401, error.code ?? 'UNAUTHENTICATED', 'Your session had ended, so this was not done. Now that you are logged in again, try it again.');
  }
  throw new ApiError(response.status, error.code ?? `HTTP_${response.status}`, error.message ?? t('common.error.unexpected'), error.problems ?? []);
}

/** How far Carrel's clock is ahead of this browser's, from an answer's Date header (0 when there is none). */
function clockOffsetOf(response: Response): number {
  const date = Date.parse(response.headers.get('date') ?? '');
  // The header is whole seconds, cut down: Carrel's clock is up to a second later than it says. Taking the
  // full second errs towards a session the page ends a little early, never late.
  return Number.isNaN(date) ? 0 : date + 1000 - Date.now();
}

/**
 * GET /auth/session: who is logged in now. Takes up the session's CSRF token. A 401 (nobody) is
 * thrown as an ApiError but not reported as a session that ended: the caller asked.
 */
export async function readSession(): Promise<SessionRead> {
  const response = await send('GET', '/auth/session', undefined, { quiet: true });
  const answer = (await response.json()) as SessionAnswer;
  setCsrfToken(answer.csrfToken);
  return { answer, clockOffsetMs: clockOffsetOf(response) };
}

let renewing: Promise<'same' | 'other' | 'none'> | undefined;

/** Reads the session again for its CSRF token (once for any number of refused changes at the same time). */
function renewCsrfToken(): Promise<'same' | 'other' | 'none'> {
  renewing ??= (async () => {
    try {
      const read = await readSession();
      const same = knownActorId !== undefined && read.answer.actor.id === knownActorId;
      onSessionRead?.(read);
      return same ? 'same' : 'other';
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) onUnauthenticated?.();
      return 'none';
    } finally {
      renewing = undefined;
    }
  })();
  return renewing;
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

let onActivity: ((at: number) => void) | undefined;

/** Called with the time (this browser's clock) a request Carrel counts as activity on the session was sent. */
export function whenActivity(callback: ((at: number) => void) | undefined): void {
  onActivity = callback;
}

let onSessionRead: ((read: SessionRead) => void) | undefined;

/** Called when this module read the session by itself (to renew a stale CSRF token), possibly finding someone else. */
export function whenSessionRead(callback: ((read: SessionRead) => void) | undefined): void {
  onSessionRead = callback;
}

const segment = (id: string) => encodeURIComponent(id);

/**
 * Vendors and single sign-on (issue 19), typed: the office's Vendors page (administrators) and the
 * portal's "Services you sign in to". A vendor's secret is only ever in `create`'s and `resetSecret`'s
 * answers.
 */
export const vendorsApi = {
  /** The library's vendors, and the claims its profile lets a contract add (with its clause). */
  list: (libraryId: string) => api<VendorList>('GET', `/libraries/${segment(libraryId)}/vendors`),
  /** Registers a vendor; the answer carries its secret, once. */
  create: (libraryId: string, body: CreateVendorBody) => api<VendorWithSecret>('POST', `/libraries/${segment(libraryId)}/vendors`, body),
  update: (libraryId: string, vendorId: string, body: UpdateVendorBody) => api<{ vendor: VendorView }>('PATCH', `/libraries/${segment(libraryId)}/vendors/${segment(vendorId)}`, body),
  disable: (libraryId: string, vendorId: string) => api<{ vendor: VendorView }>('POST', `/libraries/${segment(libraryId)}/vendors/${segment(vendorId)}/disable`),
  enable: (libraryId: string, vendorId: string) => api<{ vendor: VendorView }>('POST', `/libraries/${segment(libraryId)}/vendors/${segment(vendorId)}/enable`),
  /** A new secret, once; the old one stops working. */
  resetSecret: (libraryId: string, vendorId: string) => api<VendorWithSecret>('POST', `/libraries/${segment(libraryId)}/vendors/${segment(vendorId)}/reset-secret`),
  /** The services the logged-in patron signed in to. */
  mine: () => api<{ vendors: MyVendor[] }>('GET', '/me/vendors'),
  /** Revokes one of the patron's services. */
  revokeMine: (vendorId: string) => api<void>('DELETE', `/me/vendors/${segment(vendorId)}`),
};
