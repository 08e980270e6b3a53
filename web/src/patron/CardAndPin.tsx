import { useState, type ComponentProps, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError, setCsrfToken } from '../api';
import { useT } from '../i18n';
import { useSession } from '../session';
import { aboutField, ErrorMessage, Field, Notice, Page, useAction } from '../ui/components';
import { useConfirmStep } from './parts';

/** `/me/pin`: change the PIN (PUT /me/pin), and report the card lost or stolen (POST /me/card-lost). */
export function CardAndPin() {
  const t = useT();
  return (
    <Page title={t('account.cardPin.title')}>
      <ChangePin />
      <ReportCardLost />
    </Page>
  );
}

const PIN = /^\d{4,12}$/;

/** A required PIN input: hidden as it is typed, with the number pad on a phone. */
function PinField(props: ComponentProps<typeof Field>) {
  return <Field type="password" inputMode="numeric" required {...props} />;
}

function ChangePin() {
  const t = useT();
  const session = useSession();
  const [currentPin, setCurrentPin] = useState('');
  const [newPin, setNewPin] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [format, setFormat] = useState(false);
  const [done, setDone] = useState(false);
  const { run, busy, error } = useAction();
  // A wrong current PIN is said in the page's words beside the field too, not as a wrong card number or PIN.
  const currentPinProblem =
    error instanceof ApiError && error.about('currentPin')?.code === 'INVALID_CREDENTIALS' ? t('account.pin.wrongCurrent') : aboutField(error, 'currentPin');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    // Checked here too, so a typing slip is caught before the current PIN is tried (a wrong one counts).
    setFormat(!PIN.test(newPin));
    setMismatch(newPin !== repeat);
    if (!PIN.test(newPin) || newPin !== repeat) return;
    const answer = await run(() => api<{ expiresAt: string; csrfToken: string }>('PUT', '/me/pin', { currentPin, newPin }));
    if (!answer) return;
    // The change ended every session and opened a new one for this browser, with a new CSRF token.
    setCsrfToken(answer.csrfToken);
    await session.refresh();
    setCurrentPin('');
    setNewPin('');
    setRepeat('');
    setDone(true);
  };

  return (
    <section className="portal-section" aria-labelledby="pin-change">
      <h2 id="pin-change">{t('account.pin.heading')}</h2>
      <form className="narrow" onSubmit={(e) => void submit(e)} noValidate>
        <PinField
          label={t('account.pin.current')}
          name="currentPin"
          autoComplete="current-password"
          value={currentPin}
          onChange={(e) => setCurrentPin(e.target.value)}
          error={currentPinProblem}
        />
        <PinField
          label={t('account.pin.new')}
          hint={t('account.pin.new.hint')}
          name="newPin"
          autoComplete="new-password"
          value={newPin}
          onChange={(e) => setNewPin(e.target.value)}
          error={aboutField(error, 'newPin') ?? (format ? t('account.pin.format') : undefined)}
        />
        <PinField
          label={t('account.pin.repeat')}
          name="repeatPin"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
          error={mismatch ? t('account.pin.mismatch') : undefined}
        />
        <p className="hint">{t('account.pin.hint')}</p>
        <ErrorMessage error={error} words={{ INVALID_CREDENTIALS: t('account.pin.wrongCurrent') }} />
        <Notice>{done ? t('account.pin.changed') : null}</Notice>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('account.pin.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function ReportCardLost() {
  const t = useT();
  const session = useSession();
  const navigate = useNavigate();
  const { confirming, setConfirming, heading, openButton } = useConfirmStep();
  const { run, busy, error, clear } = useAction();

  const report = async () => {
    const answer = await run(() => api<{ status: string }>('POST', '/me/card-lost'));
    if (!answer) return;
    // The card has stopped and every session has ended, this one too.
    navigate('/me/login', { replace: true, state: { cardLost: true } });
    await session.refresh();
  };

  return (
    <section className="portal-section" aria-labelledby="card-lost">
      <h2 id="card-lost">{t('account.cardLost.heading')}</h2>
      <p>{t('account.cardLost.intro')}</p>
      {!confirming && (
        <div className="actions">
          <button
            type="button"
            className="danger"
            ref={openButton}
            onClick={() => {
              clear();
              setConfirming(true);
            }}
          >
            {t('account.cardLost.open')}
          </button>
        </div>
      )}
      {confirming && (
        <div className="portal-confirm" role="group" aria-labelledby="card-lost-confirm">
          <h3 id="card-lost-confirm" ref={heading} tabIndex={-1}>
            {t('account.cardLost.confirm')}
          </h3>
          <p>{t('account.cardLost.confirm.body')}</p>
          <div className="actions">
            <button type="button" className="danger" onClick={() => void report()} disabled={busy}>
              {t('account.cardLost.yes')}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              {t('account.cardLost.cancel')}
            </button>
          </div>
        </div>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}
