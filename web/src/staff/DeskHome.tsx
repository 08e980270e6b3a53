import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type RefObject } from 'react';
import { api, ApiError } from '../api';
import { useSession } from '../session';
import { day, ErrorMessage, Field, money, Page, useAction } from '../ui/components';
import { isOverridable } from '../../../src/domain/blocks';
import { useDesk, type CheckinEntry, type Mode } from './desk-context';
import { DeskNav, NotForRole } from './DeskNav';
import { PatronPanel } from './PatronPanel';
import type { Account, CheckinResult, CheckoutResult } from './types';
import { shelfCode } from '../ui/words';
import { looksLikeCard, PURPOSE_LABELS } from './words';

/**
 * `/desk`: the scan box. Keyboard first: a barcode scanner types and presses Enter. A patron's card opens
 * them at the desk; then each item scanned is checked out to them. In check-in mode each item scanned is
 * checked in, and a hold it fills is shown so the item goes to the hold shelf, not back to the stacks.
 * Focus is in the scan box on arrival and goes back to it after every scan, unless the user has moved on.
 * A patron opened by purpose (a librarian's search) is not lent to: only their card, scanned, lends.
 */
export function DeskHome() {
  const session = useSession();
  const desk = useDesk();
  const scanBox = useRef<HTMLInputElement>(null);
  const focusScan = useCallback(() => scanBox.current?.focus(), []);
  const circulates = session.can('circulation.checkout') || session.can('circulation.checkin');

  return (
    <Page title="Desk">
      <DeskNav />
      {circulates ? (
        <>
          <Scanner input={scanBox} />
          {desk.account && <PatronPanel key={desk.account.patron.id} onDone={focusScan} />}
        </>
      ) : (
        <NotForRole what="The circulation desk" />
      )}
    </Page>
  );
}

function Scanner({ input }: { input: RefObject<HTMLInputElement | null> }) {
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
          throw new Error('That is a library card. Check-in takes item barcodes; choose “Check out” to serve a patron.');
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
        setNotice({ text: trapped ? `Checked in: ${result.title}. A hold is waiting for it.` : `Checked in: ${result.title}.`, silent: trapped });
        // The open patron's record is read again only when this check-in changed it (every read is logged).
        if (desk.concerns(result)) await desk.reload().catch(() => undefined);
      } else if (desk.currentCard() === undefined || looksLikeCard(value)) {
        const account = await api<Account>('POST', '/patrons/lookup', { cardNumber: value });
        desk.open(account, { kind: 'card' });
        setNotice({ text: `${account.patron.name} is at the desk. Scan items to check them out.` });
      } else if (desk.presentedCard() === undefined) {
        // Opened by purpose, from a search: the card number on the record is not a card presented (CB-A3, IF-5).
        throw new Error('Scan the patron’s card to lend. This patron was opened from a search, not with their card: nothing was checked out.');
      } else {
        const cardNumber = desk.presentedCard() as string;
        let result: CheckoutResult;
        try {
          result = await api<CheckoutResult>('POST', '/checkouts', { cardNumber, itemBarcode: value });
        } catch (e) {
          desk.addCheckout({ barcode: value, error: e });
          throw e;
        }
        desk.addCheckout({ barcode: value, title: result.title, dueAt: result.dueAt, holdPickedUp: result.fulfilledHoldId !== null });
        // The answer says what went out: the loan list is updated from it, not by reading the record again.
        desk.addLoan(result);
        setNotice({ text: `Checked out: ${result.title}, due ${day(result.dueAt)}.` });
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
      ? 'Scan an item to check in'
      : lends
        ? 'Scan an item to check out, or another patron’s card'
        : hasPatron
          ? 'Scan the patron’s card to lend'
          : 'Scan the patron’s library card';
  const action = mode === 'in' ? 'Check in' : lends ? 'Check out' : 'Open patron';
  const purpose = desk.openedBy?.kind === 'purpose' ? desk.openedBy.purpose : undefined;
  const branches = desk.library?.branches ?? [];

  return (
    <section className="card scan" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Scan</h2>
      {canOut && canIn && (
        <fieldset className="modes">
          <legend>Desk mode</legend>
          <label className="check">
            <input type="radio" name="desk-mode" value="out" checked={mode === 'out'} onChange={() => desk.setMode('out')} />
            <span>Check out</span>
          </label>
          <label className="check">
            <input type="radio" name="desk-mode" value="in" checked={mode === 'in'} onChange={() => desk.setMode('in')} />
            <span>Check in</span>
          </label>
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
              ? 'Each barcode is checked in when the scanner presses Enter. The borrower is not shown.'
              : purpose
                ? `Found by a search (${PURPOSE_LABELS[purpose].split(':')[0]?.toLowerCase()}): nothing is checked out to this patron until their card is scanned.`
                : 'A scanner types the barcode and presses Enter; typing it and pressing Enter works the same.'}
            {busy > 0 && <span className="busy"> Working…</span>}
          </p>
        </div>
      </form>
      <ErrorMessage error={error} />
      <div role="status">{notice && !notice.silent && <div className="notice">{notice.text}</div>}</div>
      {notice?.silent && <div className="notice">{notice.text}</div>}
      {mode === 'in' && branches.length > 1 && (
        <div className="field desk-branch">
          <label htmlFor={`${id}-branch`}>This desk is at</label>
          <select id={`${id}-branch`} value={desk.deskBranch} onChange={(e) => desk.setDeskBranch(e.target.value)} aria-describedby={`${id}-branch-hint`}>
            <option value="">Not set</option>
            {branches.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
          <p className="hint" id={`${id}-branch-hint`}>
            So that an item on hold for another branch shows as in transit. Kept on this computer.
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
  const desk = useDesk();
  const id = useId();
  const { run, busy, error } = useAction();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [lent, setLent] = useState<CheckoutResult | undefined>(undefined);
  const card = desk.presentedCard();
  if (card === undefined) return null;
  if (lent) return <span className="badge">Lent anyway, due {day(lent.dueAt)}</span>;
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
    <form className="lend-anyway" onSubmit={(e) => void submit(e)} aria-label={`Lend ${barcode} anyway`}>
      <Field
        label="Reason for lending anyway (required)"
        name={`${id}-reason`}
        required
        autoFocus
        maxLength={500}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        hint="Logged as an override; the reason is kept with the loan, sealed like the patron’s other details."
        error={aboutOverride(error)}
      />
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="submit" disabled={busy || reason.trim() === ''}>
          Lend anyway
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  ) : (
    <button type="button" className="secondary lend-anyway" onClick={() => setOpen(true)} aria-label={`Lend anyway: ${barcode}`}>
      Lend anyway…
    </button>
  );
}

function aboutOverride(error: unknown): string | undefined {
  return error instanceof ApiError ? (error.about('override.reason') ?? error.about('override'))?.message : undefined;
}

function CheckoutList() {
  const session = useSession();
  const desk = useDesk();
  const canOverride = session.can('circulation.override');
  // A patron opened by purpose borrows nothing until their card is scanned: no list to start.
  if (!desk.account || (desk.openedBy?.kind !== 'card' && desk.checkouts.length === 0)) return null;
  return (
    <>
      <h3>Checked out in this visit</h3>
      {desk.checkouts.length === 0 ? (
        <p className="hint">Nothing yet: scan the first item.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Barcode</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {desk.checkouts.map((entry) => (
                <tr key={entry.key} className={entry.error ? 'failed' : undefined}>
                  <td>{entry.title ?? '—'}</td>
                  <td className="barcode">{entry.barcode}</td>
                  <td>
                    {entry.error ? (
                      <>
                        <ScanError error={entry.error} prefix="Not checked out" />
                        {canOverride && overridable(entry.error) && <LendAnyway barcode={entry.barcode} />}
                      </>
                    ) : (
                      <>
                        Due <strong>{day(entry.dueAt)}</strong>
                        {entry.holdPickedUp && <span className="badge">Hold picked up</span>}
                      </>
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

function ScanError({ error, prefix }: { error: unknown; prefix: string }) {
  const message = error instanceof Error ? error.message : String(error);
  const problems = error instanceof ApiError && error.problems.length > 1 ? error.problems.map((p) => p.message) : [];
  return (
    <span className="scan-error">
      <strong>{prefix}:</strong> {problems.length > 0 ? problems.join(' ') : message}
      {error instanceof ApiError && <span className="code"> ({error.code})</span>}
    </span>
  );
}

function CheckinList() {
  const desk = useDesk();
  const latest = desk.checkins[0];
  return (
    <>
      {latest?.result?.routing.to === 'hold-shelf' && <HoldTrapped entry={latest} />}
      <div className="list-head">
        <h3>Checked in</h3>
        {desk.checkins.length > 0 && (
          <button type="button" className="secondary" onClick={desk.clearCheckins}>
            Clear the list
          </button>
        )}
      </div>
      {desk.checkins.length === 0 ? (
        <p className="hint">Nothing checked in yet.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Barcode</th>
                <th scope="col">Goes to</th>
                <th scope="col">Charged</th>
              </tr>
            </thead>
            <tbody>
              {desk.checkins.map((entry) => (
                <tr key={entry.key} className={entry.error ? 'failed' : entry.result?.routing.to === 'hold-shelf' ? 'trapped' : undefined}>
                  <td>{entry.result?.title ?? '—'}</td>
                  <td className="barcode">{entry.barcode}</td>
                  <td>{entry.error ? <ScanError error={entry.error} prefix="Not checked in" /> : <Routing entry={entry} />}</td>
                  <td>
                    {entry.result?.fine ? (
                      <>
                        {money(entry.result.fine.amountCents)} overdue fine ({entry.result.daysLate} {entry.result.daysLate === 1 ? 'day' : 'days'} late)
                      </>
                    ) : entry.result?.lostChargeCancelled ? (
                      'Lost-item charge cancelled'
                    ) : entry.result ? (
                      'Nothing'
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
  const desk = useDesk();
  const routing = entry.result?.routing;
  if (!routing) return <>—</>;
  if (routing.to !== 'hold-shelf') return <>Back to the shelves</>;
  const away = desk.deskBranch !== '' && routing.pickupBranchId !== desk.deskBranch;
  return (
    <>
      <strong>{away ? 'In transit' : 'Hold shelf'}</strong>, {desk.branchName(routing.pickupBranchId)}
      {routing.holdId && <> (shelf code {shelfCode(routing.holdId)})</>}
    </>
  );
}

/** The prominent box a trapped hold gets: the item must not go back to the stacks. */
function HoldTrapped({ entry }: { entry: CheckinEntry }) {
  const desk = useDesk();
  const result = entry.result as CheckinResult;
  const routing = result.routing;
  const branch = desk.branchName(routing.pickupBranchId);
  const here = desk.deskBranch !== '' && routing.pickupBranchId === desk.deskBranch;
  const away = desk.deskBranch !== '' && !here;
  return (
    <div className="trap" role="alert">
      <h3>{away ? `Hold: in transit to ${branch}` : 'Hold: put it on the hold shelf'}</h3>
      <p>
        <strong>{result.title}</strong> ({result.itemBarcode}) fills a patron’s hold.{' '}
        {away
          ? `Send it to ${branch}, where it goes on the hold shelf.`
          : here
            ? 'Put it on this branch’s hold shelf.'
            : `Put it on the hold shelf at ${branch} (send it there if this desk is elsewhere).`}
      </p>
      <dl className="facts">
        {routing.holdId && (
          <>
            <dt>Shelf code</dt>
            <dd className="shelf-code">{shelfCode(routing.holdId)}</dd>
          </>
        )}
        <dt>Pick-up branch</dt>
        <dd>{branch}</dd>
        <dt>To be picked up by</dt>
        <dd>{day(routing.pickupBy)}</dd>
      </dl>
    </div>
  );
}
