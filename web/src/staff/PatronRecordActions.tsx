import { useEffect, useId, useRef, useState } from 'react';
import { api, ApiError, download } from '../api';
import { t, tRich, useT, type MessageId } from '../i18n';
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
  const t = useT();
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
      result.charge
        ? t('deskpages.lost.declaredCharged', { title: loan.title, amount: money(result.charge.amountCents) })
        : t('deskpages.lost.declaredNoCharge', { title: loan.title }),
    );
    await desk.reload().catch(() => undefined);
  };

  if (!asking)
    return (
      <button ref={opener} type="button" className="secondary" onClick={() => setAsking(true)} aria-label={t('deskpages.lost.declare.label', { title: loan.title, barcode: loan.itemBarcode })}>
        {t('deskpages.lost.declare')}
      </button>
    );
  return (
    <div className="waive">
      <p>{t('deskpages.lost.explain')}</p>
      <ErrorMessage error={error} />
      <div className="actions">
        <button ref={yes} type="button" className="danger" disabled={busy} onClick={() => void declare()} aria-label={t('deskpages.lost.yes.label', { title: loan.title })}>
          {t('deskpages.lost.yes')}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setAsking(false);
            setTimeout(() => opener.current?.focus(), 0);
          }}
        >
          {t('deskpages.lost.keep')}
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

const STATUS_CHOICES: { value: string; label: MessageId }[] = [
  { value: 'active', label: 'deskpages.standing.choice.active' },
  { value: 'blocked', label: 'deskpages.standing.choice.blocked' },
  { value: 'expired', label: 'deskpages.standing.choice.expired' },
  { value: 'deceased', label: 'deskpages.standing.choice.deceased' },
];

/** The patron's standing: PUT /patrons/:id/status, except a lost card (the card section reports that). */
function Standing({ patron }: { patron: PatronView }) {
  const t = useT();
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
      setNotice(t('deskpages.standing.changed', { status: done.status }));
      await desk.reload().catch(() => undefined);
    }
  };

  return (
    <>
      <h3>{t('deskpages.standing.title')}</h3>
      <p>
        {tRich('deskpages.standing.now', { status: statusLabel(patron.status), b: (chunks) => <strong>{chunks}</strong> })}
        {patron.status === 'card-lost' && ` ${t('deskpages.standing.cardLost')}`}
      </p>
      <ErrorMessage error={error} />
      <Notice>{notice}</Notice>
      {choices.length > 0 && (
        <div className="inline-form narrow">
          <Select
            label={t('deskpages.standing.changeTo')}
            name="status"
            value={chosen}
            disabled={confirming}
            onChange={(e) => setNext(e.target.value)}
            options={choices.map((c) => ({ value: c.value, label: t(c.label) }))}
          />
          {confirming ? (
            <div className="confirm">
              <p>{t('deskpages.standing.confirmDeceased')}</p>
              <div className="actions">
                <button type="button" className="danger" disabled={busy} onClick={() => void change()}>
                  {t('deskpages.standing.yes')}
                </button>
                <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                  {t('deskpages.cancel')}
                </button>
              </div>
            </div>
          ) : (
            <button type="button" disabled={busy} onClick={() => (chosen === 'deceased' || patron.status === 'deceased' ? setConfirming(true) : void change())}>
              {t('deskpages.standing.change')}
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
  const t = useT();
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
        ? answer.since
          ? t('deskpages.history.keptSince', { since: day(answer.since) })
          : t('deskpages.history.kept')
        : t('deskpages.history.stopped', { count: answer.loansDeleted }),
    );
  };

  const notOffered = error instanceof ApiError && error.code === 'READING_HISTORY_NOT_OFFERED';
  return (
    <>
      <h3 id={`${id}-title`}>{t('deskpages.history.title')}</h3>
      <p className="hint">{t('deskpages.history.hint')}</p>
      {notOffered && <p>{t('deskpages.history.notOffered')}</p>}
      <ErrorMessage error={error} />
      <Notice>{notice}</Notice>
      {stopping ? (
        <div className="confirm">
          <p>{t('deskpages.history.confirmStop')}</p>
          <div className="actions">
            <button type="button" className="danger" disabled={busy} onClick={() => void record(false)}>
              {t('deskpages.history.yesStop')}
            </button>
            <button type="button" className="secondary" onClick={() => setStopping(false)}>
              {t('deskpages.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <div className="actions" role="group" aria-labelledby={`${id}-title`}>
          <button type="button" className="secondary" disabled={busy} onClick={() => void record(true)}>
            {t('deskpages.history.keep')}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => setStopping(true)}>
            {t('deskpages.history.stop')}
          </button>
        </div>
      )}
    </>
  );
}

/** What a refused deletion means, in plain words, by Carrel's code. */
const DELETION_REFUSALS: Record<string, MessageId> = {
  PATRON_HAS_ITEMS_OUT: 'deskpages.delete.refused.itemsOut',
  PATRON_OWES_FINES: 'deskpages.delete.refused.owes',
  DELETION_NOT_POSSIBLE_NOW: 'deskpages.delete.refused.notNow',
  RECORD_UNDER_LEGAL_HOLD: 'deskpages.delete.refused.legalHold',
};

function refusalsOf(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [];
  const codes = new Set([error.code, ...error.problems.map((p) => p.code)]);
  return [...codes].flatMap((code) => {
    const id = DELETION_REFUSALS[code];
    return id ? [t(id)] : [];
  });
}

/** A staff export of the record (with the purpose the panel was opened for), and the record's deletion. */
function ExportAndDelete({ account, onDeleted }: { account: Account; onDeleted: (receipt: DeletionReceipt) => void }) {
  const t = useT();
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
    if (done) setNotice(t('deskpages.export.done'));
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
      <h3>{t('deskpages.delete.title')}</h3>
      <ErrorMessage error={exporting.error} />
      <Notice>{notice}</Notice>
      {refusals.length > 0 && (
        <div className="confirm">
          <p>
            <strong>{t('deskpages.delete.notDeleted')}</strong>
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
          <p>{t('deskpages.delete.confirm')}</p>
          {blocked && <p>{t('deskpages.delete.willRefuse')}</p>}
          <div className="actions">
            <button type="button" className="danger" disabled={deleting.busy} onClick={() => void remove()}>
              {t('deskpages.delete.yes')}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              {t('deskpages.delete.keep')}
            </button>
          </div>
        </div>
      ) : (
        <div className="actions">
          {canExport && (
            <button type="button" className="secondary" disabled={exporting.busy} onClick={() => void exportRecord()}>
              {t('deskpages.export.download')}
            </button>
          )}
          {canDelete && (
            <button type="button" className="secondary" onClick={() => setConfirming(true)}>
              {t('deskpages.delete.ask')}
            </button>
          )}
        </div>
      )}
    </>
  );
}

/** What replaces the panel once the record is gone: the receipt, which names nobody. */
export function DeletionDone({ receipt, onDone }: { receipt: DeletionReceipt; onDone: () => void }) {
  const t = useT();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="card receipt" aria-labelledby="deleted-title">
      <h2 id="deleted-title" ref={heading} tabIndex={-1}>
        {t('deskpages.deleted.title')}
      </h2>
      <p>{t('deskpages.deleted.body')}</p>
      <dl className="facts">
        <dt>{t('deskpages.deleted.receipt')}</dt>
        <dd className="record-id">{receipt.receiptId}</dd>
        <dt>{t('deskpages.deleted.on')}</dt>
        <dd>{day(receipt.deletedAt)}</dd>
        <dt>{t('deskpages.deleted.keyAfter')}</dt>
        <dd>{day(receipt.keyDestroyedAfter)}</dd>
      </dl>
      <button type="button" onClick={onDone}>
        {t('deskpages.deleted.done')}
      </button>
    </section>
  );
}
