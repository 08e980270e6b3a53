import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { api } from '../api';
import { ErrorMessage, Field, Notice, Page, useAction } from '../ui/components';

/**
 * `/app/forgot-pin` (public, no log-in): a patron who forgot their PIN gives their card number and is
 * emailed a link to set a new one (issue 18). The answer is the same whatever the card, so the page says
 * what happens in either case and never whether the card exists or has an email address.
 */
export function ForgotPinPage() {
  const [cardNumber, setCardNumber] = useState('');
  const [sent, setSent] = useState(false);
  const { run, busy, error } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await run(async () => {
      await api('POST', '/pin-reset/request', { cardNumber: cardNumber.trim() });
      return true;
    });
    if (done) setSent(true);
  };

  if (sent)
    return (
      <Page title="Check your email">
        <Notice>
          <p>If your card has an email address, we have sent a link to reset your PIN; it works for 30 minutes. Otherwise, ask at the desk.</p>
        </Notice>
        <p>
          <Link to="/me/login">Back to log-in</Link>
        </p>
      </Page>
    );
  return (
    <Page title="Forgot your PIN?">
      <p>Give your library card number. If the library has your email address, it sends you a link to choose a new PIN. Otherwise, staff at the desk can reset it with a photo ID.</p>
      <form className="narrow" onSubmit={(e) => void submit(e)}>
        <Field label="Library card number" name="cardNumber" inputMode="numeric" autoComplete="username" required value={cardNumber} onChange={(e) => setCardNumber(e.target.value)} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          Send me a link
        </button>
      </form>
    </Page>
  );
}

/**
 * `/app/pin-reset#<token>` (public, no log-in): the link a PIN-reset email carries. The token is read from
 * the fragment, which the browser never sends to a server (so it is in no access log), and posted with the
 * new PIN only when the patron sends the form: a mail scanner that opens the link changes nothing.
 */
export function PinResetPage() {
  const token = useLocation().hash.replace(/^#/, '');
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const { run, busy, error } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pin !== again) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    const reset = await run(async () => {
      await api('POST', '/pin-reset', { token, pin });
      return true;
    });
    setPin('');
    setAgain('');
    if (reset) setDone(true);
  };

  if (done)
    return (
      <Page title="Your PIN is changed">
        <Notice>
          <p>Your new PIN works now, online and at the library. Anyone logged in to your account with the old PIN has been logged out.</p>
        </Notice>
        <p>
          <Link to="/me/login">Log in with your new PIN</Link>
        </p>
      </Page>
    );
  return (
    <Page title="Choose a new PIN">
      {token === '' ? (
        <p>
          This page needs the whole link from the email. Copy all of it, including the part after the # sign, into the address bar, or <Link to="/forgot-pin">ask for a new link</Link>.
        </p>
      ) : (
        <form className="narrow" onSubmit={(e) => void submit(e)}>
          <Field label="New PIN" name="pin" type="password" inputMode="numeric" autoComplete="new-password" hint="4 to 12 digits" required value={pin} onChange={(e) => setPin(e.target.value)} />
          <Field
            label="Repeat the new PIN"
            name="pinAgain"
            type="password"
            inputMode="numeric"
            autoComplete="new-password"
            required
            value={again}
            error={mismatch ? 'The two PINs are not the same.' : undefined}
            onChange={(e) => setAgain(e.target.value)}
          />
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy}>
            Set my PIN
          </button>
          <p className="hint">
            The link works once, for 30 minutes. Expired? <Link to="/forgot-pin">Ask for a new link</Link>.
          </p>
        </form>
      )}
    </Page>
  );
}
