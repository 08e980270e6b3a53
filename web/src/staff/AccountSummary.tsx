import { useState } from 'react';
import { api } from '../api';
import { useSession } from '../session';
import { day, ErrorMessage, money, Notice, useAction } from '../ui/components';
import { useDesk } from './desk-context';
import type { Account, RenewedCard } from './types';

/** Whole days from now until an instant (0 when it has passed). */
function daysUntil(at: string): number {
  return Math.max(0, Math.ceil((Date.parse(at) - Date.now()) / 86_400_000));
}

/**
 * What the clerk needs to know before the first scan (issue 15): items overdue, holds waiting on the
 * shelf, money owed, the card's expiry, and every block that would refuse a check-out now, each saying
 * whether a senior member of staff may lend past it. A card that has expired or expires within 30 days
 * is offered for renewal once the clerk has re-verified the patron (CB-F2).
 */
export function AccountSummary({ account, forAccount }: { account: Account; forAccount: boolean }) {
  const session = useSession();
  const desk = useDesk();
  const { run, busy, error } = useAction();
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const summary = account.summary;
  if (!summary) return null;
  const canRenewCard = session.can('patron.renew-card') && forAccount && account.patron.status !== 'deceased';
  const offerRenewal = canRenewCard && (summary.cardExpired || summary.cardExpiresSoon);

  const renewCard = async () => {
    setNotice(undefined);
    const renewed = await run(() => api<RenewedCard>('POST', `/patrons/${encodeURIComponent(account.patron.id)}/renew-card`, { verified: true }));
    if (renewed) {
      setNotice(`Card renewed: it now expires ${day(renewed.expiresAt)}.`);
      await desk.reload().catch(() => undefined);
    }
  };

  const card = summary.cardExpired
    ? { text: `Expired ${day(summary.cardExpiresAt)}`, warn: true }
    : summary.cardExpiresSoon
      ? { text: `Expires ${day(summary.cardExpiresAt)} (in ${daysUntil(summary.cardExpiresAt)} days)`, warn: true }
      : { text: `Valid until ${day(summary.cardExpiresAt)}`, warn: false };

  return (
    <section className="account-summary" aria-labelledby="account-summary-heading">
      <h3 id="account-summary-heading">At a glance</h3>
      <ul className="summary-facts">
        <li className={summary.overdueItems > 0 ? 'warn' : undefined}>
          <span className="figure">{summary.overdueItems}</span> {summary.overdueItems === 1 ? 'item overdue' : 'items overdue'}
        </li>
        <li className={summary.holdsWaiting > 0 ? 'good' : undefined}>
          <span className="figure">{summary.holdsWaiting}</span> {summary.holdsWaiting === 1 ? 'hold waiting on the shelf' : 'holds waiting on the shelf'}
        </li>
        <li className={summary.balanceCents > 0 ? 'warn' : undefined}>
          <span className="figure">{money(summary.balanceCents)}</span> owed
        </li>
        <li className={card.warn ? 'warn' : undefined}>Card: {card.text}</li>
      </ul>
      {summary.blocks.length > 0 ? (
        <div className="blocks" role="note" aria-label="Borrowing blocks">
          <p>
            <strong>Borrowing is blocked:</strong>
          </p>
          <ul>
            {summary.blocks.map((block) => (
              <li key={block.code}>
                {block.message} <span className="code">({block.code})</span>
                {block.overridable && session.can('circulation.override') && <span className="hint"> You may lend anyway, with a reason.</span>}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="hint">No blocks: the patron may borrow.</p>
      )}
      {offerRenewal && (
        <div className="renew-card">
          <p>Check the patron’s identity and address against a document now, then renew the card.</p>
          <button type="button" disabled={busy} onClick={() => void renewCard()}>
            Verified today, renew card
          </button>
        </div>
      )}
      <ErrorMessage error={error} />
      <Notice>{notice}</Notice>
    </section>
  );
}
