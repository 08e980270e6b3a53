import { Fragment, useEffect, useRef, type ReactNode } from 'react';
import { Link, NavLink, useLocation, useNavigate } from 'react-router';
import { useSession, type LoginState } from '../session';
import { SessionEndingDialog, SessionLostDialog } from './SessionDialogs';
import { LanguageSwitch } from './LanguageSwitch';
import { useT, type MessageId } from '../i18n';

/** The office's pages, each behind one of these: a role holding any of them has the Office in its menu. */
export const OFFICE_PERMISSIONS = ['audit.read', 'statistics.read', 'disclosure.read', 'disclosure.receive', 'legal-hold.manage', 'retention.run', 'transparency.read', 'complaints.answer', 'notices.read', 'notices.manage', 'breach.manage'];

/** Areas of the app a staff member sees, each shown only to roles holding its permission. */
const STAFF_AREAS: { to: string; label: MessageId; permissions: string[] }[] = [
  { to: '/desk', label: 'common.nav.desk', permissions: ['circulation.checkout'] },
  { to: '/desk/hold-shelf', label: 'common.nav.holdShelf', permissions: ['holds.shelf'] },
  { to: '/office', label: 'common.nav.office', permissions: OFFICE_PERMISSIONS },
];

export function Layout({ children }: { children: ReactNode }) {
  const t = useT();
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);

  // A new page moves focus to its heading, so keyboard and screen-reader users start at the top.
  useEffect(() => {
    const heading = main.current?.querySelector<HTMLElement>('h1');
    heading?.focus({ preventScroll: true });
  }, [location.pathname]);

  const logout = async () => {
    const wasPatron = session.status === 'patron';
    await session.logout();
    navigate(wasPatron ? '/me/login' : '/staff/login');
  };

  return (
    <>
      <a className="skip-link" href="#main">
        {t('common.skipToContent')}
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          Carrel
          {session.library && <span className="library-name">{session.library.name}</span>}
        </Link>
        <nav aria-label={t('common.nav.main')}>
          <ul>
            {session.status === 'staff' &&
              !session.mustChangePassword &&
              STAFF_AREAS.filter((a) => a.permissions.some((p) => session.can(p))).map((a) => (
                <li key={a.to}>
                  <NavLink to={a.to} end={a.to === '/desk'}>
                    {t(a.label)}
                  </NavLink>
                </li>
              ))}
            {session.status === 'patron' && (
              <li>
                <NavLink to="/me">{t('common.nav.myAccount')}</NavLink>
              </li>
            )}
          </ul>
        </nav>
        {(session.status === 'staff' || session.status === 'patron') && (
          <div className="who">
            <span>{session.status === 'staff' ? (session.displayName ?? '') : t('common.header.patron')}</span>
            {session.status === 'staff' && !session.mustChangePassword && <Link to="/staff/password">{t('common.header.changePassword')}</Link>}
            <button type="button" className="link-button" onClick={() => void logout()}>
              {t('common.header.logOut')}
            </button>
          </div>
        )}
        <LanguageSwitch />
      </header>
      {/* A lost session keeps the page (and what was typed in it) but nothing in it can be used until a log-in. */}
      <main id="main" ref={main} tabIndex={-1} inert={session.lost ? true : undefined}>
        {children}
      </main>
      <footer className="app-footer">
        <p>{t('common.footer')}</p>
      </footer>
      <SessionLostDialog />
      <SessionEndingDialog onLogout={() => void logout()} />
    </>
  );
}

/**
 * Renders its children only for the given kind of session; otherwise sends to that kind's log-in, which
 * leads back here. The children are keyed by who is logged in: when someone else logs in, nothing of the
 * previous person's pages (loaded records, typed text) survives.
 */
export function RequireSession({ kind, children }: { kind: 'staff' | 'patron'; children: ReactNode }) {
  const t = useT();
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(() => {
    if (session.status !== 'loading' && session.status !== kind) {
      const state: LoginState = { from: location.pathname + location.search };
      navigate(kind === 'staff' ? '/staff/login' : '/me/login', { replace: true, state });
    }
  }, [session.status, kind, navigate, location.pathname, location.search]);
  // A reset password is changed before anything else (Carrel refuses everything else meanwhile).
  const mustChange = kind === 'staff' && session.status === 'staff' && session.mustChangePassword && location.pathname !== '/staff/password';
  useEffect(() => {
    if (mustChange) navigate('/staff/password', { replace: true });
  }, [mustChange, navigate]);
  if (session.status !== kind || mustChange) return <p className="loading">{t('common.loading')}</p>;
  return <Fragment key={session.actor?.id}>{children}</Fragment>;
}
