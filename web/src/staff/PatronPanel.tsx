import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api } from '../api';
import { useSession } from '../session';
import { aboutField, day, ErrorMessage, Field, money, Notice, Select, Table, useAction } from '../ui/components';
import { useDesk, type OpenedBy } from './desk-context';
import type { FineView, PatronView } from '../../../src/http/schemas/common';
import type { Account, DeskHoldView, NewCard, PaymentResult, PinReset, RenewAllResult, RenewedCard, RenewResult } from './types';
import { AccountSummary } from './AccountSummary';
import { isPast, shelfCode } from '../ui/words';
import { cardEnding, centsOf, fineKind, PURPOSE_LABELS, statusLabel } from './words';
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
          Done with this patron
        </button>
      </div>
      {desk.openedBy?.kind === 'purpose' && (
        <div className="opened-for">
          <p className="hint">Opened for {PURPOSE_LABELS[desk.openedBy.purpose].toLowerCase()}. The access log records it.</p>
          <p>
            <strong>Scan the patron’s card to lend.</strong> A patron found by a search borrows nothing and places no holds until their card is in
            front of you; only what belongs to this purpose is offered here.
          </p>
        </div>
      )}
      <AccountSummary account={account} forAccount={openedFor(desk.openedBy, 'account')} />
      <dl className="facts">
        <dt>Card</dt>
        <dd>{cardEnding(patron.cardNumber)}</dd>
        <dt>Category</dt>
        <dd>{patron.categoryCode}</dd>
        <dt>Home branch</dt>
        <dd>{patron.homeBranchId ? desk.branchName(patron.homeBranchId) : 'None given'}</dd>
        <dt>Card expires</dt>
        <dd>{day(patron.expiresAt)}</dd>
        <dt>Owes</dt>
        <dd>{account.balanceCents > 0 ? <strong>{money(account.balanceCents)}</strong> : money(0)}</dd>
        {links.map((link) => (
          <GuardianLink key={`${link.role}-${link.patronId}`} role={link.role} patronId={link.patronId} startedAt={link.startedAt} />
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

function GuardianLink({ role, patronId, startedAt }: { role: 'guardian' | 'minor'; patronId: string; startedAt: string }) {
  return role === 'guardian' ? (
    <>
      <dt>Guardian</dt>
      <dd>
        Linked: the adult who signed this application, since {day(startedAt)} <span className="record-id">(patron record {patronId})</span>
      </dd>
    </>
  ) : (
    <>
      <dt>Guardian of</dt>
      <dd>
        A minor whose application this patron signed, since {day(startedAt)} <span className="record-id">(patron record {patronId})</span>
      </dd>
    </>
  );
}

function Loans({ account, onDone }: { account: Account; onDone: () => void }) {
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
        `Renewed: ${title}, now due ${day(result.dueAt)} (${result.renewalsLeft} ${result.renewalsLeft === 1 ? 'renewal' : 'renewals'} left)` +
          (result.fine ? `; ${money(result.fine.amountCents)} charged for the days already late.` : '.'),
      );
      await desk.reload().catch(() => undefined);
      onDone();
    }
  };

  const renewAll = async () => {
    setNotice(undefined);
    const result = await run(() => api<RenewAllResult>('POST', `/patrons/${encodeURIComponent(account.patron.id)}/renew-all`));
    if (result) {
      const refused = result.refused.map((r) => `${account.loans.find((l) => l.id === r.loanId)?.title ?? r.itemBarcode}: ${r.problems.map((p) => p.message).join(' ')}`);
      setNotice(
        `Renew all: ${result.renewed.length} renewed, ${result.refused.length} not renewed.` + (refused.length > 0 ? ` Not renewed: ${refused.join('; ')}` : ''),
      );
      await desk.reload().catch(() => undefined);
      onDone();
    }
  };

  return (
    <>
      <h3 ref={heading} tabIndex={-1}>
        Loans ({account.loans.length})
      </h3>
      {canRenew && account.loans.length > 1 && (
        <button type="button" className="secondary" disabled={busy} onClick={() => void renewAll()}>
          Renew all
        </button>
      )}
      <ErrorMessage error={error} />
      <Notice>{notice}</Notice>
      {account.loans.length === 0 ? (
        <p className="hint">No items out.</p>
      ) : (
        <Table columns={['Title', 'Barcode', 'Due date', { label: 'Renewals', num: true }, canRenew && 'Renew', canLose && 'Lost']}>
          {account.loans.map((loan) => {
            const overdue = isPast(loan.dueAt);
            return (
              <tr key={loan.id} className={overdue ? 'overdue' : undefined}>
                <td>{loan.title}</td>
                <td className="barcode">{loan.itemBarcode}</td>
                <td>
                  {day(loan.dueAt)} {overdue && <span className="badge warn">Overdue</span>}
                </td>
                <td className="num">{loan.renewals}</td>
                {canRenew && (
                  <td>
                    <button type="button" className="secondary" disabled={busy} onClick={() => void renew(loan.itemBarcode, loan.title)} aria-label={`Renew ${loan.title} (${loan.itemBarcode})`}>
                      Renew
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
  if (hold.status === 'ready') return `On the hold shelf (shelf code ${shelfCode(hold.id)}), to be picked up by ${day(hold.pickupBy)}`;
  if (hold.status === 'pending') return 'Waiting for the item';
  return hold.status;
}

function Holds({ account }: { account: Account }) {
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

  const cancelHold = async (hold: DeskHoldView) => {
    setNotice(undefined);
    const done = await cancel.run(() => api<DeskHoldView>('POST', `/holds/${encodeURIComponent(hold.id)}/cancel`));
    if (done) {
      setNotice(`Hold cancelled: ${hold.title ?? hold.itemBarcode ?? 'the item'}.`);
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
          ? `Hold placed. The item was on the shelf: it goes to the hold shelf at ${desk.branchName(placed.pickupBranchId)} now (shelf code ${shelfCode(placed.id)}).`
          : `Hold placed: the patron is in the queue, for pick-up at ${desk.branchName(placed.pickupBranchId)}.`,
      );
      setBarcode('');
      await desk.reload().catch(() => undefined);
    }
  };

  return (
    <>
      <h3 ref={heading} tabIndex={-1}>
        Holds ({account.holds.length})
      </h3>
      <ErrorMessage error={cancel.error} />
      <Notice>{notice}</Notice>
      {account.holds.length === 0 ? (
        <p className="hint">No holds.</p>
      ) : (
        <Table columns={['Title', 'Barcode', 'Status', 'Pick up at', canCancel && 'Cancel']}>
          {account.holds.map((hold) => (
            <tr key={hold.id}>
              <td>{hold.title ?? '—'}</td>
              <td className="barcode">{hold.itemBarcode ?? '—'}</td>
              <td>{holdStatus(hold)}</td>
              <td>{desk.branchName(hold.pickupBranchId)}</td>
              {canCancel && (
                <td>
                  <button type="button" className="secondary" disabled={cancel.busy} onClick={() => void cancelHold(hold)} aria-label={`Cancel the hold on ${hold.title ?? hold.itemBarcode ?? 'this item'}`}>
                    Cancel hold
                  </button>
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      {canPlace && (
        <form className="inline-form" onSubmit={(e) => void placeHold(e)} aria-labelledby={`${id}-place`}>
          <h4 id={`${id}-place`}>Place a hold</h4>
          <div className="grid-2">
            <Field label="Item barcode" name="hold-barcode" required autoComplete="off" value={barcode} onChange={(e) => setBarcode(e.target.value)} error={aboutField(place.error, 'itemBarcode')} />
            {branches.length > 0 && (
              <Select
                label="Pick up at"
                name="hold-branch"
                value={branch}
                onChange={(e) => setBranch(e.target.value)}
                options={[{ value: '', label: 'The item’s own branch' }, ...branches.map((b) => ({ value: b.code, label: b.name }))]}
              />
            )}
          </div>
          <ErrorMessage error={place.error} />
          <button type="submit" disabled={place.busy}>
            Place hold
          </button>
        </form>
      )}
    </>
  );
}

function Fines({ account }: { account: Account }) {
  const session = useSession();
  const desk = useDesk();
  const pay = useAction();
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
      setAmountProblem('Write the amount paid as dollars and cents, such as 2.50.');
      pay.clear();
      return;
    }
    setAmountProblem(undefined);
    const paid = await pay.run(() => api<PaymentResult>('POST', '/payments', { cardNumber: desk.currentCard(), amountCents: cents }));
    if (paid) {
      setNotice(`Payment of ${money(paid.amountCents)} taken. Still owed: ${money(paid.balanceCents)}.`);
      setAmount('');
      await desk.reload().catch(() => undefined);
      if (paid.balanceCents === 0) focusHeading();
    }
  };

  return (
    <>
      <h3 ref={heading} tabIndex={-1}>
        Fines ({account.fines.length})
      </h3>
      <Notice>{notice}</Notice>
      {account.fines.length === 0 ? (
        <p className="hint">Nothing owed.</p>
      ) : (
        <Table columns={['What', 'Charged on', { label: 'Amount', num: true }, { label: 'Still owed', num: true }, canWaive && 'Waive']}>
          {account.fines.map((fine) => (
            <tr key={fine.id}>
              <td>
                {fineKind(fine.kind)}
                {fine.title ? `: ${fine.title}` : ''}
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
                        setNotice(`${fineKind(fine.kind)} of ${money(fine.balanceCents)} waived.`);
                        await desk.reload().catch(() => undefined);
                      }}
                    />
                  ) : (
                    <button type="button" className="secondary" onClick={() => setWaiving(fine.id)} aria-label={`Waive: ${fineKind(fine.kind)}${fine.title ? `, ${fine.title}` : ''}, ${money(fine.balanceCents)}`}>
                      Waive…
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      <p>
        Total owed: <strong>{money(account.balanceCents)}</strong>
      </p>
      {canPay && account.balanceCents > 0 && (
        <form className="inline-form narrow" onSubmit={(e) => void takePayment(e)} noValidate>
          <Field
            label="Amount paid"
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            hint={`Up to ${money(account.balanceCents)}; the oldest fines are settled first. Carrel keeps no credit.`}
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            error={amountProblem ?? aboutField(pay.error, 'amountCents')}
          />
          <ErrorMessage error={pay.error} />
          <button type="submit" disabled={pay.busy}>
            Take payment
          </button>
        </form>
      )}
    </>
  );
}

function WaiveForm({ fine, onCancel, onWaived }: { fine: FineView; onCancel: () => void; onWaived: () => Promise<void> }) {
  const { run, busy, error } = useAction();
  const [reason, setReason] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await run(() => api<FineView>('POST', `/fines/${encodeURIComponent(fine.id)}/waive`, { reason }));
    if (done) await onWaived();
  };
  return (
    <form className="waive" onSubmit={(e) => void submit(e)}>
      <Field label="Reason for the waiver" name="reason" required autoFocus maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} hint="Kept with the fine, sealed like the patron’s other details." />
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          Waive fine
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Keep the fine
        </button>
      </div>
    </form>
  );
}

function CardSection({ patron }: { patron: PatronView }) {
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
      setNotice(`Card renewed: it now expires ${day(renewed.expiresAt)}.`);
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
      setNotice('The card is reported lost: it no longer works for borrowing or logging in. Issue a new card when the patron is ready.');
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
        Library card
      </h3>
      <ErrorMessage error={error} />
      <Notice>{notice}</Notice>
      {newCard && (
        <div className="new-card">
          <h4 ref={cardHeading} tabIndex={-1}>
            New card issued
          </h4>
          <p>Give the patron their new card number and PIN now: Carrel shows them only this once. The old card number no longer works.</p>
          <dl className="facts">
            <dt>New card number</dt>
            <dd className="secret">{newCard.cardNumber}</dd>
            <dt>New PIN</dt>
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
            Done: hide the card number and PIN
          </button>
        </div>
      )}
      {newPin && (
        <div className="new-card">
          <h4 ref={pinHeading} tabIndex={-1}>
            New PIN
          </h4>
          <p>Give the patron their new PIN now: Carrel shows it only this once. The card number stays the same.</p>
          <dl className="facts">
            <dt>New PIN</dt>
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
            Done: hide the PIN
          </button>
        </div>
      )}
      {confirming === 'pin' && (
        <div className="confirm" ref={question} tabIndex={-1}>
          <p>Give the patron a new PIN? The old PIN stops working and every session of the patron ends; the card number stays.</p>
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void resetPin()}>
              Reset the PIN
            </button>
            <button type="button" className="secondary" onClick={dismiss}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {confirming === 'renew' && (
        <div className="confirm" ref={question} tabIndex={-1}>
          <p>Have you checked the patron’s identity and address today (CB-F2)? The card is renewed for the patron’s category.</p>
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void renewCard()}>
              Verified today, renew card
            </button>
            <button type="button" className="secondary" onClick={dismiss}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {confirming === 'lost' && (
        <div className="confirm" ref={question} tabIndex={-1}>
          <p>Report this card lost or stolen? It stops working at once: no check-outs, no online log-in, and every session it opened ends.</p>
          <div className="actions">
            <button type="button" className="danger" disabled={busy} onClick={() => void reportLost()}>
              Yes, report the card lost
            </button>
            <button type="button" className="secondary" onClick={dismiss}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {confirming === 'reissue' && (
        <div className="confirm" ref={question} tabIndex={-1}>
          <p>Issue a new card? The patron gets a new card number and a new PIN; the old number stops working and every session of the patron ends.</p>
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void reissue()}>
              Issue the new card
            </button>
            <button type="button" className="secondary" onClick={dismiss}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {confirming === undefined && !newCard && !newPin && (
        <div className="actions">
          {canRenewCard && (
            <button type="button" className="secondary" onClick={() => setConfirming('renew')}>
              Renew card…
            </button>
          )}
          {canResetPin && (
            <button type="button" className="secondary" onClick={() => setConfirming('pin')}>
              Reset PIN…
            </button>
          )}
          {canReport && (
            <button type="button" className="secondary" onClick={() => setConfirming('lost')}>
              Report card lost or stolen
            </button>
          )}
          {canReissue && (
            <button type="button" className="secondary" onClick={() => setConfirming('reissue')}>
              Issue a new card
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
      setNotice('Nothing changed.');
      return;
    }
    const saved = await run(() => api<PatronView>('PATCH', `/patrons/${encodeURIComponent(patron.id)}`, changes));
    if (saved) {
      setNotice('Corrections saved.');
      await desk.reload().catch(() => undefined);
    }
  };

  return (
    <>
      <h3>Contact details</h3>
      <p className="hint">Shown only when needed, so that nobody reads them over the patron’s shoulder.</p>
      <button type="button" className="secondary" aria-expanded={open} aria-controls={`${id}-details`} onClick={toggle}>
        {open ? 'Hide contact details' : canUpdate ? 'Show and correct contact details' : 'Show contact details'}
      </button>
      <div id={`${id}-details`} hidden={!open}>
        {open &&
          (canUpdate ? (
            <form className="narrow inline-form" onSubmit={(e) => void save(e)} noValidate>
              <Field label="Name (required)" name="name" required autoComplete="off" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={about('name')} />
              <Field label="Date of birth (required)" name="birthDate" type="date" required value={form.birthDate} onChange={(e) => setForm({ ...form, birthDate: e.target.value })} error={about('birthDate')} />
              <Field label="Address (optional)" name="address" autoComplete="off" value={form.address} onChange={(e) => setForm({ ...form, address: e.target.value })} error={about('address')} />
              <Field label="Email (optional)" name="email" type="email" autoComplete="off" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} error={about('email')} />
              <Field label="Phone (optional)" name="phone" type="tel" autoComplete="off" value={form.phone} onChange={(e) => setForm({ ...form, phone: e.target.value })} error={about('phone')} />
              <p className="hint">Leave an optional field blank to remove it.</p>
              <ErrorMessage error={error} />
              <Notice>{notice}</Notice>
              <button type="submit" disabled={busy}>
                Save corrections
              </button>
            </form>
          ) : (
            <dl className="facts">
              <dt>Date of birth</dt>
              <dd>{patron.birthDate}</dd>
              <dt>Address</dt>
              <dd>{patron.address ?? 'Not given'}</dd>
              <dt>Email</dt>
              <dd>{patron.email ?? 'Not given'}</dd>
              <dt>Phone</dt>
              <dd>{patron.phone ?? 'Not given'}</dd>
            </dl>
          ))}
      </div>
    </>
  );
}
