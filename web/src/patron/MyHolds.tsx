import { useState } from 'react';
import { api } from '../api';
import { day, ErrorMessage, Field, Page, useAction, useLoad } from '../ui/components';
import type { MyHold } from './types';

/** A hold's status in the patron's words. */
function statusWords(hold: MyHold): string {
  switch (hold.status) {
    case 'ready':
      return hold.pickupBy ? `Ready to collect until ${day(hold.pickupBy)}` : 'Ready to collect';
    case 'in-transit':
      return 'On its way to your pick-up branch';
    case 'suspended':
      return `Suspended until ${day(hold.suspendedUntil)}`;
    default:
      return 'Waiting';
  }
}

/**
 * `/me/holds`: the patron's open holds (GET /me/holds) with their place in the queue, status and
 * pick-up branch. A waiting hold can be suspended until a day and resumed; any can be cancelled, after
 * a question (it cannot be undone: the place in the queue is lost).
 */
export function MyHolds() {
  const holds = useLoad(() => api<{ holds: MyHold[] }>('GET', '/me/holds'), []);
  const action = useAction();
  const [said, setSaid] = useState('');
  const [until, setUntil] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState<string | null>(null);

  const suspend = async (hold: MyHold, day_: string | null) => {
    const done = await action.run(() => api<MyHold>('POST', `/me/holds/${hold.holdId}/suspend`, { until: day_ }));
    if (done) setSaid(day_ === null ? `Resumed your hold on “${hold.title}”.` : `Suspended your hold on “${hold.title}” until ${day(day_)}.`);
    holds.reload();
  };
  const cancel = async (hold: MyHold) => {
    const done = await action.run(() => api('POST', `/me/holds/${hold.holdId}/cancel`));
    if (done) setSaid(`Cancelled your hold on “${hold.title}”.`);
    setConfirming(null);
    holds.reload();
  };

  const list = holds.data?.holds ?? [];
  return (
    <Page title="My holds">
      {holds.loading && !holds.data && <p className="loading">Loading…</p>}
      <ErrorMessage error={holds.error} />
      <ErrorMessage error={action.error} />
      <p aria-live="polite" className="portal-said">
        {said}
      </p>
      {holds.data && list.length === 0 && <p className="portal-empty">You have no holds. Search the catalogue to place one.</p>}
      {list.length > 0 && (
        <ul className="portal-list" aria-label="My holds">
          {list.map((hold) => (
            <li key={hold.holdId}>
              <p className="portal-item-title">{hold.title}</p>
              <dl className="portal-facts">
                <dt>Status</dt>
                <dd>{statusWords(hold)}</dd>
                {hold.queuePosition !== null && (
                  <>
                    <dt>Place in queue</dt>
                    <dd>{hold.queuePosition}</dd>
                  </>
                )}
                <dt>Pick up at</dt>
                <dd>{hold.pickupBranch.name}</dd>
                <dt>Placed</dt>
                <dd>{day(hold.placedAt)}</dd>
                {hold.expiresAt && (
                  <>
                    <dt>Not needed after</dt>
                    <dd>{day(hold.expiresAt)}</dd>
                  </>
                )}
              </dl>
              {hold.status === 'waiting' && (
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    const chosen = until[hold.holdId];
                    if (chosen) void suspend(hold, chosen);
                  }}
                >
                  <Field
                    label={`Suspend until (${hold.title})`}
                    type="date"
                    value={until[hold.holdId] ?? ''}
                    onChange={(e) => setUntil({ ...until, [hold.holdId]: e.target.value })}
                  />
                  <button type="submit" disabled={action.busy || !until[hold.holdId]}>
                    Suspend
                  </button>
                </form>
              )}
              {hold.status === 'suspended' && (
                <button type="button" onClick={() => void suspend(hold, null)} disabled={action.busy}>
                  Resume
                </button>
              )}
              {confirming === hold.holdId ? (
                <div role="group" aria-label={`Cancel the hold on ${hold.title}?`}>
                  <p>Cancel this hold? You lose your place in the queue.</p>
                  <button type="button" className="danger" onClick={() => void cancel(hold)} disabled={action.busy}>
                    Yes, cancel the hold
                  </button>
                  <button type="button" onClick={() => setConfirming(null)}>
                    Keep it
                  </button>
                </div>
              ) : (
                <button type="button" onClick={() => setConfirming(hold.holdId)}>
                  Cancel hold
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
