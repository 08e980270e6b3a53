import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { api } from '../api';
import { tRich, useT } from '../i18n';
import { ErrorMessage, Field, Notice, Page, useAction } from '../ui/components';

/**
 * `/app/forgot-pin` (public, no log-in): a patron who forgot their PIN gives their card number and is
 * emailed a link to set a new one (issue 18). The answer is the same whatever the card, so the page says
 * what happens in either case and never whether the card exists or has an email address.
 */
export function ForgotPinPage() {
  const t = useT();
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
      <Page title={t('start.forgotPin.sentTitle')}>
        <Notice>
          <p>{t('start.forgotPin.sent')}</p>
        </Notice>
        <p>
          <Link to="/me/login">{t('start.forgotPin.backToLogIn')}</Link>
        </p>
      </Page>
    );
  return (
    <Page title={t('start.forgotPin.title')}>
      <p>{t('start.forgotPin.intro')}</p>
      <form className="narrow" onSubmit={(e) => void submit(e)}>
        <Field label={t('start.forgotPin.cardNumber')} name="cardNumber" inputMode="numeric" autoComplete="username" required value={cardNumber} onChange={(e) => setCardNumber(e.target.value)} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('start.forgotPin.submit')}
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
  const t = useT();
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
      <Page title={t('start.pinReset.doneTitle')}>
        <Notice>
          <p>{t('start.pinReset.done')}</p>
        </Notice>
        <p>
          <Link to="/me/login">{t('start.pinReset.logIn')}</Link>
        </p>
      </Page>
    );
  return (
    <Page title={t('start.pinReset.title')}>
      {token === '' ? (
        <p>
          {tRich('start.pinReset.noToken', { link: (chunks) => <Link to="/forgot-pin">{chunks}</Link> })}
        </p>
      ) : (
        <form className="narrow" onSubmit={(e) => void submit(e)}>
          <Field label={t('start.pinReset.pin')} name="pin" type="password" inputMode="numeric" autoComplete="new-password" hint={t('start.pinReset.pin.hint')} required value={pin} onChange={(e) => setPin(e.target.value)} />
          <Field
            label={t('start.pinReset.again')}
            name="pinAgain"
            type="password"
            inputMode="numeric"
            autoComplete="new-password"
            required
            value={again}
            error={mismatch ? t('start.pinReset.mismatch') : undefined}
            onChange={(e) => setAgain(e.target.value)}
          />
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy}>
            {t('start.pinReset.submit')}
          </button>
          <p className="hint">
            {tRich('start.pinReset.expiry', { link: (chunks) => <Link to="/forgot-pin">{chunks}</Link> })}
          </p>
        </form>
      )}
    </Page>
  );
}
