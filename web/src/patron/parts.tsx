import { useEffect, useRef, useState, type ReactNode } from 'react';
import { day, money } from '../ui/components';
import { isPast, shelfCode } from '../ui/words';
import type { FineView, HoldView, LoanView } from '../../../src/http/schemas/common';
import type { Payment, ServiceRecord } from './types';
import { fineKind, fineStatus, holdStatus, loanStatus, serviceKind } from './words';

/** A loan still out is overdue once its due date has passed. */
export function isOverdue(loan: LoanView, now = new Date()): boolean {
  return loan.status === 'active' && isPast(loan.dueAt, now.getTime());
}

/**
 * The step that asks before something that cannot be undone: whether it is showing, the question's
 * heading and the button that opens it. Keyboard and screen-reader users land on the question, and back
 * on the button when they cancel.
 */
export function useConfirmStep() {
  const [confirming, setConfirming] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const openButton = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  useEffect(() => {
    if (confirming) heading.current?.focus();
    else if (wasConfirming.current) openButton.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);
  return { confirming, setConfirming, heading, openButton };
}

/** A list that says so when it is empty, rather than showing nothing. */
function Items<T>({ items, empty, label, render }: { items: readonly T[]; empty: string; label: string; render: (item: T) => ReactNode }) {
  if (items.length === 0) return <p className="portal-empty">{empty}</p>;
  return (
    <ul className="portal-list" aria-label={label}>
      {items.map(render)}
    </ul>
  );
}

/**
 * Loans: title, due date, and “Overdue” where the due date has passed. `past` lists returned loans by
 * their dates out and back; `returnedNote` then says, on each, why it is still kept.
 */
export function LoanList({
  loans,
  empty = 'No items checked out.',
  label = 'Loans',
  past = false,
  returnedNote,
}: {
  loans: readonly LoanView[];
  empty?: string;
  label?: string;
  past?: boolean;
  returnedNote?: string;
}) {
  return (
    <Items
      items={loans}
      empty={empty}
      label={label}
      render={(loan) => {
        const overdue = isOverdue(loan);
        return (
          <li key={loan.id} className={overdue ? 'overdue' : undefined}>
            <p className="portal-item-title">
              {loan.title} {overdue && <span className="badge warn">Overdue</span>}
              {loan.status === 'lost' && <span className="badge warn">Declared lost</span>}
            </p>
            <dl className="portal-facts">
              {past ? (
                <>
                  <dt>Checked out</dt>
                  <dd>{day(loan.checkedOutAt)}</dd>
                  <dt>Returned</dt>
                  <dd>{day(loan.endedAt)}</dd>
                  {returnedNote && (
                    <>
                      <dt>Status</dt>
                      <dd>{returnedNote}</dd>
                    </>
                  )}
                </>
              ) : (
                <>
                  <dt>Due</dt>
                  <dd>{day(loan.dueAt)}</dd>
                  <dt>Checked out</dt>
                  <dd>{day(loan.checkedOutAt)}</dd>
                  {loan.renewals > 0 && (
                    <>
                      <dt>Renewed</dt>
                      <dd>{loan.renewals === 1 ? 'once' : `${loan.renewals} times`}</dd>
                    </>
                  )}
                  {loan.status !== 'active' && (
                    <>
                      <dt>Status</dt>
                      <dd>{loanStatus(loan.status)}</dd>
                    </>
                  )}
                </>
              )}
              <dt>Barcode</dt>
              <dd>{loan.itemBarcode}</dd>
            </dl>
          </li>
        );
      }}
    />
  );
}

/** Holds: title, status, and the pick-up deadline and shelf code once the item is waiting. */
export function HoldList({ holds, empty = 'No holds.' }: { holds: readonly HoldView[]; empty?: string }) {
  return (
    <Items
      items={holds}
      empty={empty}
      label="Holds"
      render={(hold) => (
        <li key={hold.id}>
          <p className="portal-item-title">
            {hold.title ?? hold.itemBarcode ?? 'An item'} {hold.status === 'ready' && <span className="badge">Ready to pick up</span>}
          </p>
          <dl className="portal-facts">
            <dt>Status</dt>
            <dd>{holdStatus(hold.status)}</dd>
            {hold.status === 'ready' && (
              <>
                <dt>Shelf code</dt>
                <dd>
                  <span className="portal-shelf-code">{shelfCode(hold.id)}</span> <span className="hint">(on the slip of your item on the hold shelf)</span>
                </dd>
              </>
            )}
            {hold.pickupBy && (
              <>
                <dt>Pick up by</dt>
                <dd>{day(hold.pickupBy)}</dd>
              </>
            )}
            <dt>Placed</dt>
            <dd>{day(hold.placedAt)}</dd>
          </dl>
        </li>
      )}
    />
  );
}

/** Fines: what for, how much is still owed. */
export function FineList({ fines, empty = 'No fines.' }: { fines: readonly FineView[]; empty?: string }) {
  return (
    <Items
      items={fines}
      empty={empty}
      label="Fines"
      render={(fine) => (
        <li key={fine.id}>
          <p className="portal-item-title">
            {fineKind(fine.kind)}
            {fine.title ? `: ${fine.title}` : ''}
          </p>
          <dl className="portal-facts">
            <dt>Owed</dt>
            <dd>{money(fine.balanceCents)}</dd>
            {fine.amountCents !== fine.balanceCents && (
              <>
                <dt>Charged</dt>
                <dd>{money(fine.amountCents)}</dd>
              </>
            )}
            <dt>Status</dt>
            <dd>{fineStatus(fine.status)}</dd>
            <dt>Since</dt>
            <dd>{day(fine.createdAt)}</dd>
            {fine.note && (
              <>
                <dt>Note</dt>
                <dd>{fine.note}</dd>
              </>
            )}
          </dl>
        </li>
      )}
    />
  );
}

export function PaymentList({ payments }: { payments: readonly Payment[] }) {
  return (
    <Items
      items={payments}
      empty="No payments."
      label="Payments"
      render={(payment) => (
        <li key={payment.id}>
          {money(payment.amountCents)} paid on {day(payment.createdAt)}
        </li>
      )}
    />
  );
}

export function ServiceList({ services, empty }: { services: readonly ServiceRecord[]; empty: string }) {
  return (
    <Items
      items={services}
      empty={empty}
      label="Service records"
      render={(s) => (
        <li key={s.id}>
          <p className="portal-item-title">
            {serviceKind(s.kind)}
            {s.details && 'title' in s.details && s.details.title ? `: ${s.details.title}` : ''}
            {s.details && 'question' in s.details && s.details.question ? `: ${s.details.question}` : ''}
          </p>
          <dl className="portal-facts">
            {s.resource && (
              <>
                <dt>Where</dt>
                <dd>{s.resource}</dd>
              </>
            )}
            <dt>Starts</dt>
            <dd>{day(s.startsAt)}</dd>
            {s.endsAt && (
              <>
                <dt>Ends</dt>
                <dd>{day(s.endsAt)}</dd>
              </>
            )}
            <dt>Status</dt>
            <dd>{plainStatus(s.status)}</dd>
          </dl>
        </li>
      )}
    />
  );
}

const plainStatus = (status: string) => status.charAt(0).toUpperCase() + status.slice(1);
