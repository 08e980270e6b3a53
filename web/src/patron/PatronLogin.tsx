import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useT } from '../i18n';
import { returnPath, sessionEndedReason, useSession, type LoginState } from '../session';
import { day, ErrorMessage, Field, moment, Notice, Page, useAction } from '../ui/components';
import type { DeletionReceipt } from './DeleteAccount';

/**
 * What the log-in page is handed in route state: by the portal when the session ended on purpose, or by
 * the session when it ended or was needed (nothing personal).
 */
interface Ended extends LoginState {
  cardLost?: boolean;
  deleted?: DeletionReceipt;
}

export function PatronLogin() {
  const t = useT();
  const session = useSession();
  const navigate = useNavigate();
  const ended = (useLocation().state ?? {}) as Ended;
  const [cardNumber, setCardNumber] = useState('');
  const [pin, setPin] = useState('');
  const { run, busy, error } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await run(async () => {
      await session.patronLogin(cardNumber.trim(), pin);
      return true;
    });
    setPin('');
    // Back to the portal page they were sent from (if it was theirs), else the overview.
    if (done) navigate(returnPath(ended, session.currentActorId(), (path) => /^\/me(\/|$)/.test(path) && !path.startsWith('/me/login'), '/me'), { replace: true });
  };

  const title = ended.deleted ? t('portal.login.titleDeleted') : ended.cardLost ? t('portal.login.titleCardLost') : t('portal.login.title');

  return (
    <Page title={title}>
      {!ended.cardLost && !ended.deleted && <Notice>{sessionEndedReason(ended)}</Notice>}
      {ended.cardLost && (
        <Notice>
          <p>{t('portal.login.cardLost')}</p>
          <p>{t('portal.login.cardLostNext')}</p>
        </Notice>
      )}
      {ended.deleted && (
        <Notice>
          <p>{t('portal.login.deleted')}</p>
          <dl className="facts">
            <dt>{t('portal.login.receipt')}</dt>
            <dd>{ended.deleted.receiptId}</dd>
            <dt>{t('portal.login.deletedAt')}</dt>
            <dd>{moment(ended.deleted.deletedAt)}</dd>
            <dt>{t('portal.login.keyDestroyedAfter')}</dt>
            <dd>{day(ended.deleted.keyDestroyedAfter)}</dd>
          </dl>
          <p>{t('portal.login.keyDestroyed')}</p>
        </Notice>
      )}
      {(ended.cardLost || ended.deleted) && <h2>{t('portal.login.logIn')}</h2>}
      <form className="narrow" onSubmit={(e) => void submit(e)}>
        <Field label={t('portal.login.cardNumber')} name="cardNumber" inputMode="numeric" autoComplete="username" required value={cardNumber} onChange={(e) => setCardNumber(e.target.value)} />
        <Field label={t('portal.login.pin')} name="pin" type="password" inputMode="numeric" autoComplete="current-password" required value={pin} onChange={(e) => setPin(e.target.value)} />
        <ErrorMessage error={error} words={{ INVALID_CREDENTIALS: t('portal.login.wrong') }} />
        <button type="submit" disabled={busy}>
          {t('portal.login.logIn')}
        </button>
      </form>
      <p>
        <Link to="/forgot-pin">{t('portal.login.forgotPin')}</Link>
      </p>
      <p className="hint">{t('portal.login.hint')}</p>
    </Page>
  );
}
