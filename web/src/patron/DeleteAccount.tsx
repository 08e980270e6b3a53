import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError } from '../api';
import { useT } from '../i18n';
import { useSession } from '../session';
import { aboutField, ErrorMessage, money, useAction } from '../ui/components';
import { PinAgain, useConfirmStep } from './parts';
import type { MyRecord } from './types';
import { DELETION_REFUSALS } from './words';

/** The refusals that are about the PIN typed to confirm (issue 22, defect 8). */
export const PIN_CODES: ReadonlySet<string> = new Set(['PIN_REQUIRED', 'INVALID_CREDENTIALS']);

/** A refusal about the confirming PIN in the page's words, or undefined. */
export function pinWords(t: ReturnType<typeof useT>, error: unknown): string | undefined {
  if (!(error instanceof ApiError) || !PIN_CODES.has(error.code)) return undefined;
  return error.code === 'PIN_REQUIRED' ? t('account.confirmPin.required') : t('account.confirmPin.wrong');
}

/** DELETE /me answers the deletion receipt: the last thing Carrel says about the patron. */
export interface DeletionReceipt {
  receiptId: string;
  deletedAt: string;
  keyDestroyedAfter: string;
}

/**
 * “Delete my account”: what goes, what the library must keep, a confirmation step that asks for the PIN
 * again (a session left open on a shared computer deletes nothing), and the API's refusals in plain words. On success the session is over: the receipt is shown on the log-in page
 * (route state, no personal data in it).
 */
export function DeleteAccount({ record }: { record: MyRecord }) {
  const t = useT();
  const session = useSession();
  const navigate = useNavigate();
  const { confirming, setConfirming, heading: confirmHeading, openButton } = useConfirmStep();
  const { run, busy, error, clear } = useAction();
  const [pin, setPin] = useState('');

  const out = record.loans.filter((l) => l.status === 'active' || l.status === 'lost').length;

  const remove = async () => {
    let pinRefused = false;
    const receipt = await run(async () => {
      try {
        return await api<DeletionReceipt>('DELETE', '/me', { pin });
      } catch (e) {
        pinRefused = e instanceof ApiError && (e.code === 'PIN_REQUIRED' || e.code === 'INVALID_CREDENTIALS');
        throw e;
      }
    });
    setPin('');
    if (!receipt) {
      // Refused: nothing was deleted. A PIN missing or wrong is asked for again; other reasons show below.
      if (!pinRefused) setConfirming(false);
      return;
    }
    navigate('/me/login', { replace: true, state: { deleted: receipt } });
    await session.refresh();
  };

  // A PIN missing or wrong is said beside the PIN; every other reason in the list below.
  const pinProblem = pinWords(t, error) ?? aboutField(error, 'pin');
  const refusals = error instanceof ApiError ? error.problems.filter((p) => !PIN_CODES.has(p.code)) : [];

  return (
    <section className="portal-section" aria-labelledby="data-delete">
      <h2 id="data-delete">{t('account.delete.heading')}</h2>
      <p>{t('account.delete.intro')}</p>
      <p>{t('account.delete.first')}</p>
      <ul>
        <li>{out > 0 ? t('account.delete.itemsOutNow', { count: out }) : t('account.delete.itemsOut')}</li>
        <li>{record.balanceCents > 0 ? t('account.delete.moneyOwedNow', { amount: money(record.balanceCents) }) : t('account.delete.moneyOwed')}</li>
        <li>{t('account.delete.law')}</li>
        <li>{t('account.delete.receipt')}</li>
      </ul>
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
            {t('account.delete.open')}
          </button>
        </div>
      )}
      {confirming && (
        <div className="portal-confirm" role="group" aria-labelledby="delete-confirm-title">
          <h3 id="delete-confirm-title" ref={confirmHeading} tabIndex={-1}>
            {t('account.delete.confirm')}
          </h3>
          <p>{t('account.delete.confirm.body')}</p>
          <PinAgain label={t('account.delete.pin')} hint={t('account.delete.pin.hint')} value={pin} onChange={setPin} error={pinProblem} />
          <div className="actions">
            <button type="button" className="danger" onClick={() => void remove()} disabled={busy || pin.length === 0}>
              {t('account.delete.yes')}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                clear();
                setPin('');
                setConfirming(false);
              }}
            >
              {t('account.delete.cancel')}
            </button>
          </div>
        </div>
      )}
      {refusals.length > 0 && (
        <div className="portal-warning">
          <p>
            <strong>{t('account.delete.notDeleted')}</strong>
          </p>
          <ul>
            {refusals.map((p, i) => (
              <li key={i}>{DELETION_REFUSALS[p.code] ?? p.message}</li>
            ))}
          </ul>
        </div>
      )}
      {!pinProblem && <ErrorMessage error={error} />}
    </section>
  );
}
