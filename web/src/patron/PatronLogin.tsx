import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { returnPath, sessionEndedReason, useSession, type LoginState } from '../session';
import { day, ErrorMessage, Field, Notice, Page, useAction } from '../ui/components';
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

  const title = ended.deleted ? 'Your account is deleted' : ended.cardLost ? 'Your card is stopped' : 'Log in to your account';

  return (
    <Page title={title}>
      {!ended.cardLost && !ended.deleted && <Notice>{sessionEndedReason(ended)}</Notice>}
      {ended.cardLost && (
        <Notice>
          <p>Your card is reported lost and has stopped working, online and at the library. You are logged out.</p>
          <p>
            What happens next: bring a photo ID to the library desk and staff will issue you a new card for the same account, with your loans, holds and fines as they are.
            The old card number never works again.
          </p>
        </Notice>
      )}
      {ended.deleted && (
        <Notice>
          <p>Your record is deleted and you are logged out. This is your receipt: the library keeps it, with no personal data in it. Note its number if you may want to ask the library about the deletion.</p>
          <dl className="facts">
            <dt>Receipt</dt>
            <dd>{ended.deleted.receiptId}</dd>
            <dt>Deleted</dt>
            <dd>{new Date(ended.deleted.deletedAt).toLocaleString()}</dd>
            <dt>Last key destroyed after</dt>
            <dd>{day(ended.deleted.keyDestroyedAfter)}</dd>
          </dl>
          <p>Your personal details can no longer be opened, in the library’s database or in its backups; the last copy of the key that opened them is destroyed after the day above.</p>
        </Notice>
      )}
      {(ended.cardLost || ended.deleted) && <h2>Log in</h2>}
      <form className="narrow" onSubmit={(e) => void submit(e)}>
        <Field label="Library card number" name="cardNumber" inputMode="numeric" autoComplete="username" required value={cardNumber} onChange={(e) => setCardNumber(e.target.value)} />
        <Field label="PIN" name="pin" type="password" inputMode="numeric" autoComplete="current-password" required value={pin} onChange={(e) => setPin(e.target.value)} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          Log in
        </button>
      </form>
      <p>
        <Link to="/forgot-pin">Forgot your PIN?</Link>
      </p>
      <p className="hint">Your session ends after 15 idle minutes. Lost your card? Tell the library desk, or log in and report it.</p>
    </Page>
  );
}
