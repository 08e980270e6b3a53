import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api, ApiError, readSession, setCsrfToken, setSessionActor, whenActivity, whenSessionRead, whenUnauthenticated, type SessionAnswer, type SessionRead } from './api';
import type { LookupPurpose } from '../../src/domain/purposes';
import { t } from './i18n';

/** Who is logged in, as GET /api/v1/auth/session answers it. */
export interface Actor {
  kind: 'staff' | 'patron' | string;
  id: string;
  libraryId: string | null;
  roles: string[];
}

type Kind = 'staff' | 'patron';

/**
 * How long Carrel keeps a session, mirrored from SESSION_LIMITS in src/usecases/session.usecases.ts:
 * the page ends what it shows when Carrel would have ended the session.
 */
export const SESSION_LIMITS: Record<Kind, { idleMinutes: number; hours: number }> = {
  staff: { idleMinutes: 30, hours: 10 },
  patron: { idleMinutes: 15, hours: 2 },
};

/** Carrel moves a session's last-seen time at most this often (TOUCH_EVERY_MS there). */
const TOUCH_EVERY_MS = 60_000;
/**
 * The page believes a request moved Carrel's idle clock only this long after the last move: room for the
 * two clocks and the request's travel, so the page's timer is never later than Carrel's.
 */
const TOUCH_MARGIN_MS = 5_000;
/** The warning before a session ends comes this long before (WCAG 2.2.1: time to ask for more). */
export const WARN_BEFORE_MS = 2 * 60_000;

/** Why someone was sent to a log-in page: route state, with nothing personal in it. */
export interface LoginState {
  /** The page they were on (a path inside the app). */
  from?: string;
  /** How their session ended: for lack of activity, at its longest, or given up after Carrel said it was gone. */
  ended?: 'idle' | 'expired' | 'ended';
  /** For `idle`, the idle minutes; for `expired`, the hours. */
  limit?: number;
}

/**
 * Whose session ended last, kept in this page's memory only — never in the history state, where it
 * would outlive the session on a shared computer. `from` leads back only for the same person.
 */
let endedActorId: string | undefined;

/**
 * The sentence a log-in page shows for how the session ended, if it was sent there by an ended session,
 * in the page's language (called while the log-in page renders).
 */
export function sessionEndedReason(state: LoginState | null | undefined): string | undefined {
  switch (state?.ended) {
    case 'idle':
      return state.limit === undefined ? t('start.session.ended.idleUnknown') : t('start.session.ended.idle', { minutes: state.limit });
    case 'expired':
      return state.limit === undefined ? t('start.session.ended.expiredUnknown') : t('start.session.ended.expired', { hours: state.limit });
    case 'ended':
      return t('start.session.ended.ended');
    default:
      return state?.from ? t('start.session.ended.logIn') : undefined;
  }
}

/** Where a log-in should lead: back to `from` when it is the same person's and of the right kind, else `fallback`. */
export function returnPath(state: LoginState | null | undefined, actorId: string | undefined, accept: (path: string) => boolean, fallback: string): string {
  const from = state?.from;
  if (!from || !from.startsWith('/') || from.startsWith('//') || !accept(from)) return fallback;
  if (endedActorId !== undefined && endedActorId !== actorId) return fallback;
  return from;
}

export interface Session {
  /** `loading` until the first answer; `none` when nobody is logged in. */
  status: 'loading' | 'none' | 'staff' | 'patron';
  actor?: Actor;
  permissions: string[];
  /** The look-up purposes the session may name (Carrel's session answer, from its role table); none for a patron. */
  purposes: readonly LookupPurpose[];
  /** A staff session whose password was reset: the app shows only the change-password page until it is changed. */
  mustChangePassword: boolean;
  /** The staff member's name, for the header. */
  displayName?: string;
  /** The library of whoever is logged in, for the header. */
  library?: { id: string; name: string };
  /** The language the logged-in person chose, if any (a patron's is also their notices'). */
  language?: string | null;
  /** The languages the library offers its pages in, and its default. */
  languages?: { default: string; offered: string[] };
  /** Keeps a language as the logged-in person's choice. */
  saveLanguage(language: string): Promise<void>;
  /**
   * Set when Carrel said the session is gone while a page was open (timed out, logged out elsewhere): the
   * page stays, inert, with what was typed in it, until a log-in in the dialog or `abandon()`.
   */
  lost?: { kind: Kind };
  /** Set while the session is about to end (a warning is showing): when, on this browser's clock, and why. */
  ending?: { at: number; reason: 'idle' | 'expired' };
  can(permission: string): boolean;
  staffLogin(username: string, password: string): Promise<void>;
  patronLogin(cardNumber: string, pin: string): Promise<void>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
  /** The id of whoever is logged in right now (up to date straight after a log-in, before a render). */
  currentActorId(): string | undefined;
  /** The answer to the warning: reading the session counts as activity, so it goes on. */
  stay(): Promise<void>;
  /** Gives up a lost session: its pages go, and the log-in page says the session ended. */
  abandon(): void;
  /** Puts the warning away (for a session that ends at its longest: nothing can extend it). */
  dismissWarning(): void;
}

const SessionContext = createContext<Session | undefined>(undefined);

/** Paths whose pages show a logged-in person's data: an ended session leaves them for the log-in page. */
function inArea(path: string): boolean {
  return /^\/(desk|office)(\/|$)/.test(path) || (/^\/me(\/|$)/.test(path) && !path.startsWith('/me/login'));
}

/** The page's idea of Carrel's clocks for the session, all on this browser's clock (ms). */
interface SessionClock {
  /** Carrel's last-seen time for the session, or a little earlier. */
  lastSeen: number;
  idleMs: number;
  expiresAt: number;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const location = useLocation();
  const [answer, setAnswer] = useState<SessionAnswer | null | undefined>(undefined);
  const [displayName, setDisplayName] = useState<string | undefined>(undefined);
  const [lost, setLost] = useState<Kind | undefined>(undefined);
  const [ending, setEnding] = useState<{ at: number; reason: 'idle' | 'expired' } | undefined>(undefined);

  // Refs for the timer and the API client's callbacks, which run outside React's renders.
  const answerRef = useRef<SessionAnswer | null | undefined>(undefined);
  const lostRef = useRef<Kind | undefined>(undefined);
  const clock = useRef<SessionClock | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const dismissed = useRef(false);
  const channel = useRef<BroadcastChannel | undefined>(undefined);
  const path = useRef(location.pathname + location.search);
  path.current = location.pathname + location.search;
  // The router's navigate changes with every page; the callbacks below stay the same for the session's life.
  const go = useRef(navigate);
  go.current = navigate;

  const kindOf = (a: SessionAnswer): Kind => (a.actor.kind === 'patron' ? 'patron' : 'staff');

  /** Forgets the session in this page: nothing of it stays in memory. */
  const forget = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    clock.current = undefined;
    answerRef.current = null;
    lostRef.current = undefined;
    dismissed.current = false;
    setCsrfToken(undefined);
    setSessionActor(undefined);
    setAnswer(null);
    setLost(undefined);
    setEnding(undefined);
    setDisplayName(undefined);
  }, []);

  /** Ends the session in this page (and at Carrel, in case its clock differs) and shows the log-in page with why. */
  const end = useCallback(
    (reason: 'idle' | 'expired' | 'ended') => {
      const current = answerRef.current;
      if (!current) return;
      const kind = kindOf(current);
      // Still live at Carrel only if the page ended it first: end it there too, so the cookie opens nothing.
      if (!lostRef.current) void api('POST', '/auth/logout').catch(() => undefined);
      const from = path.current;
      const state: LoginState = {
        ended: reason,
        ...(reason === 'idle' ? { limit: SESSION_LIMITS[kind].idleMinutes } : reason === 'expired' ? { limit: SESSION_LIMITS[kind].hours } : {}),
        ...(inArea(from) ? { from } : {}),
      };
      endedActorId = current.actor.id;
      forget();
      // In the same render as the session going (the router updates synchronously: App.tsx), so the area
      // unmounts once and the log-in page gets this state.
      if (inArea(from)) go.current(kind === 'patron' ? '/me/login' : '/staff/login', { replace: true, state });
    },
    [forget],
  );

  /** Sets the timer for the warning or the end, whichever comes next. */
  const schedule = useCallback(() => {
    clearTimeout(timer.current);
    const c = clock.current;
    if (!c) return;
    const idleEnd = c.lastSeen + c.idleMs;
    const endAt = Math.min(idleEnd, c.expiresAt);
    const reason = idleEnd <= c.expiresAt ? 'idle' : 'expired';
    const now = Date.now();
    if (now >= endAt) {
      end(lostRef.current ? 'ended' : reason);
      return;
    }
    if (now >= endAt - WARN_BEFORE_MS && !lostRef.current) {
      if (!dismissed.current) setEnding({ at: endAt, reason });
      timer.current = setTimeout(schedule, endAt - now);
    } else {
      setEnding(undefined);
      timer.current = setTimeout(schedule, Math.max(0, endAt - WARN_BEFORE_MS - now));
    }
  }, [end]);

  /** Takes up a session Carrel answered with; `how` says whether a change of person should lead to their start. */
  const adopt = useCallback(
    ({ answer: next, clockOffsetMs }: SessionRead, how: 'login' | 'passive' | 'recover') => {
      const previous = answerRef.current?.actor.id;
      const kind = kindOf(next);
      const idleMs = SESSION_LIMITS[kind].idleMinutes * 60_000;
      const local = (iso: string) => Date.parse(iso) - clockOffsetMs;
      clock.current = { lastSeen: local(next.idleUntil) - idleMs, idleMs, expiresAt: local(next.expiresAt) };
      answerRef.current = next;
      lostRef.current = undefined;
      dismissed.current = false;
      setCsrfToken(next.csrfToken);
      setSessionActor(next.actor.id);
      setAnswer(next);
      setLost(undefined);
      setEnding(undefined);
      schedule();
      channel.current?.postMessage({ actorId: next.actor.id, lastSeen: clock.current.lastSeen });
      if (previous !== undefined && previous !== next.actor.id) {
        // Someone else: nothing of the other person's pages may stay (the areas are keyed by actor, so
        // they start afresh), and they start on their own first page.
        setDisplayName(undefined);
        if (how !== 'login') go.current(kind === 'patron' ? '/me' : '/staff', { replace: true });
      }
    },
    [schedule],
  );

  const refresh = useCallback(async () => {
    try {
      adopt(await readSession(), 'passive');
    } catch (e) {
      // Nobody (or no answer at the first look): logged out. A failed look later keeps what is shown.
      if ((e instanceof ApiError && e.status === 401) || answerRef.current === undefined) forget();
    }
  }, [adopt, forget]);

  // The first look: who is logged in (the callbacks are stable, so this runs once).
  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    whenUnauthenticated(() => {
      // Carrel says the session is gone while a page is open: keep the page (inert) for a log-in in the
      // dialog. If nobody comes back, it goes after the same idle time as a session.
      const current = answerRef.current;
      if (!current || lostRef.current) return;
      // Outside the pages that hold someone's data (a log-in page after a deletion, the home page) there
      // is nothing to keep: just logged out.
      if (!inArea(path.current)) {
        forget();
        return;
      }
      lostRef.current = kindOf(current);
      setLost(lostRef.current);
      setEnding(undefined);
      setCsrfToken(undefined);
      if (clock.current) clock.current = { ...clock.current, lastSeen: Date.now() };
      schedule();
    });
    whenActivity((at) => {
      const c = clock.current;
      if (!c || lostRef.current || at - c.lastSeen < TOUCH_EVERY_MS + TOUCH_MARGIN_MS) return;
      c.lastSeen = at;
      dismissed.current = false;
      schedule();
      channel.current?.postMessage({ actorId: answerRef.current?.actor.id, lastSeen: at });
    });
    whenSessionRead((read) => adopt(read, 'passive'));
    return () => {
      whenUnauthenticated(undefined);
      whenActivity(undefined);
      whenSessionRead(undefined);
      clearTimeout(timer.current);
    };
  }, [schedule, adopt, forget]);

  // Other tabs of this browser share the session cookie: their requests keep it alive for this tab too.
  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const open = new BroadcastChannel('carrel-session');
    open.onmessage = (event: MessageEvent<{ actorId?: string; lastSeen?: number }>) => {
      const c = clock.current;
      const { actorId, lastSeen } = event.data ?? {};
      if (!c || lostRef.current || typeof lastSeen !== 'number' || actorId !== answerRef.current?.actor.id || lastSeen <= c.lastSeen) return;
      c.lastSeen = lastSeen;
      schedule();
    };
    channel.current = open;
    return () => {
      channel.current = undefined;
      open.close();
    };
  }, [schedule]);

  // A computer that slept runs its timers late: look again when the page is shown.
  useEffect(() => {
    const look = () => {
      if (document.visibilityState === 'visible') schedule();
    };
    document.addEventListener('visibilitychange', look);
    return () => document.removeEventListener('visibilitychange', look);
  }, [schedule]);

  const staffLogin = useCallback(
    async (username: string, password: string) => {
      const result = await api<{ staff: { username: string }; csrfToken: string }>('POST', '/auth/login', { username, password });
      setCsrfToken(result.csrfToken);
      adopt(await readSession(), lostRef.current ? 'recover' : 'login');
      setDisplayName(result.staff.username);
    },
    [adopt],
  );

  const patronLogin = useCallback(
    async (cardNumber: string, pin: string) => {
      // The answer names no one ({ id, libraryId }), so the header shows no name for a patron.
      const result = await api<{ patron: { id: string; libraryId: string }; csrfToken: string }>('POST', '/auth/patron-login', { cardNumber, pin });
      setCsrfToken(result.csrfToken);
      adopt(await readSession(), lostRef.current ? 'recover' : 'login');
    },
    [adopt],
  );

  const logout = useCallback(async () => {
    try {
      await api('POST', '/auth/logout');
    } finally {
      forget();
    }
  }, [forget]);

  const stay = useCallback(async () => {
    try {
      adopt(await readSession(), 'passive');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) end('ended');
      else throw e;
    }
  }, [adopt, end]);

  const abandon = useCallback(() => end('ended'), [end]);
  // A patron's language is kept as their notices' language too (PUT /me/privacy, logged as a change of
  // their settings); a staff member's choice stays on the browser they chose it on.
  const saveLanguage = useCallback(async (language: string) => {
    if (answerRef.current?.actor.kind !== 'patron') return;
    await api('PUT', '/me/privacy', { noticeLanguage: language });
  }, []);
  const dismissWarning = useCallback(() => {
    dismissed.current = true;
    setEnding(undefined);
  }, []);
  const currentActorId = useCallback(() => answerRef.current?.actor.id, []);

  const value = useMemo<Session>(() => {
    const status = answer === undefined ? 'loading' : answer === null ? 'none' : answer.actor.kind === 'patron' ? 'patron' : 'staff';
    const permissions = answer?.permissions ?? [];
    const purposes = answer?.purposes ?? [];
    return {
      status,
      ...(answer ? { actor: answer.actor } : {}),
      permissions,
      purposes,
      mustChangePassword: answer?.mustChangePassword ?? false,
      ...(answer?.displayName || displayName ? { displayName: answer?.displayName ?? displayName } : {}),
      ...(answer?.library ? { library: answer.library } : {}),
      ...(answer?.language !== undefined ? { language: answer.language } : {}),
      ...(answer?.languages ? { languages: answer.languages } : {}),
      saveLanguage,
      ...(lost ? { lost: { kind: lost } } : {}),
      ...(ending ? { ending } : {}),
      can: (permission: string) => permissions.includes(permission),
      staffLogin,
      patronLogin,
      logout,
      refresh,
      currentActorId,
      stay,
      abandon,
      dismissWarning,
    };
  }, [answer, displayName, lost, ending, saveLanguage, staffLogin, patronLogin, logout, refresh, currentActorId, stay, abandon, dismissWarning]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
