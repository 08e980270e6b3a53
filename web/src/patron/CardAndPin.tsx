import { useState, type ComponentProps, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, setCsrfToken } from '../api';
import { useSession } from '../session';
import { aboutField, ErrorMessage, Field, Notice, Page, useAction } from '../ui/components';
import { useConfirmStep } from './parts';

/** `/me/pin`: change the PIN (PUT /me/pin), and report the card lost or stolen (POST /me/card-lost). */
export function CardAndPin() {
  return (
    <Page title="Card and PIN">
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
  const session = useSession();
  const [currentPin, setCurrentPin] = useState('');
  const [newPin, setNewPin] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState<string | undefined>(undefined);
  const [format, setFormat] = useState<string | undefined>(undefined);
  const [done, setDone] = useState(false);
  const { run, busy, error } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    // Checked here too, so a typing slip is caught before the current PIN is tried (a wrong one counts).
    setFormat(PIN.test(newPin) ? undefined : 'A PIN is 4 to 12 digits.');
    setMismatch(newPin === repeat ? undefined : 'The two new PINs are not the same.');
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
      <h2 id="pin-change">Change my PIN</h2>
      <form className="narrow" onSubmit={(e) => void submit(e)} noValidate>
        <PinField
          label="Current PIN"
          name="currentPin"
          autoComplete="current-password"
          value={currentPin}
          onChange={(e) => setCurrentPin(e.target.value)}
          error={aboutField(error, 'currentPin')}
        />
        <PinField
          label="New PIN"
          hint="4 to 12 digits."
          name="newPin"
          autoComplete="new-password"
          value={newPin}
          onChange={(e) => setNewPin(e.target.value)}
          error={aboutField(error, 'newPin') ?? format}
        />
        <PinField
          label="Repeat the new PIN"
          name="repeatPin"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
          error={mismatch}
        />
        <p className="hint">Changing your PIN logs you out everywhere else you are logged in. Wrong current PINs count towards locking your card for a while.</p>
        <ErrorMessage error={error} />
        <Notice>{done ? 'Your PIN is changed. Anywhere else you were logged in has been logged out.' : null}</Notice>
        <div className="actions">
          <button type="submit" disabled={busy}>
            Change my PIN
          </button>
        </div>
      </form>
    </section>
  );
}

function ReportCardLost() {
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
      <h2 id="card-lost">Report my card lost or stolen</h2>
      <p>
        Your card stops working at once, online and at the library, so nobody can borrow with it or log in with it. You are logged out. To get a new card, ask at the library
        desk: staff issue you a new card number for the same account, with your loans, holds and fines as they are.
      </p>
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
            Report my card lost…
          </button>
        </div>
      )}
      {confirming && (
        <div className="portal-confirm" role="group" aria-labelledby="card-lost-confirm">
          <h3 id="card-lost-confirm" ref={heading} tabIndex={-1}>
            Stop your card now?
          </h3>
          <p>This cannot be undone online: the old card number never works again.</p>
          <div className="actions">
            <button type="button" className="danger" onClick={() => void report()} disabled={busy}>
              Yes, stop my card
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Cancel, keep my card
            </button>
          </div>
        </div>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}
