import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useT } from './i18n';
import { returnPath, SESSION_LIMITS, sessionEndedReason, useSession, type LoginState } from './session';
import { OFFICE_PERMISSIONS } from './ui/Layout';
import { ErrorMessage, Field, Notice, Page, useAction } from './ui/components';

/** Where a staff member starts: the desk for circulation roles, the office for the director, else the shelf. */
export function staffHome(can: (permission: string) => boolean): string {
  if (can('circulation.checkout')) return '/desk';
  if (OFFICE_PERMISSIONS.some((p) => can(p))) return '/office';
  if (can('holds.shelf')) return '/desk/hold-shelf';
  return '/';
}

export function StaffLogin() {
  const session = useSession();
  const t = useT();
  const navigate = useNavigate();
  const sent = useLocation().state as LoginState | null;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { run, busy, error } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await run(async () => {
      await session.staffLogin(username, password);
      return true;
    });
    setPassword('');
    // Back to the page they were sent from (theirs, not the patron portal's), else their starting page.
    if (done) navigate(returnPath(sent, session.currentActorId(), (path) => !path.startsWith('/me') && !path.startsWith('/staff/login'), '/staff'), { replace: true });
  };

  return (
    <Page title={t('start.staffLogin.title')}>
      <Notice>{sessionEndedReason(sent)}</Notice>
      <form className="narrow" onSubmit={(e) => void submit(e)}>
        <Field label={t('start.staffLogin.username')} name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        <Field label={t('start.staffLogin.password')} name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <ErrorMessage error={error} words={{ INVALID_CREDENTIALS: t('start.staffLogin.wrong') }} />
        <button type="submit" disabled={busy}>
          {t('start.staffLogin.submit')}
        </button>
      </form>
      <p className="hint">{t('start.staffLogin.hint', { minutes: SESSION_LIMITS.staff.idleMinutes })}</p>
    </Page>
  );
}

/** `/staff`: the staff member's own starting page, once their permissions are known. */
export function StaffStart() {
  const session = useSession();
  const t = useT();
  if (session.status === 'loading') return <p className="loading">{t('common.loading')}</p>;
  if (session.status !== 'staff') return <Navigate to="/staff/login" replace />;
  if (session.mustChangePassword) return <Navigate to="/staff/password" replace />;
  return <Navigate to={staffHome(session.can)} replace />;
}
