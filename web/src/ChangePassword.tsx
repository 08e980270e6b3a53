import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../src/domain/passwords';
import { api, setCsrfToken } from './api';
import { useT } from './i18n';
import { useSession } from './session';
import { ErrorMessage, Field, Notice, Page, aboutField, useAction } from './ui/components';

/**
 * `/staff/password`: a member of staff changes their own password. After an administrator reset it,
 * the app sends them here straight after log-in and nowhere else until it is done (Carrel refuses every
 * other request with PASSWORD_CHANGE_REQUIRED meanwhile).
 */
export function ChangePassword() {
  const session = useSession();
  const t = useT();
  const navigate = useNavigate();
  const forced = session.mustChangePassword;
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const { run, busy, error } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (next !== again) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    const answer = await run(() => api<{ csrfToken: string }>('POST', '/auth/password', { currentPassword: current, newPassword: next }));
    setCurrent('');
    if (!answer) return;
    setNext('');
    setAgain('');
    // Carrel ended every session of the account and set a new one: its token goes with changes from now on.
    setCsrfToken(answer.csrfToken);
    await session.refresh();
    navigate('/staff', { replace: true });
  };

  return (
    <Page title={t('start.password.title')}>
      <Notice>{forced ? t('start.password.forced') : undefined}</Notice>
      <form className="narrow" onSubmit={(e) => void submit(e)}>
        <Field
          label={forced ? t('start.password.given') : t('start.password.current')}
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          error={aboutField(error, 'currentPassword')}
        />
        <Field
          label={t('start.password.new')}
          type="password"
          autoComplete="new-password"
          hint={t('start.password.new.hint', { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH })}
          required
          value={next}
          onChange={(e) => setNext(e.target.value)}
          error={aboutField(error, 'newPassword')}
        />
        <Field
          label={t('start.password.again')}
          type="password"
          autoComplete="new-password"
          required
          value={again}
          onChange={(e) => setAgain(e.target.value)}
          error={mismatch ? t('start.password.mismatch') : undefined}
        />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('start.password.submit')}
        </button>
      </form>
    </Page>
  );
}
