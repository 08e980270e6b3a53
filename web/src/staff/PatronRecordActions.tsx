import { useEffect, useId, useRef, useState } from 'react';
import { api, ApiError, download } from '../api';
import { useSession } from '../session';
import { day, ErrorMessage, money, Notice, Select, useAction } from '../ui/components';
import type { PatronView } from '../../../src/http/schemas/common';
import { useDesk, type OpenedBy } from './desk-context';
import type { Account, DeskLoanView } from './types';
import { statusLabel } from './words';

/**
 * What the patron panel offers beyond lending: the patron's standing (block, unblock, expire, and for a
 * branch manager a recorded death), an item declared lost from a loan's row, the patron's reading-history
 * choice recorded at the desk, a staff export of the record and the record's deletion. Each is offered
 * only to roles holding its permission, and only for the purpose the patron was opened for; Carrel
 * checks again.
 */

/** Whether the patron was opened for this: by the card presented (anything the role allows), or by this purpose. */
function openedFor(openedBy: OpenedBy | undefined, purpose: 'account-service' | 'materials-recovery'): boolean {
  return !openedBy || openedBy.kind === 'card' || openedBy.purpose === purpose;
}

/** POST /lost-items. */
interface LostResult {
  itemBarcode: string;
  status: string;
  charge: { id: string; amountCents: number } | null;
}

/** Whether this desk may declare the patron's loans lost (materials recovery, or the card presented). */
export function useCanDeclareLost(): boolean {
  const session = useSession();
  const desk = useDesk();
  return session.can('circulation.lost') && openedFor(desk.openedBy, 'materials-recovery');
}

/**
 * A loan row's "Declare lost…": asks first (the patron is charged the replacement cost), then ends the
 * loan as lost. `onDeclared` gets the sentence to announce; the row goes with the record read again.
 */
export function DeclareLost({ loan, libraryId, onDeclared }: { loan: DeskLoanView; libraryId: string; onDeclared: (notice: string) => void }) {
  const desk = useDesk();
  const { run, busy, error } = useAction();
  const [asking, setAsking] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) yes.current?.focus();
  }, [asking]);

  const declare = async () => {
    const result = await run(() => api<LostResult>('POST', '/lost-items', { itemBarcode: loan.itemBarcode, libraryId }));
    if (!result) return;
    setAsking(false);
    onDeclared(
      `Declared lost: ${loan.title}.` + (result.charge ? ` A lost item charge of ${money(result.charge.amountCents)} was added to the patron’s fines.` : ' No charge was added.'),
    );
    await desk.reload().catch(() => undefined);
  };

  if (!asking)
    return (
      <button ref={opener} type="button" className="secondary" onClick={() => setAsking(true)} aria-label={`Declare lost: ${loan.title} (${loan.itemBarcode})`}>
        Declare lost…
      </button>
    );
  return (
    <div className="waive">
      <p>The loan ends as lost and the patron is charged the replacement cost. If the item comes back, checking it in cancels the charge.</p>
      <ErrorMessage error={error} />
      <div className="actions">
        <button ref={yes} type="button" className="danger" disabled={busy} onClick={() => void declare()} aria-label={`Yes, declare ${loan.title} lost`}>
          Yes, declare lost
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setAsking(false);
            setTimeout(() => opener.current?.focus(), 0);
          }}
        >
          Keep the loan
        </button>
      </div>
    </div>
  );
}

/** DELETE /patrons/:id: the receipt, which names nobody. */
export interface DeletionReceipt {
  patronId: string;
  libraryId: string;
  receiptId: string;
  deletedAt: string;
  keyDestroyedAfter: string;
}

/** The sections of the panel for the patron's record itself. */
export function PatronRecordActions({ account, onDeleted }: { account: Account; onDeleted: (receipt: DeletionReceipt) => void }) {
  return (
    <>
      <Standing patron={account.patron} />
      <ReadingHistory patron={account.patron} />
      <ExportAndDelete account={account} onDeleted={onDeleted} />
    </>
  );
}

const STATUS_CHOICES: { value: string; label: string }[] = [
  { value: 'active', label: 'Active: may borrow' },
  { value: 'blocked', label: 'Blocked: may not borrow until unblocked' },
  { value: 'expired', label: 'Card expired' },
  { value: 'deceased', label: 'Deceased (the record is then purged)' },
];

/** The patron's standing: PUT /patrons/:id/status, except a lost card (the card section reports that). */
function Standing({ patron }: { patron: PatronView }) {
  const session = useSession();
  const desk = useDesk();
  const { run, busy, error } = useAction();
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  // Recording a death, or undoing one, is as final as a deletion: it needs the same permission.
  const final = session.can('patron.delete');
  const choices = STATUS_CHOICES.filter((c) => c.value !== patron.status && (c.value !== 'deceased' || final))
    // A card reported lost comes back only as a new card (STATUS_CHANGE_NOT_ALLOWED): only a death may be recorded.
    .filter((c) => patron.status !== 'card-lost' || c.value === 'deceased')
    .filter(() => patron.status !== 'deceased' || final);
  const [next, setNext] = useState(choices[0]?.value ?? '');
  const chosen = choices.some((c) => c.value === next) ? next : (choices[0]?.value ?? '');
  if (!session.can('patron.status') || !openedFor(desk.openedBy, 'account-service')) return null;

  const change = async () => {
    setNotice(undefined);
    const done = await run(() => api<PatronView>('PUT', `/patrons/${encodeURIComponent(patron.id)}/status`, { status: chosen }));
    setConfirming(false);
    if (done) {
      setNotice(`Standing changed to ${statusLabel(done.status).toLowerCase()}.`);
      await desk.reload().catch(() => undefined);
    }
  };

  return (
    <>
      <h3>Standing</h3>
      <p>
        Now: <strong>{statusLabel(patron.status)}</strong>.{patron.status === 'card-lost' && ' A card reported lost comes back only as a new card: issue one below.'}
      </p>
      <ErrorMessage error={error} />
      <Notice>{notice}</Notice>
      {choices.length > 0 && (
        <div className="inline-form narrow">
          <Select label="Change the standing to" name="status" value={chosen} disabled={confirming} onChange={(e) => setNext(e.target.value)} options={choices} />
          {confirming ? (
            <div className="confirm">
              <p>Record this patron as deceased (or undo it)? The retention sweep then purges the record; it cannot be brought back.</p>
              <div className="actions">
                <button type="button" className="danger" disabled={busy} onClick={() => void change()}>
                  Yes, change the standing
                </button>
                <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </div>
            </div>
          ) : (
            <button type="button" disabled={busy} onClick={() => (chosen === 'deceased' || patron.status === 'deceased' ? setConfirming(true) : void change())}>
              Change standing
            </button>
          )}
        </div>
      )}
    </>
  );
}

/** PUT /patrons/:id/reading-history: the answer. */
interface ReadingHistoryAnswer {
  patronId: string;
  readingHistory: boolean;
  since: string | null;
  loansDeleted: number;
}

/** The patron's own choice about their reading history, recorded at the desk at their request (JC-IIIc). */
function ReadingHistory({ patron }: { patron: PatronView }) {
  const session = useSession();
  const desk = useDesk();
  const id = useId();
  const { run, busy, error } = useAction();
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [stopping, setStopping] = useState(false);
  if (!session.can('patron.reading-history') || !openedFor(desk.openedBy, 'account-service')) return null;

  const record = async (keep: boolean) => {
    setNotice(undefined);
    const answer = await run(() => api<ReadingHistoryAnswer>('PUT', `/patrons/${encodeURIComponent(patron.id)}/reading-history`, { keep }));
    setStopping(false);
    if (!answer) return;
    setNotice(
      answer.readingHistory
        ? `Recorded: the patron chose to keep their reading history${answer.since ? `, kept since ${day(answer.since)}` : ''}.`
        : `Recorded: the patron chose not to keep a reading history. ${answer.loansDeleted === 1 ? 'One returned loan was' : `${answer.loansDeleted} returned loans were`} deleted from it.`,
    );
  };

  const notOffered = error instanceof ApiError && error.code === 'READING_HISTORY_NOT_OFFERED';
  return (
    <>
      <h3 id={`${id}-title`}>Reading history</h3>
      <p className="hint">
        Only the patron decides this. Record it when they ask you to, in their own words: “keep a list of what I return” or “stop keeping it”.
      </p>
      {notOffered && <p>This library’s policy does not offer keeping a reading history: there is nothing to record.</p>}
      <ErrorMessage error={error} />
      <Notice>{notice}</Notice>
      {stopping ? (
        <div className="confirm">
          <p>Stopping deletes the patron’s reading history at once. It cannot be brought back.</p>
          <div className="actions">
            <button type="button" className="danger" disabled={busy} onClick={() => void record(false)}>
              Yes, the patron asks to stop and delete it
            </button>
            <button type="button" className="secondary" onClick={() => setStopping(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="actions" role="group" aria-labelledby={`${id}-title`}>
          <button type="button" className="secondary" disabled={busy} onClick={() => void record(true)}>
            The patron asks to keep their reading history
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => setStopping(true)}>
            The patron asks to stop keeping it…
          </button>
        </div>
      )}
    </>
  );
}

/** What a refused deletion means, in plain words, by Carrel's code. */
const DELETION_REFUSALS: Record<string, string> = {
  PATRON_HAS_ITEMS_OUT: 'Items are still out: they must come back, or be declared lost, before the record can be deleted.',
  PATRON_OWES_FINES: 'Money is still owed: it must be paid or waived before the record can be deleted.',
  DELETION_NOT_POSSIBLE_NOW: 'The library has to keep this record for the time being. Nothing was deleted; the director can say more.',
  RECORD_UNDER_LEGAL_HOLD: 'A legal hold names this patron: the record cannot be deleted until the hold is released.',
};

function refusalsOf(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [];
  const codes = new Set([error.code, ...error.problems.map((p) => p.code)]);
  return [...codes].flatMap((code) => (DELETION_REFUSALS[code] ? [DELETION_REFUSALS[code]] : []));
}

/** A staff export of the record (with the purpose the panel was opened for), and the record's deletion. */
function ExportAndDelete({ account, onDeleted }: { account: Account; onDeleted: (receipt: DeletionReceipt) => void }) {
  const session = useSession();
  const desk = useDesk();
  const patron = account.patron;
  const exporting = useAction();
  const deleting = useAction();
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const question = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (confirming) question.current?.focus();
  }, [confirming]);
  // A whole record leaves the library only for the patron's own account: opened by the card they present,
  // or for account service. Never under a collection or recovery purpose, which needs only part of it.
  const purpose = 'account-service';
  const canExport = session.can('patron.export') && openedFor(desk.openedBy, 'account-service');
  const canDelete = session.can('patron.delete') && openedFor(desk.openedBy, 'account-service');
  if (!canExport && !canDelete) return null;

  const exportRecord = async () => {
    setNotice(undefined);
    const done = await exporting.run(async () => {
      await download(`/patrons/${encodeURIComponent(patron.id)}/export?purpose=${encodeURIComponent(purpose)}`, 'patron-record-export.json');
      return true;
    });
    if (done) setNotice('The export was downloaded. The access log records it; hand it only to the patron, or as the purpose requires.');
  };

  const remove = async () => {
    setNotice(undefined);
    const receipt = await deleting.run(() => api<DeletionReceipt>('DELETE', `/patrons/${encodeURIComponent(patron.id)}`));
    setConfirming(false);
    if (receipt) onDeleted(receipt);
  };

  const refusals = refusalsOf(deleting.error);
  const blocked = account.loans.length > 0 || account.balanceCents > 0;
  return (
    <>
      <h3>The patron’s record</h3>
      <ErrorMessage error={exporting.error} />
      <Notice>{notice}</Notice>
      {refusals.length > 0 && (
        <div className="confirm">
          <p>
            <strong>The record was not deleted.</strong>
          </p>
          <ul>
            {refusals.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      )}
      <ErrorMessage error={deleting.error} />
      {confirming ? (
        <div className="confirm" ref={question} tabIndex={-1}>
          <p>
            Delete this patron’s record? Their details, loans, holds, paid fines and service records are destroyed and cannot be brought back; their card stops
            working. Carrel keeps only a receipt that names nobody.
          </p>
          {blocked && <p>Carrel will refuse while items are out or money is owed.</p>}
          <div className="actions">
            <button type="button" className="danger" disabled={deleting.busy} onClick={() => void remove()}>
              Yes, delete the record
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Keep the record
            </button>
          </div>
        </div>
      ) : (
        <div className="actions">
          {canExport && (
            <button type="button" className="secondary" disabled={exporting.busy} onClick={() => void exportRecord()}>
              Download the record (export)
            </button>
          )}
          {canDelete && (
            <button type="button" className="secondary" onClick={() => setConfirming(true)}>
              Delete the record…
            </button>
          )}
        </div>
      )}
    </>
  );
}

/** What replaces the panel once the record is gone: the receipt, which names nobody. */
export function DeletionDone({ receipt, onDone }: { receipt: DeletionReceipt; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="card receipt" aria-labelledby="deleted-title">
      <h2 id="deleted-title" ref={heading} tabIndex={-1}>
        Record deleted
      </h2>
      <p>The patron’s record is gone: its key was destroyed first, so no copy of it can be opened again. Give the patron the receipt number if they ask.</p>
      <dl className="facts">
        <dt>Receipt</dt>
        <dd className="record-id">{receipt.receiptId}</dd>
        <dt>Deleted on</dt>
        <dd>{day(receipt.deletedAt)}</dd>
        <dt>Key destroyed for good after</dt>
        <dd>{day(receipt.keyDestroyedAfter)}</dd>
      </dl>
      <button type="button" onClick={onDone}>
        Done
      </button>
    </section>
  );
}
