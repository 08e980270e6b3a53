import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setCsrfToken, whenUnauthenticated } from './api';

/** Who is logged in, as GET /api/v1/auth/session answers it. */
export interface Actor {
  kind: 'staff' | 'patron' | string;
  id: string;
  libraryId: string | null;
  roles: string[];
}

interface SessionAnswer {
  actor: Actor;
  permissions: string[];
  csrfToken: string;
  expiresAt: string;
  idleUntil: string;
}

export interface Session {
  /** `loading` until the first answer; `none` when nobody is logged in. */
  status: 'loading' | 'none' | 'staff' | 'patron';
  actor?: Actor;
  permissions: string[];
  /** The staff username or the patron's name, for the header (known after a log-in in this tab). */
  displayName?: string;
  can(permission: string): boolean;
  staffLogin(username: string, password: string): Promise<void>;
  patronLogin(cardNumber: string, pin: string): Promise<void>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [answer, setAnswer] = useState<SessionAnswer | null | undefined>(undefined);
  const [displayName, setDisplayName] = useState<string | undefined>(undefined);

  const refresh = useCallback(async () => {
    try {
      const current = await api<SessionAnswer>('GET', '/auth/session');
      setCsrfToken(current.csrfToken);
      setAnswer(current);
    } catch {
      setCsrfToken(undefined);
      setAnswer(null);
    }
  }, []);

  useEffect(() => {
    void refresh();
    whenUnauthenticated(() => {
      setCsrfToken(undefined);
      setAnswer(null);
    });
    return () => whenUnauthenticated(undefined);
  }, [refresh]);

  const staffLogin = useCallback(
    async (username: string, password: string) => {
      const result = await api<{ staff: { username: string }; csrfToken: string }>('POST', '/auth/login', { username, password });
      setCsrfToken(result.csrfToken);
      setDisplayName(result.staff.username);
      await refresh();
    },
    [refresh],
  );

  const patronLogin = useCallback(
    async (cardNumber: string, pin: string) => {
      const result = await api<{ patron: { name?: string; givenName?: string }; csrfToken: string }>('POST', '/auth/patron-login', { cardNumber, pin });
      setCsrfToken(result.csrfToken);
      setDisplayName(result.patron.givenName ?? result.patron.name);
      await refresh();
    },
    [refresh],
  );

  const logout = useCallback(async () => {
    try {
      await api('POST', '/auth/logout');
    } finally {
      setCsrfToken(undefined);
      setDisplayName(undefined);
      setAnswer(null);
    }
  }, []);

  const value = useMemo<Session>(() => {
    const status = answer === undefined ? 'loading' : answer === null ? 'none' : answer.actor.kind === 'patron' ? 'patron' : 'staff';
    const permissions = answer?.permissions ?? [];
    return {
      status,
      ...(answer ? { actor: answer.actor } : {}),
      permissions,
      ...(displayName ? { displayName } : {}),
      can: (permission: string) => permissions.includes(permission),
      staffLogin,
      patronLogin,
      logout,
      refresh,
    };
  }, [answer, displayName, staffLogin, patronLogin, logout, refresh]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
