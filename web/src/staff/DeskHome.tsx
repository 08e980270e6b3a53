import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { api, ApiError } from '../api';
import { errorWords, pageLanguage, tRich, useT, wordFor, type MessageId } from '../i18n';
import { useSession } from '../session';
import { aboutField, day, ErrorMessage, Field, money, Page, useAction } from '../ui/components';
import { isOverridable } from '../../../src/domain/blocks';
import { useDesk, type CheckinEntry, type Mode } from './desk-context';
import { DeskNav, NotForRole } from './DeskNav';
import { PatronPanel } from './PatronPanel';
import type { Account, CheckinResult, CheckoutResult } from './types';
import { shelfCode } from '../ui/words';
import { looksLikeCard, type LookupPurpose } from './words';
import { printSlip, Slip, useSlipTime } from '../ui/Slip';

/** Each look-up purpose by its short name, as the scan box's hint names it. */
const PURPOSE_NAMES: Record<LookupPurpose, MessageId> = {
  'account-service': 'deskhome.desk.purpose.accountService',
  'materials-recovery': 'deskhome.desk.purpose.materialsRecovery',
  'fines-collection': 'deskhome.desk.purpose.finesCollection',
  'violation-review': 'deskhome.desk.purpose.violationReview',
  'legal-disclosure': 'deskhome.desk.purpose.legalDisclosure',
};

function purposeName(purpose: string): string {
  return wordFor(PURPOSE_NAMES, purpose);
}

/** Bold words in a message (`<b>…</b>`). */
const b = (chunks: ReactNode[]) => <strong>{chunks}</strong>;

/**
 * `/desk`: the scan box. Keyboard first: a barcode scanner types and presses Enter. A patron's card opens
 * them at the desk; then each item scanned is checked out to them. In check-in mode each item scanned is
 * checked in, and a hold it fills is shown so the item goes to the hold shelf, not back to the stacks.
 * Focus is in the scan box on arrival and goes back to it after every scan, unless the user has moved on.
 * A patron opened by purpose (a librarian's search) is not lent to: only their card, scanned, lends.
 */
export function DeskHome() {
  const t = useT();
  const session = useSession();
  const desk = useDesk();
  const scanBox = useRef<HTMLInputElement>(null);
  const focusScan = useCallback(() => scanBox.current?.focus(), []);
  const circulates = session.can('circulation.checkout') || session.can('circulation.checkin');

  return (
    <Page title={t('deskhome.desk.title')}>
      <DeskNav />
      {circulates ? (
        <>
          <Scanner input={scanBox} />
          {desk.account && <PatronPanel key={desk.account.patron.id} onDone={focusScan} />}
        </>
      ) : (
        <NotForRole what={t('deskhome.desk.notForRole')} />
      )}
    </Page>
  );
}

function Scanner({ input }: { input: RefObject<HTMLInputElement | null> }) {
  const t = useT();
  const session = useSession();
  const desk = useDesk();
  const id = useId();
  const [scan, setScan] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  // A silent notice is shown but not announced: a trapped hold has its own alert, said once.
  const [notice, setNotice] = useState<{ text: string; silent?: boolean } | undefined>(undefined);
  const [busy, setBusy] = useState(0);
  const form = useRef<HTMLFormElement>(null);
  // Scans are handled one after another, in the order they came: a scanner does not wait for answers.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const canOut = session.can('circulation.checkout');
  const canIn = session.can('circulation.checkin');
  const mode: Mode = canOut ? (canIn ? desk.mode : 'out') : 'in';
  const hasPatron = desk.account !== undefined;
  const lends = hasPatron && desk.openedBy?.kind === 'card';

  /**
   * Focus back to the scan box after an answer, only if the user has not moved on: a late answer must not
   * pull focus out of "Amount paid", a waiver's reason or the place-hold form.
   */
  const refocus = () => {
    const active = document.activeElement;
    if (!active || active === document.body || active === input.current || form.current?.contains(active)) {
      input.current?.focus();
      return true;
    }
    return false;
  };

  // What the last scan said belongs to the last mode: a new mode starts with a clean slate.
  useEffect(() => {
    setNotice(undefined);
    setError(undefined);
  }, [mode]);

  // Keyboard shortcuts: Alt+O check-out, Alt+I check-in (back to the scan box), Alt+P the payment's
  // amount when the open patron owes something. By the key's place (`code`), so any keyboard layout works.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.code === 'KeyO' && canOut) desk.setMode('out');
      else if (event.code === 'KeyI' && canIn) desk.setMode('in');
      else if (event.code === 'KeyP') {
        const amount = document.querySelector<HTMLInputElement>('section.patron input[name="amount"]');
        if (!amount) return;
        event.preventDefault();
        amount.focus();
        return;
      } else return;
      event.preventDefault();
      input.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [canOut, canIn, desk, input]);

  // Focus on arrival. The layout moves focus to the page heading on a new page after this component's
  // own effect has run, so this waits for it.
  useEffect(() => {
    const timer = setTimeout(() => input.current?.focus(), 0);
    return () => clearTimeout(timer);
  }, [input]);

  const handle = async (value: string, scanMode: Mode) => {
    try {
      if (scanMode === 'in') {
        if (looksLikeCard(value)) {
          throw new Error(t('deskhome.desk.cardInCheckin'));
        }
        let result: CheckinResult;
        // The desk's library names which item a barcode is, where a consortium's libraries share one.
        const libraryId = desk.library?.id;
        try {
          result = await api<CheckinResult>('POST', '/checkins', { itemBarcode: value, ...(libraryId ? { libraryId } : {}) });
        } catch (e) {
          desk.addCheckin({ barcode: value, error: e });
          throw e;
        }
        desk.addCheckin({ barcode: value, result });
        const trapped = result.routing.to === 'hold-shelf';
        setNotice({
          text: trapped ? t('deskhome.desk.checkedInHold', { title: result.title }) : t('deskhome.desk.checkedIn', { title: result.title }),
          silent: trapped,
        });
        // The open patron's record is read again only when this check-in changed it (every read is logged).
        if (desk.concerns(result)) await desk.reload().catch(() => undefined);
      } else if (desk.currentCard() === undefined || looksLikeCard(value)) {
        const account = await api<Account>('POST', '/patrons/lookup', { cardNumber: value });
        desk.open(account, { kind: 'card' });
        setNotice({ text: t('deskhome.desk.patronAtDesk', { name: account.patron.name }) });
      } else if (desk.presentedCard() === undefined) {
        // Opened by purpose, from a search: the card number on the record is not a card presented (CB-A3, IF-5).
        throw new Error(t('deskhome.desk.openedBySearch'));
      } else {
        const cardNumber = desk.presentedCard() as string;
        let result: CheckoutResult;
        try {
          result = await api<CheckoutResult>('POST', '/checkouts', { cardNumber, itemBarcode: value });
        } catch (e) {
          // A card of another shape than Carrel's (one a library brought from its old system, issue 21)
          // is not an item: the next patron at the desk is opened instead.
          const next = e instanceof ApiError && e.code === 'ITEM_NOT_FOUND' ? await api<Account>('POST', '/patrons/lookup', { cardNumber: value }).catch(() => undefined) : undefined;
          if (next) {
            desk.open(next, { kind: 'card' });
            setNotice({ text: t('deskhome.desk.patronAtDesk', { name: next.patron.name }) });
            setError(undefined);
            return;
          }
          desk.addCheckout({ barcode: value, error: e });
          throw e;
        }
        desk.addCheckout({ barcode: value, title: result.title, dueAt: result.dueAt, holdPickedUp: result.fulfilledHoldId !== null });
        // The answer says what went out: the loan list is updated from it, not by reading the record again.
        desk.addLoan(result);
        setNotice({ text: t('deskhome.desk.checkedOut', { title: result.title, due: day(result.dueAt) }) });
      }
      setError(undefined);
    } catch (e) {
      setNotice(undefined);
      setError(e);
      // What was scanned stays in the box, selected: the next scan replaces it.
      setScan((current) => (current === '' ? value : current));
      if (refocus()) requestAnimationFrame(() => input.current?.select());
    } finally {
      refocus();
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = scan.trim();
    setScan('');
    input.current?.focus();
    if (value === '') return;
    setBusy((n) => n + 1);
    queue.current = queue.current.then(() => handle(value, mode)).finally(() => setBusy((n) => n - 1));
  };

  const label =
    mode === 'in'
      ? t('deskhome.desk.scan.checkIn')
      : lends
        ? t('deskhome.desk.scan.checkOut')
        : hasPatron
          ? t('deskhome.desk.scan.cardToLend')
          : t('deskhome.desk.scan.card');
  const action = mode === 'in' ? t('deskhome.desk.action.checkIn') : lends ? t('deskhome.desk.action.checkOut') : t('deskhome.desk.action.openPatron');
  const purpose = desk.openedBy?.kind === 'purpose' ? desk.openedBy.purpose : undefined;
  const branches = desk.library?.branches ?? [];

  return (
    <section className="card scan" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('deskhome.desk.scan.heading')}</h2>
      {canOut && canIn && (
        <fieldset className="modes">
          <legend>{t('deskhome.desk.mode')}</legend>
          <label className="check">
            <input type="radio" name="desk-mode" value="out" checked={mode === 'out'} onChange={() => desk.setMode('out')} aria-keyshortcuts="Alt+O" />
            <span>{t('deskhome.desk.mode.out')}</span>
          </label>
          <label className="check">
            <input type="radio" name="desk-mode" value="in" checked={mode === 'in'} onChange={() => desk.setMode('in')} aria-keyshortcuts="Alt+I" />
            <span>{t('deskhome.desk.mode.in')}</span>
          </label>
          <p className="hint shortcuts">{t('deskhome.desk.shortcuts')}</p>
        </fieldset>
      )}
      <form className="scan-form" ref={form} onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-scan`}>{label}</label>
          <div className="scan-row">
            <input
              id={`${id}-scan`}
              ref={input}
              className="scan-input"
              name="scan"
              autoComplete="off"
              autoCapitalize="off"
              spellCheck={false}
              enterKeyHint="go"
              value={scan}
              onChange={(e) => setScan(e.target.value)}
              aria-describedby={`${id}-hint`}
              aria-invalid={error ? true : undefined}
            />
            <button type="submit">{action}</button>
          </div>
          <p className="hint" id={`${id}-hint`}>
            {mode === 'in'
              ? t('deskhome.desk.hint.checkIn')
              : purpose
                ? t('deskhome.desk.hint.foundBySearch', { purpose: purposeName(purpose) })
                : t('deskhome.desk.hint.checkOut')}
            {busy > 0 && <span className="busy"> {t('deskhome.desk.working')}</span>}
          </p>
        </div>
      </form>
      <ErrorMessage error={error} />
      <div role="status">{notice && !notice.silent && <div className="notice">{notice.text}</div>}</div>
      {notice?.silent && <div className="notice">{notice.text}</div>}
      {mode === 'in' && branches.length > 1 && (
        <div className="field desk-branch">
          <label htmlFor={`${id}-branch`}>{t('deskhome.desk.branch.label')}</label>
          <select id={`${id}-branch`} value={desk.deskBranch} onChange={(e) => desk.setDeskBranch(e.target.value)} aria-describedby={`${id}-branch-hint`}>
            <option value="">{t('deskhome.desk.branch.notSet')}</option>
            {branches.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
          <p className="hint" id={`${id}-branch-hint`}>
            {t('deskhome.desk.branch.hint')}
          </p>
        </div>
      )}
      {mode === 'in' ? <CheckinList /> : <CheckoutList />}
    </section>
  );
}

/** Whether a refused check-out may be lent anyway: every reason is one an override may lend past. */
function overridable(error: unknown): boolean {
  return error instanceof ApiError && error.problems.length > 0 && error.problems.every(isOverridable);
}

/**
 * "Lend anyway" for staff with the override permission, when every reason a check-out was refused is one
 * an override may lend past (money owed, overdue items, the loan limit). The reason is required; Carrel
 * keeps it sealed with the loan and logs the override. Never for an expired or lost card.
 */
function LendAnyway({ barcode }: { barcode: string }) {
  const t = useT();
  const desk = useDesk();
  const id = useId();
  const { run, busy, error } = useAction();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [lent, setLent] = useState<CheckoutResult | undefined>(undefined);
  const card = desk.presentedCard();
  if (card === undefined) return null;
  if (lent) return <span className="badge">{t('deskhome.lend.lent', { due: day(lent.dueAt) })}</span>;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await run(() => api<CheckoutResult>('POST', '/checkouts', { cardNumber: card, itemBarcode: barcode, override: { reason: reason.trim() } }));
    if (result) {
      setLent(result);
      desk.addLoan(result);
      await desk.reload().catch(() => undefined);
    }
  };
  return open ? (
    <form className="lend-anyway" onSubmit={(e) => void submit(e)} aria-label={t('deskhome.lend.form', { barcode })}>
      <Field
        label={t('deskhome.lend.reason')}
        name={`${id}-reason`}
        required
        autoFocus
        maxLength={500}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        hint={t('deskhome.lend.reasonHint')}
        error={aboutOverride(error)}
      />
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="submit" disabled={busy || reason.trim() === ''}>
          {t('deskhome.lend.submit')}
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          {t('deskhome.lend.cancel')}
        </button>
      </div>
    </form>
  ) : (
    <button type="button" className="secondary lend-anyway" onClick={() => setOpen(true)} aria-label={t('deskhome.lend.open', { barcode })}>
      {t('deskhome.lend.openButton')}
    </button>
  );
}

function aboutOverride(error: unknown): string | undefined {
  return aboutField(error, 'override.reason', 'override');
}

function CheckoutList() {
  const t = useT();
  const session = useSession();
  const desk = useDesk();
  const canOverride = session.can('circulation.override');
  // A patron opened by purpose borrows nothing until their card is scanned: no list to start.
  if (!desk.account || (desk.openedBy?.kind !== 'card' && desk.checkouts.length === 0)) return null;
  return (
    <>
      <h3>{t('deskhome.out.heading')}</h3>
      {desk.checkouts.length === 0 ? (
        <p className="hint">{t('deskhome.out.empty')}</p>
      ) : (
        <div className="table-scroll" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('deskhome.scan.col.title')}</th>
                <th scope="col">{t('deskhome.scan.col.barcode')}</th>
                <th scope="col">{t('deskhome.out.col.result')}</th>
              </tr>
            </thead>
            <tbody>
              {desk.checkouts.map((entry) => (
                <tr key={entry.key} className={entry.error ? 'failed' : undefined}>
                  <td>{entry.title ?? (entry.error ? desk.titleOf(entry.barcode) : undefined) ?? '—'}</td>
                  <td className="barcode">{entry.barcode}</td>
                  <td>
                    {entry.error ? (
                      <>
                        <ScanError error={entry.error} prefix={t('deskhome.out.refused')} />
                        {canOverride && overridable(entry.error) && <LendAnyway barcode={entry.barcode} />}
                      </>
                    ) : entry.returned ? (
                      <span className="badge">{t('deskhome.out.returned')}</span>
                    ) : (
                      <>
                        {tRich('deskhome.out.due', { due: day(entry.dueAt), b })}
                        {entry.holdPickedUp && <span className="badge">{t('deskhome.out.holdPickedUp')}</span>}
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <DueDateSlip />
    </>
  );
}

/**
 * The due-date slip of this visit (the browser's print): what went out and when each is due, titles or
 * only barcodes as the library chose, with the library's lines. No name, no card number.
 */
function DueDateSlip() {
  const t = useT();
  const desk = useDesk();
  const out = desk.checkouts.filter((c) => !c.error && !c.returned && c.dueAt);
  const at = useSlipTime(out.length);
  if (out.length === 0) return null;
  const slip = desk.library?.slip;
  const titles = slip?.titles ?? true;
  return (
    <div className="receipt-actions">
      <button type="button" className="secondary" onClick={() => printSlip('due-dates')}>
        {t('deskhome.out.printSlip')}
      </button>
      <Slip name="due-dates" title={t('deskhome.slip.dueDates')} header={slip?.header ?? desk.library?.name ?? null} footer={slip?.footer ?? null} at={at}>
        <table>
          <thead>
            <tr>
              <th scope="col">{titles ? t('deskhome.slip.item') : t('deskhome.scan.col.barcode')}</th>
              <th scope="col">{t('deskhome.slip.due')}</th>
            </tr>
          </thead>
          <tbody>
            {out.map((c) => (
              <tr key={c.key}>
                <td>{titles ? (c.title ?? c.barcode) : c.barcode}</td>
                <td>{day(c.dueAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Slip>
    </div>
  );
}

/** Carrel's words for a refusal: the server's own on an English page, the catalogue's for its code on another. */
function inPageLanguage(code: string | undefined, message: string): string {
  return pageLanguage() === 'en' || !code ? message : (errorWords(code) ?? message);
}

function ScanError({ error, prefix }: { error: unknown; prefix: string }) {
  useT();
  const message = error instanceof ApiError ? inPageLanguage(error.code, error.message) : error instanceof Error ? error.message : String(error);
  const problems = error instanceof ApiError && error.problems.length > 1 ? error.problems.map((p) => inPageLanguage(p.code, p.message)) : [];
  return (
    <span className="scan-error">
      <strong>{prefix}:</strong> {problems.length > 0 ? problems.join(' ') : message}
      {error instanceof ApiError && <span className="code"> ({error.code})</span>}
    </span>
  );
}

function CheckinList() {
  const t = useT();
  const desk = useDesk();
  const latest = desk.checkins[0];
  return (
    <>
      {latest?.result?.routing.to === 'hold-shelf' && <HoldTrapped entry={latest} />}
      <div className="list-head">
        <h3>{t('deskhome.in.heading')}</h3>
        {desk.checkins.length > 0 && (
          <button type="button" className="secondary" onClick={desk.clearCheckins}>
            {t('deskhome.in.clear')}
          </button>
        )}
      </div>
      {desk.checkins.length === 0 ? (
        <p className="hint">{t('deskhome.in.empty')}</p>
      ) : (
        <div className="table-scroll" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('deskhome.scan.col.title')}</th>
                <th scope="col">{t('deskhome.scan.col.barcode')}</th>
                <th scope="col">{t('deskhome.in.col.goesTo')}</th>
                <th scope="col">{t('deskhome.in.col.charged')}</th>
              </tr>
            </thead>
            <tbody>
              {desk.checkins.map((entry) => (
                <tr key={entry.key} className={entry.error ? 'failed' : entry.result?.routing.to === 'hold-shelf' ? 'trapped' : undefined}>
                  <td>{entry.result?.title ?? (entry.error ? desk.titleOf(entry.barcode) : undefined) ?? '—'}</td>
                  <td className="barcode">{entry.barcode}</td>
                  <td>{entry.error ? <ScanError error={entry.error} prefix={t('deskhome.in.refused')} /> : <Routing entry={entry} />}</td>
                  <td>
                    {entry.result?.fine ? (
                      t('deskhome.in.fine', { amount: money(entry.result.fine.amountCents), days: entry.result.daysLate })
                    ) : entry.result?.lostChargeCancelled ? (
                      t('deskhome.in.lostChargeCancelled')
                    ) : entry.result ? (
                      t('deskhome.in.nothing')
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** Where a checked-in item goes, in the words of the desk. */
function Routing({ entry }: { entry: CheckinEntry }) {
  const t = useT();
  const desk = useDesk();
  const routing = entry.result?.routing;
  if (!routing) return <>—</>;
  if (routing.to !== 'hold-shelf') return <>{t('deskhome.routing.shelves')}</>;
  const away = desk.deskBranch !== '' && routing.pickupBranchId !== desk.deskBranch;
  return (
    <>
      {away
        ? tRich('deskhome.routing.inTransit', { branch: desk.branchName(routing.pickupBranchId), b })
        : tRich('deskhome.routing.holdShelf', { branch: desk.branchName(routing.pickupBranchId), b })}
      {routing.holdId && <> {t('deskhome.routing.shelfCode', { code: shelfCode(routing.holdId) })}</>}
    </>
  );
}

/** The prominent box a trapped hold gets: the item must not go back to the stacks. */
function HoldTrapped({ entry }: { entry: CheckinEntry }) {
  const t = useT();
  const desk = useDesk();
  const result = entry.result as CheckinResult;
  const routing = result.routing;
  const branch = desk.branchName(routing.pickupBranchId);
  const here = desk.deskBranch !== '' && routing.pickupBranchId === desk.deskBranch;
  const away = desk.deskBranch !== '' && !here;
  return (
    <div className="trap" role="alert">
      <h3>{away ? t('deskhome.trap.headingAway', { branch }) : t('deskhome.trap.heading')}</h3>
      <p>
        {tRich('deskhome.trap.fills', { title: result.title, barcode: result.itemBarcode, b })}{' '}
        {away ? t('deskhome.trap.sendTo', { branch }) : here ? t('deskhome.trap.putHere') : t('deskhome.trap.putAt', { branch })}
      </p>
      <dl className="facts">
        {routing.holdId && (
          <>
            <dt>{t('deskhome.trap.shelfCode')}</dt>
            <dd className="shelf-code">{shelfCode(routing.holdId)}</dd>
          </>
        )}
        <dt>{t('deskhome.trap.pickupBranch')}</dt>
        <dd>{branch}</dd>
        <dt>{t('deskhome.trap.pickupBy')}</dt>
        <dd>{day(routing.pickupBy)}</dd>
      </dl>
    </div>
  );
}
