import { useNavigate } from 'react-router';
import { api, ApiError } from '../api';
import { useT } from '../i18n';
import { useSession } from '../session';
import { ErrorMessage, money, useAction } from '../ui/components';
import { useConfirmStep } from './parts';
import type { MyRecord } from './types';
import { DELETION_REFUSALS } from './words';

/** DELETE /me answers the deletion receipt: the last thing Carrel says about the patron. */
export interface DeletionReceipt {
  receiptId: string;
  deletedAt: string;
  keyDestroyedAfter: string;
}

/**
 * “Delete my account”: what goes, what the library must keep, a confirmation step, and the API's
 * refusals in plain words. On success the session is over: the receipt is shown on the log-in page
 * (route state, no personal data in it).
 */
export function DeleteAccount({ record }: { record: MyRecord }) {
  const t = useT();
  const session = useSession();
  const navigate = useNavigate();
  const { confirming, setConfirming, heading: confirmHeading, openButton } = useConfirmStep();
  const { run, busy, error, clear } = useAction();

  const out = record.loans.filter((l) => l.status === 'active' || l.status === 'lost').length;

  const remove = async () => {
    const receipt = await run(() => api<DeletionReceipt>('DELETE', '/me'));
    if (!receipt) {
      setConfirming(false); // refused: the reasons show below, nothing was deleted
      return;
    }
    navigate('/me/login', { replace: true, state: { deleted: receipt } });
    await session.refresh();
  };

  const refusals = error instanceof ApiError && error.problems.length > 0 ? error.problems : [];

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
          <div className="actions">
            <button type="button" className="danger" onClick={() => void remove()} disabled={busy}>
              {t('account.delete.yes')}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                clear();
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
      <ErrorMessage error={error} />
    </section>
  );
}
