import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useSession } from '../session';
import { ErrorMessage, Field, Page, useAction } from '../ui/components';

export function PatronLogin() {
  const session = useSession();
  const navigate = useNavigate();
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
    if (done) navigate('/me', { replace: true });
  };

  return (
    <Page title="Log in to your account">
      <form className="narrow" onSubmit={(e) => void submit(e)}>
        <Field label="Library card number" name="cardNumber" inputMode="numeric" autoComplete="username" required value={cardNumber} onChange={(e) => setCardNumber(e.target.value)} />
        <Field label="PIN" name="pin" type="password" inputMode="numeric" autoComplete="current-password" required value={pin} onChange={(e) => setPin(e.target.value)} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          Log in
        </button>
      </form>
      <p className="hint">Your session ends after 15 idle minutes. Lost your card? Tell the library desk, or log in and report it.</p>
    </Page>
  );
}
