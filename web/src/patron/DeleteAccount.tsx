import { useNavigate } from 'react-router';
import { api, ApiError } from '../api';
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
      <h2 id="data-delete">Delete my account</h2>
      <p>
        Deleting your account destroys your record: your registration and contact details, your loans and reading history, holds, paid fines, service records and
        privacy choices. Your open holds are cancelled. This cannot be undone; to borrow again you would register again.
      </p>
      <p>What the library must keep or settle first:</p>
      <ul>
        <li>Items you have out must come back first{out > 0 ? ` (you have ${out} out now)` : ''}.</li>
        <li>Money owed must be paid or waived first{record.balanceCents > 0 ? ` (you owe ${money(record.balanceCents)} now)` : ''}.</li>
        <li>If the law requires the library to keep your record for a time, it cannot be deleted until then.</li>
        <li>
          The library keeps a deletion receipt with no personal data in it: when the record was deleted and that you asked. Anonymous statistics, which never named you,
          stay.
        </li>
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
            Delete my account…
          </button>
        </div>
      )}
      {confirming && (
        <div className="portal-confirm" role="group" aria-labelledby="delete-confirm-title">
          <h3 id="delete-confirm-title" ref={confirmHeading} tabIndex={-1}>
            Delete your account for good?
          </h3>
          <p>Your record is destroyed now, and you are logged out. You will get a receipt.</p>
          <div className="actions">
            <button type="button" className="danger" onClick={() => void remove()} disabled={busy}>
              Yes, delete my account
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                clear();
                setConfirming(false);
              }}
            >
              Cancel, keep my account
            </button>
          </div>
        </div>
      )}
      {refusals.length > 0 && (
        <div className="portal-warning">
          <p>
            <strong>Your account was not deleted.</strong>
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
