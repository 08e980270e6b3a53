import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../api';
import { errorWords, pageLanguage, t as words, tRich, useT, wordFor, type MessageId } from '../i18n';
import { useSession } from '../session';
import { aboutField, day, ErrorMessage, Field, money, Notice, Select, Table, useAction } from '../ui/components';
import { useDesk, type OpenedBy } from './desk-context';
import type { FineView, PatronView } from '../../../src/http/schemas/common';
import type { Account, DeskHoldView, NewCard, PaymentResult, PinReset, RenewAllResult, RenewedCard, RenewResult } from './types';
import { AccountSummary } from './AccountSummary';
import { isPast, shelfCode } from '../ui/words';
import { centsOf, statusLabel, type LookupPurpose } from './words';
import { printSlip, Slip } from '../ui/Slip';

/** A fine's kind in the desk's words (the portal says “Lost item”, not “Lost item charge”). */
const FINE_KINDS: Record<string, MessageId> = {
  overdue: 'deskhome.fines.kind.overdue',
  lost: 'deskhome.fines.kind.lost',
  fee: 'deskhome.fines.kind.fee',
};

function fineKind(kind: string): string {
  return wordFor(FINE_KINDS, kind);
}

/** What the desk says of a patron opened by purpose, for each purpose. */
const OPENED_FOR: Record<LookupPurpose, MessageId> = {
  'account-service': 'deskhome.patron.openedFor.accountService',
  'materials-recovery': 'deskhome.patron.openedFor.materialsRecovery',
  'fines-collection': 'deskhome.patron.openedFor.finesCollection',
  'violation-review': 'deskhome.patron.openedFor.violationReview',
  'legal-disclosure': 'deskhome.patron.openedFor.legalDisclosure',
};

function openedForWords(purpose: string): string {
  const id = OPENED_FOR[purpose as LookupPurpose] as MessageId | undefined;
  return id ? words(id) : words('deskhome.patron.openedFor.other', { purpose });
}

/** Carrel's words for a problem: the server's own on an English page, the catalogue's for its code on another. */
function problemWords(problem: { code?: string; message: string }): string {
  return pageLanguage() === 'en' || !problem.code ? problem.message : (errorWords(problem.code) ?? problem.message);
}

/** Bold words in a message (`<b>…</b>`). */
const b = (chunks: ReactNode[]) => <strong>{chunks}</strong>;
import { DeclareLost, DeletionDone, PatronRecordActions, useCanDeclareLost, type DeletionReceipt } from './PatronRecordActions';

/**
 * Focus for what replaces a button that went away (a cancelled hold's row, a confirmation that was
 * answered), so a keyboard user is not sent back to the top of the page: `[ref, focusSoon]`.
 */
function useFocusTarget<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const focusSoon = useCallback(() => setTimeout(() => ref.current?.focus(), 0), []);
  return [ref, focusSoon] as const;
}

/**
 * What the desk may do for a patron, by how they were opened. With the card presented (or a photo ID
 * standing in for it, IF-5): everything the role allows. Opened by purpose from a search (CB-A3, RF-10):
 * only what belongs to that purpose: taking payments and waivers for fines collection, corrections and
 * the card for account service; never lending, renewing or holds, which need the card in front of you.
 */
type Duty = 'circulation' | 'fines' | 'account';

function openedFor(openedBy: OpenedBy | undefined, duty: Duty): boolean {
  if (!openedBy || openedBy.kind === 'card') return true;
  if (duty === 'fines') return openedBy.purpose === 'fines-collection';
  if (duty === 'account') return openedBy.purpose === 'account-service';
  return false;
}

/**
 * The patron at the desk: who, standing, what is out, waiting and owed, the card, and the contact
 * details (shown only when asked for). Each action is offered only to roles that may take it, and only
 * for the purpose the patron was opened for; Carrel checks again.
 */
export function PatronPanel({ onDone }: { onDone: () => void }) {
  const t = useT();
  const desk = useDesk();
  const account = desk.account as Account;
  const patron = account.patron;
  const warn = patron.status !== 'active';
  const links = account.guardianLinks;
  const [deleted, setDeleted] = useState<DeletionReceipt | undefined>(undefined);

  // A deleted record is gone: only its receipt, which names nobody, stays until the desk is done with it.
  if (deleted)
    return (
      <DeletionDone
        receipt={deleted}
        onDone={() => {
          desk.close();
          onDone();
        }}
      />
    );

  return (
    <section className="card patron" aria-labelledby="patron-name">
      <div className="patron-head">
        <h2 id="patron-name">{patron.name}</h2>
        <span className={warn ? 'badge warn' : 'badge'}>{statusLabel(patron.status)}</span>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            desk.close();
            onDone();
          }}
        >
          {t('deskhome.patron.done')}
        </button>
      </div>
      {desk.openedBy?.kind === 'purpose' && (
        <div className="opened-for">
          <p className="hint">{openedForWords(desk.openedBy.purpose)}</p>
          <p>{tRich('deskhome.patron.scanCardToLend', { b })}</p>
        </div>
      )}
      <AccountSummary account={account} forAccount={openedFor(desk.openedBy, 'account')} />
      <dl className="facts">
        <dt>{t('deskhome.patron.card')}</dt>
        {/* Identified by photo ID (IF-5): a handle stands in for the card, whose number the desk never sees. */}
        <dd>{patron.cardNumber.startsWith('ID-') ? t('deskhome.patron.identifiedByPhotoId') : t('deskhome.patron.cardEnding', { digits: patron.cardNumber.slice(-4) })}</dd>
        <dt>{t('deskhome.patron.category')}</dt>
        <dd>{patron.categoryCode}</dd>
        <dt>{t('deskhome.patron.homeBranch')}</dt>
        <dd>{patron.homeBranchId ? desk.branchName(patron.homeBranchId) : t('deskhome.patron.noHomeBranch')}</dd>
        <dt>{t('deskhome.patron.cardExpires')}</dt>
        <dd>{day(patron.expiresAt)}</dd>
        <dt>{t('deskhome.patron.owes')}</dt>
        <dd>{account.balanceCents > 0 ? <strong>{money(account.balanceCents)}</strong> : money(0)}</dd>
        {links.map((link) => (
          <GuardianLink key={`${link.role}-${link.patronId}`} role={link.role} name={link.name} startedAt={link.startedAt} />
        ))}
      </dl>
      <Loans account={account} onDone={onDone} />
      <Holds account={account} />
      <Fines account={account} />
      <CardSection patron={patron} />
      <PatronRecordActions account={account} onDeleted={setDeleted} />
      <ContactDetails patron={patron} />
    </section>
  );
}

/** A guardian link: the other patron by name (never by a record id), and since when. */
function GuardianLink({ role, name, startedAt }: { role: 'guardian' | 'minor'; name: string; startedAt: string }) {
  const t = useT();
  const who = <strong>{name}</strong>;
  return role === 'guardian' ? (
    <>
      <dt>{t('deskhome.patron.guardian')}</dt>
      <dd>
        {who}: {t('deskhome.patron.guardianLinked', { since: day(startedAt) })}
      </dd>
    </>
  ) : (
    <>
      <dt>{t('deskhome.patron.guardianOf')}</dt>
      <dd>
        {who}: {t('deskhome.patron.minorLinked', { since: day(startedAt) })}
      </dd>
    </>
  );
}

function Loans({ account, onDone }: { account: Account; onDone: () => void }) {
  const t = useT();
  const session = useSession();
  const desk = useDesk();
  const { run, busy, error } = useAction();
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const canRenew = session.can('circulation.renew') && openedFor(desk.openedBy, 'circulation');
  const canLose = useCanDeclareLost();
  const [heading, focusHeading] = useFocusTarget<HTMLHeadingElement>();

  const renew = async (barcode: string, title: string) => {
    setNotice(undefined);
    // The loan's item is of the patron's library (a check-out lends only those): naming it settles a
    // barcode that two libraries of a consortium both use.
    const result = await run(() => api<RenewResult>('POST', '/renewals', { itemBarcode: barcode, libraryId: account.patron.libraryId }));
    if (result) {
      setNotice(
        result.fine
          ? t('deskhome.loans.renewedLate', { title, due: day(result.dueAt), left: result.renewalsLeft, amount: money(result.fine.amountCents) })
          : t('deskhome.loans.renewed', { title, due: day(result.dueAt), left: result.renewalsLeft }),
      );
      await desk.reload().catch(() => undefined);
      onDone();
    }
  };

  const renewAll = async () => {
    setNotice(undefined);
    const result = await run(() => api<RenewAllResult>('POST', `/patrons/${encodeURIComponent(account.patron.id)}/renew-all`));
    if (result) {
      const refused = result.refused.map((r) =>
        t('deskhome.loans.refusedItem', { item: account.loans.find((l) => l.id === r.loanId)?.title ?? r.itemBarcode, reasons: r.problems.map(problemWords).join(' ') }),
      );
      const counts = t('deskhome.loans.renewAllDone', { renewed: result.renewed.length, refused: result.refused.length });
      setNotice(refused.length > 0 ? `${counts} ${t('deskhome.loans.notRenewed', { items: refused.join('; ') })}` : counts);
      await desk.reload().catch(() => undefined);
      onDone();
    }
  };

  return (
    <>
      <h3 ref={heading} tabIndex={-1}>
        {t('deskhome.loans.heading', { count: account.loans.length })}
      </h3>
      {canRenew && account.loans.length > 1 && (
        <button type="button" className="secondary" disabled={busy} onClick={() => void renewAll()}>
          {t('deskhome.loans.renewAll')}
        </button>
      )}
      <ErrorMessage error={error} />
      <Notice>{notice}</Notice>
      {account.loans.length === 0 ? (
        <p className="hint">{t('deskhome.loans.empty')}</p>
      ) : (
        <Table
          columns={[
            t('deskhome.loans.col.title'),
            t('deskhome.loans.col.barcode'),
            t('deskhome.loans.col.dueDate'),
            { label: t('deskhome.loans.col.renewals'), num: true },
            canRenew && t('deskhome.loans.col.renew'),
            canLose && t('deskhome.loans.col.lost'),
          ]}
        >
          {account.loans.map((loan) => {
            const overdue = isPast(loan.dueAt);
            return (
              <tr key={loan.id} className={overdue ? 'overdue' : undefined}>
                <td>{loan.title}</td>
                <td className="barcode">{loan.itemBarcode}</td>
                <td>
                  {day(loan.dueAt)} {overdue && <span className="badge warn">{t('deskhome.loans.overdue')}</span>}
                </td>
                <td className="num">{loan.renewals}</td>
                {canRenew && (
                  <td>
                    <button type="button" className="secondary" disabled={busy} onClick={() => void renew(loan.itemBarcode, loan.title)} aria-label={t('deskhome.loans.renewLabel', { title: loan.title, barcode: loan.itemBarcode })}>
                      {t('deskhome.loans.renew')}
                    </button>
                  </td>
                )}
                {canLose && (
                  <td>
                    <DeclareLost
                      loan={loan}
                      libraryId={account.patron.libraryId}
                      onDeclared={(text) => {
                        setNotice(text);
                        focusHeading();
                      }}
                    />
                  </td>
                )}
              </tr>
            );
          })}
        </Table>
      )}
    </>
  );
}

function holdStatus(hold: DeskHoldView): string {
  if (hold.status === 'ready') return words('deskhome.holds.ready', { code: shelfCode(hold.id), by: day(hold.pickupBy) });
  if (hold.status === 'pending') return words('deskhome.holds.pending');
  return hold.status;
}

function Holds({ account }: { account: Account }) {
  const t = useT();
  const session = useSession();
  const desk = useDesk();
  const id = useId();
  const cancel = useAction();
  const place = useAction();
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [barcode, setBarcode] = useState('');
  const [branch, setBranch] = useState('');
  const canCancel = session.can('holds.cancel') && openedFor(desk.openedBy, 'circulation');
  const canPlace = session.can('holds.place') && openedFor(desk.openedBy, 'circulation');
  const branches = desk.library?.branches ?? [];
  const [heading, focusHeading] = useFocusTarget<HTMLHeadingElement>();
  // A hold is cancelled only once the clerk says yes: the patron loses their place in the queue.
  const [confirming, setConfirming] = useState<string | undefined>(undefined);

  const cancelHold = async (hold: DeskHoldView) => {
    setConfirming(undefined);
    setNotice(undefined);
    const done = await cancel.run(() => api<DeskHoldView>('POST', `/holds/${encodeURIComponent(hold.id)}/cancel`));
    if (done) {
      setNotice(t('deskhome.holds.cancelled', { item: hold.title ?? hold.itemBarcode ?? t('deskhome.holds.theItem') }));
      await desk.reload().catch(() => undefined);
      focusHeading();
    }
  };

  const placeHold = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(undefined);
    // Only a card presented places a hold, never a number from a search (CB-A3).
    const card = desk.presentedCard();
    if (card === undefined) return;
    const placed = await place.run(() =>
      api<DeskHoldView>('POST', '/holds', { cardNumber: card, itemBarcode: barcode.trim(), ...(branch ? { pickupBranch: branch } : {}) }),
    );
    if (placed) {
      setNotice(
        placed.status === 'ready'
          ? t('deskhome.holds.placedReady', { branch: desk.branchName(placed.pickupBranchId), code: shelfCode(placed.id) })
          : t('deskhome.holds.placedQueued', { branch: desk.branchName(placed.pickupBranchId) }),
      );
      setBarcode('');
      await desk.reload().catch(() => undefined);
    }
  };

  return (
    <>
      <h3 ref={heading} tabIndex={-1}>
        {t('deskhome.holds.heading', { count: account.holds.length })}
      </h3>
      <ErrorMessage error={cancel.error} />
      <Notice>{notice}</Notice>
      {account.holds.length === 0 ? (
        <p className="hint">{t('deskhome.holds.empty')}</p>
      ) : (
        <Table
          columns={[
            t('deskhome.holds.col.title'),
            t('deskhome.holds.col.barcode'),
            t('deskhome.holds.col.status'),
            t('deskhome.holds.col.pickUpAt'),
            canCancel && t('deskhome.holds.col.cancel'),
          ]}
        >
          {account.holds.map((hold) => (
            <tr key={hold.id}>
              <td>{hold.title ?? '—'}</td>
              <td className="barcode">{hold.itemBarcode ?? '—'}</td>
              <td>{holdStatus(hold)}</td>
              <td>{desk.branchName(hold.pickupBranchId)}</td>
              {canCancel && (
                <td>
                  {confirming === hold.id ? (
                    <div className="confirm" role="group" aria-label={t('deskhome.holds.confirmLabel', { item: hold.title ?? hold.itemBarcode ?? t('deskhome.holds.thisItem') })}>
                      <p>{t('deskhome.holds.confirm')}</p>
                      <button type="button" className="danger" disabled={cancel.busy} onClick={() => void cancelHold(hold)}>
                        {t('deskhome.holds.confirmYes')}
                      </button>{' '}
                      {/* Focus lands on the safe answer: the button pressed has gone. */}
                      <button
                        type="button"
                        className="secondary"
                        autoFocus
                        onClick={() => {
                          setConfirming(undefined);
                          focusHeading();
                        }}
                      >
                        {t('deskhome.holds.confirmNo')}
                      </button>
                    </div>
                  ) : (
                    <button
                      type="button"
                      className="secondary"
                      disabled={cancel.busy}
                      onClick={() => setConfirming(hold.id)}
                      aria-label={t('deskhome.holds.cancelLabel', { item: hold.title ?? hold.itemBarcode ?? t('deskhome.holds.thisItem') })}
                    >
                      {t('deskhome.holds.cancel')}
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      {canPlace && (
        <form className="inline-form" onSubmit={(e) => void placeHold(e)} aria-labelledby={`${id}-place`}>
          <h4 id={`${id}-place`}>{t('deskhome.holds.place.heading')}</h4>
          <div className="grid-2">
            <Field label={t('deskhome.holds.place.barcode')} name="hold-barcode" required autoComplete="off" value={barcode} onChange={(e) => setBarcode(e.target.value)} error={aboutField(place.error, 'itemBarcode')} />
            {branches.length > 0 && (
              <Select
                label={t('deskhome.holds.place.pickUpAt')}
                name="hold-branch"
                value={branch}
                onChange={(e) => setBranch(e.target.value)}
                options={[{ value: '', label: t('deskhome.holds.place.ownBranch') }, ...branches.map((b) => ({ value: b.code, label: b.name }))]}
              />
            )}
          </div>
          <ErrorMessage error={place.error} />
          <button type="submit" disabled={place.busy}>
            {t('deskhome.holds.place.submit')}
          </button>
        </form>
      )}
    </>
  );
}

const METHOD_WORDS: Record<string, MessageId> = { cash: 'deskhome.fines.method.cash', check: 'deskhome.fines.method.check', card: 'deskhome.fines.method.card' };

/** A payment method in words (an unknown one as it is). */
function methodName(method: string): string {
  return wordFor(METHOD_WORDS, method);
}

/**
 * The receipt for a payment just taken, printed on request (the browser's print): the library's lines,
 * when, how much, how, what is still owed and the receipt's number. No name, no card number.
 */
function PaymentReceipt({ payment }: { payment: PaymentResult }) {
  const t = useT();
  const desk = useDesk();
  const slip = desk.library?.slip;
  const number = payment.paymentId.slice(0, 8).toUpperCase();
  return (
    <div className="receipt-actions">
      <button type="button" className="secondary" onClick={() => printSlip('receipt')}>
        {t('deskhome.fines.printReceipt')}
      </button>
      <Slip name="receipt" title={t('deskhome.slip.receipt')} header={slip?.header ?? desk.library?.name ?? null} footer={slip?.footer ?? null} at={payment.paidAt}>
        <table>
          <tbody>
            <tr>
              <th scope="row">{t('deskhome.slip.amount')}</th>
              <td className="num">{money(payment.amountCents)}</td>
            </tr>
            <tr>
              <th scope="row">{t('deskhome.slip.method')}</th>
              <td className="num">{methodName(payment.method)}</td>
            </tr>
            <tr>
              <th scope="row">{t('deskhome.slip.stillOwed')}</th>
              <td className="num">{money(payment.balanceCents)}</td>
            </tr>
          </tbody>
        </table>
        <p>{t('deskhome.slip.receiptNumber', { number })}</p>
      </Slip>
    </div>
  );
}

function Fines({ account }: { account: Account }) {
  const t = useT();
  const session = useSession();
  const desk = useDesk();
  const pay = useAction();
  const methods = desk.library?.paymentMethods ?? ['cash'];
  const [method, setMethod] = useState<string>(methods[0] ?? 'cash');
  const [receipt, setReceipt] = useState<PaymentResult | undefined>(undefined);
  const [amount, setAmount] = useState('');
  const [amountProblem, setAmountProblem] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [waiving, setWaiving] = useState<string | undefined>(undefined);
  const canPay = session.can('fines.pay') && openedFor(desk.openedBy, 'fines');
  const canWaive = session.can('fines.waive') && openedFor(desk.openedBy, 'fines');
  const [heading, focusHeading] = useFocusTarget<HTMLHeadingElement>();

  const takePayment = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(undefined);
    const cents = centsOf(amount);
    if (cents === undefined) {
      setAmountProblem(t('deskhome.fines.amountProblem'));
      pay.clear();
      return;
    }
    setAmountProblem(undefined);
    setReceipt(undefined);
    const chosen = methods.includes(method) ? method : (methods[0] ?? 'cash');
    const paid = await pay.run(() => api<PaymentResult>('POST', '/payments', { cardNumber: desk.currentCard(), amountCents: cents, method: chosen }));
    if (paid) {
      setNotice(t('deskhome.fines.paid', { amount: money(paid.amountCents), owed: money(paid.balanceCents) }));
      setReceipt(paid);
      setAmount('');
      await desk.reload().catch(() => undefined);
      if (paid.balanceCents === 0) focusHeading();
    }
  };

  return (
    <>
      <h3 ref={heading} tabIndex={-1}>
        {t('deskhome.fines.heading', { count: account.fines.length })}
      </h3>
      <Notice>{notice}</Notice>
      {receipt && <PaymentReceipt payment={receipt} />}
      {account.fines.length === 0 ? (
        <p className="hint">{t('deskhome.fines.empty')}</p>
      ) : (
        <Table
          columns={[
            t('deskhome.fines.col.what'),
            t('deskhome.fines.col.chargedOn'),
            { label: t('deskhome.fines.col.amount'), num: true },
            { label: t('deskhome.fines.col.stillOwed'), num: true },
            canWaive && t('deskhome.fines.col.waive'),
          ]}
        >
          {account.fines.map((fine) => (
            <tr key={fine.id}>
              <td>
                {fine.title ? t('deskhome.fines.kindOf', { kind: fineKind(fine.kind), title: fine.title }) : fineKind(fine.kind)}
                {fine.note && <div className="hint">{fine.note}</div>}
              </td>
              <td>{day(fine.createdAt)}</td>
              <td className="num">{money(fine.amountCents)}</td>
              <td className="num">{money(fine.balanceCents)}</td>
              {canWaive && (
                <td>
                  {waiving === fine.id ? (
                    <WaiveForm
                      fine={fine}
                      onCancel={() => {
                        setWaiving(undefined);
                        focusHeading();
                      }}
                      onWaived={async () => {
                        setWaiving(undefined);
                        focusHeading();
                        setNotice(t('deskhome.fines.waived', { kind: fineKind(fine.kind), amount: money(fine.balanceCents) }));
                        await desk.reload().catch(() => undefined);
                      }}
                    />
                  ) : (
                    <button type="button" className="secondary" onClick={() => setWaiving(fine.id)} aria-label={
                        fine.title
                          ? t('deskhome.fines.waiveLabelTitle', { kind: fineKind(fine.kind), title: fine.title, amount: money(fine.balanceCents) })
                          : t('deskhome.fines.waiveLabel', { kind: fineKind(fine.kind), amount: money(fine.balanceCents) })
                      }
                    >
                      {t('deskhome.fines.waive')}
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      <p>
        {tRich('deskhome.fines.total', { amount: money(account.balanceCents), b })}
      </p>
      {canPay && account.balanceCents > 0 && (
        <form className="inline-form narrow" onSubmit={(e) => void takePayment(e)} noValidate>
          <Field
            label={t('deskhome.fines.amountPaid')}
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            hint={t('deskhome.fines.amountHint', { amount: money(account.balanceCents) })}
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            error={amountProblem ?? aboutField(pay.error, 'amountCents')}
          />
          {methods.length > 1 && (
            <Select
              label={t('deskhome.fines.method')}
              name="method"
              value={method}
              onChange={(e) => setMethod(e.target.value)}
              options={methods.map((m) => ({ value: m, label: methodName(m) }))}
              error={aboutField(pay.error, 'method')}
            />
          )}
          <ErrorMessage error={pay.error} />
          <button type="submit" disabled={pay.busy}>
            {t('deskhome.fines.takePayment')}
          </button>
        </form>
      )}
    </>
  );
}

function WaiveForm({ fine, onCancel, onWaived }: { fine: FineView; onCancel: () => void; onWaived: () => Promise<void> }) {
  const t = useT();
  const { run, busy, error } = useAction();
  const [reason, setReason] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await run(() => api<FineView>('POST', `/fines/${encodeURIComponent(fine.id)}/waive`, { reason }));
    if (done) await onWaived();
  };
  return (
    <form className="waive" onSubmit={(e) => void submit(e)}>
      <Field label={t('deskhome.fines.waiveReason')} name="reason" required autoFocus maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} hint={t('deskhome.fines.waiveReasonHint')} />
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {t('deskhome.fines.waiveSubmit')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('deskhome.fines.keep')}
        </button>
      </div>
    </form>
  );
}

function CardSection({ patron }: { patron: PatronView }) {
  const t = useT();
  const session = useSession();
  const desk = useDesk();
  const { run, busy, error } = useAction();
  const [confirming, setConfirming] = useState<'lost' | 'reissue' | 'pin' | 'renew' | undefined>(undefined);
  const [newCard, setNewCard] = useState<NewCard | undefined>(undefined);
  const [newPin, setNewPin] = useState<string | undefined>(undefined);
  const pinHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (newPin) pinHeading.current?.focus();
  }, [newPin]);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [heading, focusHeading] = useFocusTarget<HTMLHeadingElement>();
  const question = useRef<HTMLDivElement>(null);
  const cardHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (confirming) question.current?.focus();
  }, [confirming]);
  // Focus, not a live region: the box's heading is read, and the number and PIN only when the reader
  // moves on to them, never aloud at the counter unasked.
  useEffect(() => {
    if (newCard) cardHeading.current?.focus();
  }, [newCard]);
  const forAccount = openedFor(desk.openedBy, 'account');
  const canReport = session.can('patron.status') && forAccount && patron.status !== 'card-lost' && patron.status !== 'deceased';
  const canReissue = session.can('patron.reissue-card') && forAccount && patron.status !== 'deceased';
  const canResetPin = session.can('patron.reset-pin') && forAccount && patron.status !== 'deceased';
  const canRenewCard = session.can('patron.renew-card') && forAccount && patron.status !== 'deceased';
  if (!canReport && !canReissue && !canResetPin && !canRenewCard && !newCard && !newPin) return null;

  const resetPin = async () => {
    setNotice(undefined);
    const reset = await run(() => api<PinReset>('POST', `/patrons/${encodeURIComponent(patron.id)}/reset-pin`));
    setConfirming(undefined);
    if (reset) setNewPin(reset.pin);
    else focusHeading();
  };

  const renewCard = async () => {
    setNotice(undefined);
    const renewed = await run(() => api<RenewedCard>('POST', `/patrons/${encodeURIComponent(patron.id)}/renew-card`, { verified: true }));
    dismiss();
    if (renewed) {
      setNotice(t('deskhome.card.renewed', { expires: day(renewed.expiresAt) }));
      await desk.reload().catch(() => undefined);
    }
  };

  const dismiss = () => {
    setConfirming(undefined);
    focusHeading();
  };

  const reportLost = async () => {
    setNotice(undefined);
    const done = await run(() => api<PatronView>('PUT', `/patrons/${encodeURIComponent(patron.id)}/status`, { status: 'card-lost' }));
    dismiss();
    if (done) {
      setNotice(t('deskhome.card.reportedLost'));
      await desk.reload().catch(() => undefined);
    }
  };

  const reissue = async () => {
    setNotice(undefined);
    const card = await run(() => api<NewCard>('POST', `/patrons/${encodeURIComponent(patron.id)}/card`));
    if (!card) dismiss();
    else {
      setConfirming(undefined);
      setNewCard(card);
      await desk.reload(card.cardNumber).catch(() => undefined);
    }
  };

  return (
    <>
      <h3 ref={heading} tabIndex={-1}>
        {t('deskhome.card.heading')}
      </h3>
      <ErrorMessage error={error} />
      <Notice>{notice}</Notice>
      {newCard && (
        <div className="new-card">
          <h4 ref={cardHeading} tabIndex={-1}>
            {t('deskhome.card.newCard.heading')}
          </h4>
          <p>{t('deskhome.card.newCard.intro')}</p>
          <dl className="facts">
            <dt>{t('deskhome.card.newCard.number')}</dt>
            <dd className="secret">{newCard.cardNumber}</dd>
            <dt>{t('deskhome.card.newPin')}</dt>
            <dd className="secret">{newCard.pin}</dd>
          </dl>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setNewCard(undefined);
              focusHeading();
            }}
          >
            {t('deskhome.card.newCard.done')}
          </button>
        </div>
      )}
      {newPin && (
        <div className="new-card">
          <h4 ref={pinHeading} tabIndex={-1}>
            {t('deskhome.card.newPin.heading')}
          </h4>
          <p>{t('deskhome.card.newPin.intro')}</p>
          <dl className="facts">
            <dt>{t('deskhome.card.newPin')}</dt>
            <dd className="secret">{newPin}</dd>
          </dl>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setNewPin(undefined);
              focusHeading();
            }}
          >
            {t('deskhome.card.newPin.done')}
          </button>
        </div>
      )}
      {confirming === 'pin' && (
        <div className="confirm" ref={question} tabIndex={-1}>
          <p>{t('deskhome.card.confirm.pin')}</p>
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void resetPin()}>
              {t('deskhome.card.confirm.pin.yes')}
            </button>
            <button type="button" className="secondary" onClick={dismiss}>
              {t('deskhome.card.cancel')}
            </button>
          </div>
        </div>
      )}
      {confirming === 'renew' && (
        <div className="confirm" ref={question} tabIndex={-1}>
          <p>{t('deskhome.card.confirm.renew')}</p>
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void renewCard()}>
              {t('deskhome.card.confirm.renew.yes')}
            </button>
            <button type="button" className="secondary" onClick={dismiss}>
              {t('deskhome.card.cancel')}
            </button>
          </div>
        </div>
      )}
      {confirming === 'lost' && (
        <div className="confirm" ref={question} tabIndex={-1}>
          <p>{t('deskhome.card.confirm.lost')}</p>
          <div className="actions">
            <button type="button" className="danger" disabled={busy} onClick={() => void reportLost()}>
              {t('deskhome.card.confirm.lost.yes')}
            </button>
            <button type="button" className="secondary" onClick={dismiss}>
              {t('deskhome.card.cancel')}
            </button>
          </div>
        </div>
      )}
      {confirming === 'reissue' && (
        <div className="confirm" ref={question} tabIndex={-1}>
          <p>{t('deskhome.card.confirm.reissue')}</p>
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void reissue()}>
              {t('deskhome.card.confirm.reissue.yes')}
            </button>
            <button type="button" className="secondary" onClick={dismiss}>
              {t('deskhome.card.cancel')}
            </button>
          </div>
        </div>
      )}
      {confirming === undefined && !newCard && !newPin && (
        <div className="actions">
          {canRenewCard && (
            <button type="button" className="secondary" onClick={() => setConfirming('renew')}>
              {t('deskhome.card.renew')}
            </button>
          )}
          {canResetPin && (
            <button type="button" className="secondary" onClick={() => setConfirming('pin')}>
              {t('deskhome.card.resetPin')}
            </button>
          )}
          {canReport && (
            <button type="button" className="secondary" onClick={() => setConfirming('lost')}>
              {t('deskhome.card.reportLost')}
            </button>
          )}
          {canReissue && (
            <button type="button" className="secondary" onClick={() => setConfirming('reissue')}>
              {t('deskhome.card.reissue')}
            </button>
          )}
        </div>
      )}
    </>
  );
}

/** Optional text as the API takes it: blank is "remove" (null). */
function optional(text: string): string | null {
  return text.trim() === '' ? null : text.trim();
}

function ContactDetails({ patron }: { patron: PatronView }) {
  const t = useT();
  const session = useSession();
  const desk = useDesk();
  const id = useId();
  const [open, setOpen] = useState(false);
  const { run, busy, error } = useAction();
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [form, setForm] = useState({ name: patron.name, birthDate: patron.birthDate, address: patron.address ?? '', email: patron.email ?? '', phone: patron.phone ?? '' });
  const canUpdate = session.can('patron.update') && openedFor(desk.openedBy, 'account');
  const about = (field: string) => aboutField(error, field);

  const toggle = () => {
    if (!open) setForm({ name: patron.name, birthDate: patron.birthDate, address: patron.address ?? '', email: patron.email ?? '', phone: patron.phone ?? '' });
    setNotice(undefined);
    setOpen(!open);
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(undefined);
    // Only what changed is sent: a correction is logged, and nothing else is touched.
    const changes: Record<string, string | null> = {};
    if (form.name.trim() !== patron.name) changes.name = form.name.trim();
    if (form.birthDate !== patron.birthDate) changes.birthDate = form.birthDate;
    for (const key of ['address', 'email', 'phone'] as const) if (optional(form[key]) !== patron[key]) changes[key] = optional(form[key]);
    if (Object.keys(changes).length === 0) {
      setNotice(t('deskhome.contact.nothingChanged'));
      return;
    }
    const saved = await run(() => api<PatronView>('PATCH', `/patrons/${encodeURIComponent(patron.id)}`, changes));
    if (saved) {
      setNotice(t('deskhome.contact.saved'));
      await desk.reload().catch(() => undefined);
    }
  };

  return (
    <>
      <h3>{t('deskhome.contact.heading')}</h3>
      <p className="hint">{t('deskhome.contact.hint')}</p>
      <button type="button" className="secondary" aria-expanded={open} aria-controls={`${id}-details`} onClick={toggle}>
        {open ? t('deskhome.contact.hide') : canUpdate ? t('deskhome.contact.showAndCorrect') : t('deskhome.contact.show')}
      </button>
      <div id={`${id}-details`} hidden={!open}>
        {open &&
          (canUpdate ? (
            <form className="narrow inline-form" onSubmit={(e) => void save(e)} noValidate>
              <Field label={t('deskhome.contact.name')} name="name" required autoComplete="off" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={about('name')} />
              <Field label={t('deskhome.contact.birthDate')} name="birthDate" type="date" required value={form.birthDate} onChange={(e) => setForm({ ...form, birthDate: e.target.value })} error={about('birthDate')} />
              <Field label={t('deskhome.contact.address')} name="address" autoComplete="off" value={form.address} onChange={(e) => setForm({ ...form, address: e.target.value })} error={about('address')} />
              <Field label={t('deskhome.contact.email')} name="email" type="email" autoComplete="off" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} error={about('email')} />
              <Field label={t('deskhome.contact.phone')} name="phone" type="tel" autoComplete="off" value={form.phone} onChange={(e) => setForm({ ...form, phone: e.target.value })} error={about('phone')} />
              <p className="hint">{t('deskhome.contact.blankRemoves')}</p>
              <ErrorMessage error={error} />
              <Notice>{notice}</Notice>
              <button type="submit" disabled={busy}>
                {t('deskhome.contact.save')}
              </button>
            </form>
          ) : (
            <dl className="facts">
              <dt>{t('deskhome.contact.birthDate.short')}</dt>
              <dd>{day(patron.birthDate)}</dd>
              <dt>{t('deskhome.contact.address.short')}</dt>
              <dd>{patron.address ?? t('deskhome.contact.notGiven')}</dd>
              <dt>{t('deskhome.contact.email.short')}</dt>
              <dd>{patron.email ?? t('deskhome.contact.notGiven')}</dd>
              <dt>{t('deskhome.contact.phone.short')}</dt>
              <dd>{patron.phone ?? t('deskhome.contact.notGiven')}</dd>
            </dl>
          ))}
      </div>
    </>
  );
}
