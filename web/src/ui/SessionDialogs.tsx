import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useT } from '../i18n';
import { SESSION_LIMITS, useSession } from '../session';
import { ErrorMessage, Field, time, useAction } from './components';
import { Modal } from './Modal';

/**
 * Carrel said the session is gone (it timed out at Carrel, or was ended from elsewhere) while a page was
 * open: the page stays as it was, inert and hidden behind this dialog, and a log-in of the same kind
 * brings it back with what was typed in it. A different person logging in starts on their own first
 * page, with nothing of the other's kept. Leaving clears the page.
 */
export function SessionLostDialog() {
  const session = useSession();
  const t = useT();
  const kind = session.lost?.kind;
  return (
    <Modal
      open={kind !== undefined}
      className="session-dialog session-lost"
      title={t('start.session.lost.title')}
      description={t('start.session.lost.about')}
    >
      {kind && <LogInAgain kind={kind} />}
    </Modal>
  );
}

function LogInAgain({ kind }: { kind: 'staff' | 'patron' }) {
  const session = useSession();
  const t = useT();
  const [who, setWho] = useState(kind === 'staff' ? (session.displayName ?? '') : '');
  const [secret, setSecret] = useState('');
  const { run, busy, error } = useAction();
  const secretBox = useRef<HTMLDivElement>(null);

  // A staff member who logged in in this tab has their username filled in: start at the password.
  useEffect(() => {
    if (who) secretBox.current?.querySelector('input')?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(() => (kind === 'staff' ? session.staffLogin(who, secret) : session.patronLogin(who.trim(), secret)));
    setSecret('');
  };

  return (
    <form onSubmit={(e) => void submit(e)}>
      {kind === 'staff' ? (
        <Field label={t('start.staffLogin.username')} name="username" autoComplete="username" required value={who} onChange={(e) => setWho(e.target.value)} />
      ) : (
        <Field label={t('start.session.cardNumber')} name="cardNumber" inputMode="numeric" autoComplete="username" required value={who} onChange={(e) => setWho(e.target.value)} />
      )}
      <div ref={secretBox}>
        {kind === 'staff' ? (
          <Field label={t('start.staffLogin.password')} name="password" type="password" autoComplete="current-password" required value={secret} onChange={(e) => setSecret(e.target.value)} />
        ) : (
          <Field label={t('start.session.pin')} name="pin" type="password" inputMode="numeric" autoComplete="current-password" required value={secret} onChange={(e) => setSecret(e.target.value)} />
        )}
      </div>
      <ErrorMessage error={error} words={{ INVALID_CREDENTIALS: kind === 'staff' ? t('start.staffLogin.wrong') : t('start.session.wrongCard') }} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {t('start.staffLogin.submit')}
        </button>
        <button type="button" className="secondary" onClick={session.abandon}>
          {t('start.session.leave')}
        </button>
      </div>
    </form>
  );
}

/**
 * The warning before a session ends (WCAG 2.2.1): for lack of activity, with a way to go on; at its
 * longest, with the time to finish by. Says the time once rather than counting down aloud.
 */
export function SessionEndingDialog({ onLogout }: { onLogout: () => void }) {
  const session = useSession();
  const t = useT();
  const ending = session.ending;
  const kind = session.status === 'patron' ? 'patron' : 'staff';
  const at = ending ? time(ending.at) : '';
  const idle = ending?.reason === 'idle';
  return (
    <Modal
      open={ending !== undefined}
      role="alertdialog"
      className="session-dialog"
      title={idle ? t('start.session.idle.title') : t('start.session.expiring.title')}
      description={idle ? t('start.session.idle.about', { at }) : t('start.session.expiring.about', { hours: SESSION_LIMITS[kind].hours, at })}
      onCancel={idle ? undefined : session.dismissWarning}
    >
      {ending && <EndingChoices idle={idle} onLogout={onLogout} />}
    </Modal>
  );
}

function EndingChoices({ idle, onLogout }: { idle: boolean; onLogout: () => void }) {
  const session = useSession();
  const t = useT();
  const { run, busy, error } = useAction();
  return (
    <>
      <ErrorMessage error={error} />
      <div className="actions">
        {idle ? (
          <>
            <button type="button" disabled={busy} onClick={() => void run(session.stay)}>
              {t('start.session.stay')}
            </button>
            <button type="button" className="secondary" onClick={onLogout}>
              {t('start.session.logOutNow')}
            </button>
          </>
        ) : (
          <button type="button" onClick={session.dismissWarning}>
            {t('start.session.ok')}
          </button>
        )}
      </div>
    </>
  );
}
