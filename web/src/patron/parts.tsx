import { useEffect, useRef, useState, type ReactNode } from 'react';
import { t, useT, wordFor, type MessageId } from '../i18n';
import { day, Field, money } from '../ui/components';
import { isPast, shelfCode } from '../ui/words';
import type { FineView, HoldView, LoanView } from '../../../src/http/schemas/common';
import type { Payment, ServiceRecord } from './types';

/** An unknown code as it is, its hyphens as spaces: the portal never hides what the API answered. */
export function plain(code: string): string {
  const text = code.replace(/-/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A code's words from a table of messages; an unknown code as it is, its hyphens as spaces. */
export function wordsFor(table: Readonly<Record<string, MessageId>>, code: string): string {
  return wordFor(table, code, plain);
}

const LOAN_STATUS: Record<string, MessageId> = { active: 'portal.loanStatus.active', returned: 'portal.loanStatus.returned', lost: 'portal.loanStatus.lost' };

const HOLD_STATUS: Record<string, MessageId> = {
  pending: 'portal.holdStatus.pending',
  ready: 'portal.holdStatus.ready',
  fulfilled: 'portal.holdStatus.fulfilled',
  cancelled: 'portal.holdStatus.cancelled',
  expired: 'portal.holdStatus.expired',
};

const FINE_KIND: Record<string, MessageId> = { overdue: 'portal.fineKind.overdue', lost: 'portal.fineKind.lost', fee: 'portal.fineKind.fee' };
const FINE_STATUS: Record<string, MessageId> = { open: 'portal.fineStatus.open', paid: 'portal.fineStatus.paid', waived: 'portal.fineStatus.waived' };

const SERVICE_KIND: Record<string, MessageId> = {
  'computer-session': 'portal.serviceKind.computerSession',
  'program-signup': 'portal.serviceKind.programSignup',
  'room-booking': 'portal.serviceKind.roomBooking',
  'ill-request': 'portal.serviceKind.illRequest',
  'reference-request': 'portal.serviceKind.referenceRequest',
};

const SERVICE_STATUS: Record<string, MessageId> = {
  active: 'portal.serviceStatus.active',
  ended: 'portal.serviceStatus.ended',
  booked: 'portal.serviceStatus.booked',
  cancelled: 'portal.serviceStatus.cancelled',
  open: 'portal.serviceStatus.open',
  fulfilled: 'portal.serviceStatus.fulfilled',
  answered: 'portal.serviceStatus.answered',
};

/** A loan's, a hold's, a fine's and a service record's codes in the page's language. */
export const loanStatus = (code: string) => wordsFor(LOAN_STATUS, code);
export const holdStatus = (code: string) => wordsFor(HOLD_STATUS, code);
export const fineKind = (code: string) => wordsFor(FINE_KIND, code);
export const fineStatus = (code: string) => wordsFor(FINE_STATUS, code);
export const serviceKind = (code: string) => wordsFor(SERVICE_KIND, code);
export const serviceStatus = (code: string) => wordsFor(SERVICE_STATUS, code);

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
  empty,
  label,
  past = false,
  returnedNote,
}: {
  loans: readonly LoanView[];
  empty?: string;
  label?: string;
  past?: boolean;
  returnedNote?: string;
}) {
  const t = useT();
  return (
    <Items
      items={loans}
      empty={empty ?? t('portal.list.noLoans')}
      label={label ?? t('portal.list.loans')}
      render={(loan) => {
        const overdue = isOverdue(loan);
        return (
          <li key={loan.id} className={overdue ? 'overdue' : undefined}>
            <p className="portal-item-title">
              {loan.title} {overdue && <span className="badge warn">{t('portal.list.overdue')}</span>}
              {loan.status === 'lost' && <span className="badge warn">{t('portal.list.declaredLost')}</span>}
            </p>
            <dl className="portal-facts">
              {past ? (
                <>
                  <dt>{t('portal.list.checkedOut')}</dt>
                  <dd>{day(loan.checkedOutAt)}</dd>
                  <dt>{t('portal.list.returned')}</dt>
                  <dd>{day(loan.endedAt)}</dd>
                  {returnedNote && (
                    <>
                      <dt>{t('portal.list.status')}</dt>
                      <dd>{returnedNote}</dd>
                    </>
                  )}
                </>
              ) : (
                <>
                  <dt>{t('portal.list.due')}</dt>
                  <dd>{day(loan.dueAt)}</dd>
                  <dt>{t('portal.list.checkedOut')}</dt>
                  <dd>{day(loan.checkedOutAt)}</dd>
                  {loan.renewals > 0 && (
                    <>
                      <dt>{t('portal.list.renewed')}</dt>
                      <dd>{t('portal.list.renewedTimes', { count: loan.renewals })}</dd>
                    </>
                  )}
                  {loan.status !== 'active' && (
                    <>
                      <dt>{t('portal.list.status')}</dt>
                      <dd>{loanStatus(loan.status)}</dd>
                    </>
                  )}
                </>
              )}
              <dt>{t('portal.list.barcode')}</dt>
              <dd>{loan.itemBarcode}</dd>
            </dl>
          </li>
        );
      }}
    />
  );
}

/** Holds: title, status, and the pick-up deadline and shelf code once the item is waiting. */
export function HoldList({ holds, empty }: { holds: readonly HoldView[]; empty?: string }) {
  const t = useT();
  return (
    <Items
      items={holds}
      empty={empty ?? t('portal.list.noHolds')}
      label={t('portal.list.holds')}
      render={(hold) => (
        <li key={hold.id}>
          <p className="portal-item-title">
            {hold.title ?? hold.itemBarcode ?? t('portal.list.anItem')} {hold.status === 'ready' && <span className="badge">{t('portal.list.readyToPickUp')}</span>}
          </p>
          <dl className="portal-facts">
            <dt>{t('portal.list.status')}</dt>
            <dd>{holdStatus(hold.status)}</dd>
            {hold.status === 'ready' && (
              <>
                <dt>{t('portal.list.shelfCode')}</dt>
                <dd>
                  <span className="portal-shelf-code">{shelfCode(hold.id)}</span> <span className="hint">{t('portal.list.shelfCodeHint')}</span>
                </dd>
              </>
            )}
            {hold.pickupBy && (
              <>
                <dt>{t('portal.list.pickUpBy')}</dt>
                <dd>{day(hold.pickupBy)}</dd>
              </>
            )}
            <dt>{t('portal.list.placed')}</dt>
            <dd>{day(hold.placedAt)}</dd>
          </dl>
        </li>
      )}
    />
  );
}

/** Fines: what for, how much is still owed. */
export function FineList({ fines, empty }: { fines: readonly FineView[]; empty?: string }) {
  const t = useT();
  return (
    <Items
      items={fines}
      empty={empty ?? t('portal.list.noFines')}
      label={t('portal.list.fines')}
      render={(fine) => (
        <li key={fine.id}>
          <p className="portal-item-title">
            {fine.title ? t('portal.list.fineFor', { kind: fineKind(fine.kind), title: fine.title }) : fineKind(fine.kind)}
          </p>
          <dl className="portal-facts">
            <dt>{t('portal.list.owed')}</dt>
            <dd>{money(fine.balanceCents)}</dd>
            {fine.amountCents !== fine.balanceCents && (
              <>
                <dt>{t('portal.list.charged')}</dt>
                <dd>{money(fine.amountCents)}</dd>
              </>
            )}
            <dt>{t('portal.list.status')}</dt>
            <dd>{fineStatus(fine.status)}</dd>
            <dt>{t('portal.list.since')}</dt>
            <dd>{day(fine.createdAt)}</dd>
            {fine.note && (
              <>
                <dt>{t('portal.list.note')}</dt>
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
  const t = useT();
  return (
    <Items
      items={payments}
      empty={t('portal.list.noPayments')}
      label={t('portal.list.payments')}
      render={(payment) => <li key={payment.id}>{t('portal.list.paidOn', { amount: money(payment.amountCents), date: day(payment.createdAt) })}</li>}
    />
  );
}

export function ServiceList({ services, empty }: { services: readonly ServiceRecord[]; empty: string }) {
  const t = useT();
  return (
    <Items
      items={services}
      empty={empty}
      label={t('portal.list.serviceRecords')}
      render={(s) => (
        <li key={s.id}>
          <p className="portal-item-title">
            {serviceTitle(s)}
          </p>
          <dl className="portal-facts">
            {s.resource && (
              <>
                <dt>{t('portal.list.where')}</dt>
                <dd>{s.resource}</dd>
              </>
            )}
            <dt>{t('portal.list.starts')}</dt>
            <dd>{day(s.startsAt)}</dd>
            {s.endsAt && (
              <>
                <dt>{t('portal.list.ends')}</dt>
                <dd>{day(s.endsAt)}</dd>
              </>
            )}
            <dt>{t('portal.list.status')}</dt>
            <dd>{serviceStatus(s.status)}</dd>
          </dl>
        </li>
      )}
    />
  );
}

/** A service record's kind, with the title asked for or the question asked when it has one. */
function serviceTitle(s: ServiceRecord): string {
  const detail = s.details ? ('title' in s.details ? s.details.title : s.details.question) : '';
  return detail ? t('portal.list.serviceAbout', { what: serviceKind(s.kind), detail }) : serviceKind(s.kind);
}

/**
 * The PIN asked again before something that cannot be undone (deleting the account, turning reading
 * history off: issue 22): one field, the same wherever it is asked, never filled in by the browser's
 * saved log-in for another card.
 */
export function PinAgain({ label, hint, value, onChange, error }: { label: string; hint: string; value: string; onChange: (pin: string) => void; error: string | undefined }) {
  return (
    <Field label={label} hint={hint} name="pin" type="password" inputMode="numeric" autoComplete="current-password" required value={value} onChange={(e) => onChange(e.target.value)} error={error} />
  );
}
