import { useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api';
import { t, tRich, useT, wordFor, type MessageId } from '../i18n';
import { useSession } from '../session';
import { aboutField, Checkbox, ErrorMessage, Field, moment, Notice, Page, Select, Table, useAction } from '../ui/components';
import { useDesk } from './desk-context';
import { DeskNav, NotForRole } from './DeskNav';

/**
 * `/desk/services`: services recorded outside circulation (JC-IIId-f, CB-A2): a public-computer session,
 * a program sign-up, a room booking, an interlibrary-loan request and a reference request, for the patron
 * whose card was scanned at the desk, or for a guest where Carrel allows one (a computer session on a
 * guest pass, an anonymous reference question by topic code). The card travels in the request's body,
 * never in the URL. Carrel answers a receipt with no patron and no free text: the list below shows only
 * those receipts, for this visit to the page, each with what can still be done to it.
 */

/** POST /computer-sessions, /program-signups, … : what the desk is told (no patron, no free text). */
interface ServiceReceipt {
  id: string;
  kind: string;
  status: string;
  libraryId: string;
  branchId: string | null;
  resource: string | null;
  startsAt: string;
  endsAt: string | null;
}

type Kind = 'computer-session' | 'program-signup' | 'room-booking' | 'ill-request' | 'reference-request';

/** The services, as the form's choice names them. */
const KINDS: { value: Kind; label: MessageId }[] = [
  { value: 'computer-session', label: 'deskpages.services.choice.computerSession' },
  { value: 'program-signup', label: 'deskpages.services.choice.programSignup' },
  { value: 'room-booking', label: 'deskpages.services.choice.roomBooking' },
  { value: 'ill-request', label: 'deskpages.services.choice.illRequest' },
  { value: 'reference-request', label: 'deskpages.services.choice.referenceRequest' },
];

/** Which services Carrel records without a patron's card. */
const GUEST_ALLOWED: ReadonlySet<Kind> = new Set(['computer-session', 'reference-request']);

/** Each service in words: in the list, in a sentence ("Record a computer session"). */
const KIND_WORDS: Record<Kind, { name: MessageId; record: MessageId; cardOnly: MessageId }> = {
  'computer-session': { name: 'deskpages.services.kind.computerSession', record: 'deskpages.services.record.computerSession', cardOnly: 'deskpages.services.cardOnly.computerSession' },
  'program-signup': { name: 'deskpages.services.kind.programSignup', record: 'deskpages.services.record.programSignup', cardOnly: 'deskpages.services.cardOnly.programSignup' },
  'room-booking': { name: 'deskpages.services.kind.roomBooking', record: 'deskpages.services.record.roomBooking', cardOnly: 'deskpages.services.cardOnly.roomBooking' },
  'ill-request': { name: 'deskpages.services.kind.illRequest', record: 'deskpages.services.record.illRequest', cardOnly: 'deskpages.services.cardOnly.illRequest' },
  'reference-request': { name: 'deskpages.services.kind.referenceRequest', record: 'deskpages.services.record.referenceRequest', cardOnly: 'deskpages.services.cardOnly.referenceRequest' },
};

/** A receipt's kind in words, with its code (a station, a room…) when it has one: "Computer session PC-07". */
function kindName(kind: string, resource?: string | null): string {
  const words = kind in KIND_WORDS ? t(KIND_WORDS[kind as Kind].name) : kind;
  return resource ? `${words} ${resource}` : words;
}

const STATUS_WORDS: Record<string, MessageId> = {
  active: 'deskpages.services.status.active',
  ended: 'deskpages.services.status.ended',
  booked: 'deskpages.services.status.booked',
  cancelled: 'deskpages.services.status.cancelled',
  open: 'deskpages.services.status.open',
  fulfilled: 'deskpages.services.status.fulfilled',
  answered: 'deskpages.services.status.answered',
};

function statusName(status: string): string {
  return wordFor(STATUS_WORDS, status);
}

/** The ways a record can be closed from the list: the path's end, its body, and the button's words. */
const CLOSINGS: Record<string, { status: string; path: string; body?: Record<string, string>; label: MessageId }[]> = {
  'computer-session': [{ status: 'active', path: 'computer-sessions/{id}/end', label: 'deskpages.services.close.endSession' }],
  'program-signup': [{ status: 'booked', path: 'program-signups/{id}/cancel', label: 'deskpages.services.close.cancelSignup' }],
  'room-booking': [{ status: 'booked', path: 'room-bookings/{id}/cancel', label: 'deskpages.services.close.cancelBooking' }],
  'ill-request': [
    { status: 'open', path: 'ill-requests/{id}/close', body: { outcome: 'fulfilled' }, label: 'deskpages.services.close.fulfilled' },
    { status: 'open', path: 'ill-requests/{id}/close', body: { outcome: 'cancelled' }, label: 'deskpages.services.close.cancelled' },
  ],
  'reference-request': [
    { status: 'open', path: 'reference-requests/{id}/close', body: { outcome: 'answered' }, label: 'deskpages.services.close.answered' },
    { status: 'open', path: 'reference-requests/{id}/close', body: { outcome: 'cancelled' }, label: 'deskpages.services.close.cancelled' },
  ],
};

/** A recorded service in this visit's list: the receipt, and whether it was for a patron or a guest. */
interface Recorded {
  receipt: ServiceReceipt;
  forGuest: boolean;
}

export function Services() {
  const session = useSession();
  const t = useT();
  return (
    <Page title={t('deskpages.services.title')}>
      <DeskNav />
      {session.can('services.record') ? <ServicesDesk /> : <NotForRole what={t('deskpages.services.notForRole')} />}
    </Page>
  );
}

/** A date-time field's value (this computer's local time) as an ISO-8601 instant, or the text as typed. */
function instant(local: string): string {
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? local : at.toISOString();
}

/** A datetime-local value for a time `hours` from now, on the hour. */
function localIn(hours: number): string {
  const at = new Date(Date.now() + hours * 3_600_000);
  at.setMinutes(0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:00`;
}

function ServicesDesk() {
  const t = useT();
  const desk = useDesk();
  const id = useId();
  const { run, busy, error, clear } = useAction();
  const close = useAction();
  const [kind, setKind] = useState<Kind>('computer-session');
  const [guest, setGuest] = useState(false);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [recorded, setRecorded] = useState<Recorded[]>([]);
  const [form, setForm] = useState({
    branch: '',
    station: '',
    guestPass: '',
    program: '',
    room: '',
    startsAt: localIn(1),
    endsAt: localIn(2),
    title: '',
    author: '',
    isbn: '',
    question: '',
    topic: '',
    answered: false,
  });
  const listHeading = useRef<HTMLHeadingElement>(null);

  // Only a card presented at the desk names the patron here (CB-A3): never a number from a search.
  const card = desk.presentedCard();
  const hasCard = card !== undefined && desk.account !== undefined;
  const guestAllowed = GUEST_ALLOWED.has(kind);
  const forGuest = !hasCard || (guest && guestAllowed);
  const canRecord = hasCard || guestAllowed;
  const branches = desk.library?.branches ?? [];
  const branch = form.branch || desk.deskBranch || branches[0]?.id || '';
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const about = (...fields: string[]) => aboutField(error, ...fields);
  const optionalBranch = kind === 'ill-request' || kind === 'reference-request';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(undefined);
    const who: Record<string, string> = forGuest ? {} : { cardNumber: card as string };
    const where = branch ? { branch } : {};
    const times = { startsAt: instant(form.startsAt), endsAt: instant(form.endsAt) };
    const text = (value: string) => (value.trim() === '' ? null : value.trim());
    let request: Promise<ServiceReceipt & { endedSessionIds?: string[] }>;
    switch (kind) {
      case 'computer-session':
        request = api('POST', '/computer-sessions', {
          ...who,
          ...(forGuest ? { guestPass: form.guestPass.trim(), ...(desk.library ? { libraryId: desk.library.id } : {}) } : {}),
          branch,
          station: form.station.trim(),
        });
        break;
      case 'program-signup':
        request = api('POST', '/program-signups', { ...who, branch, program: form.program.trim(), ...times });
        break;
      case 'room-booking':
        request = api('POST', '/room-bookings', { ...who, branch, room: form.room.trim(), ...times });
        break;
      case 'ill-request':
        request = api('POST', '/ill-requests', { ...who, ...where, title: form.title.trim(), author: text(form.author), isbn: text(form.isbn) });
        break;
      case 'reference-request':
        request = api('POST', '/reference-requests', {
          ...who,
          ...where,
          ...(forGuest && desk.library ? { libraryId: desk.library.id } : {}),
          ...(form.topic.trim() ? { topic: form.topic.trim() } : {}),
          ...(!forGuest && text(form.question) ? { question: text(form.question) } : {}),
          answered: form.answered,
        });
        break;
    }
    const receipt = await run(() => request);
    if (!receipt) return;
    const { endedSessionIds, ...kept } = receipt;
    setRecorded((list) => [{ receipt: kept, forGuest }, ...list.map((r) => (endedSessionIds?.includes(r.receipt.id) ? { ...r, receipt: { ...r.receipt, status: 'ended' } } : r))]);
    const what = kindName(receipt.kind, receipt.resource);
    const said = forGuest ? t('deskpages.services.recordedForGuest', { what }) : t('deskpages.services.recordedForPatron', { what });
    const ended = endedSessionIds?.length ? ` ${t('deskpages.services.endedFirst', { count: endedSessionIds.length })}` : '';
    setNotice(`${said}${ended}`);
    setForm({ ...form, station: '', guestPass: '', program: '', room: '', title: '', author: '', isbn: '', question: '', topic: '', answered: false });
  };

  const closeRecord = async (entry: Recorded, closing: (typeof CLOSINGS)[string][number]) => {
    setNotice(undefined);
    const path = `/${closing.path.replace('{id}', encodeURIComponent(entry.receipt.id))}`;
    const answer = await close.run(() => api<ServiceReceipt>('POST', path, closing.body));
    if (!answer) return;
    setRecorded((list) => list.map((r) => (r.receipt.id === answer.id ? { ...r, receipt: answer } : r)));
    setNotice(t('deskpages.services.closed', { what: kindName(answer.kind, answer.resource), status: answer.status }));
    // The row's buttons are gone: focus goes to the list's heading, not back to the top of the page.
    setTimeout(() => listHeading.current?.focus(), 0);
  };

  return (
    <>
      <p>{t('deskpages.services.intro')}</p>
      {hasCard ? (
        <p>{tRich('deskpages.services.forPatron', { name: desk.account?.patron.name ?? '', ending: (card as string).slice(-4), b: (chunks) => <strong>{chunks}</strong> })}</p>
      ) : (
        <div className="opened-for">
          <p>
            {tRich('deskpages.services.noCard', { b: (chunks) => <strong>{chunks}</strong>, link: (chunks) => <Link to="/desk">{chunks}</Link> })}
          </p>
        </div>
      )}
      <form className="card inline-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-form`} noValidate>
        <h2 id={`${id}-form`}>{t('deskpages.services.form')}</h2>
        <div className="grid-2">
          <Select
            label={t('deskpages.services.service')}
            name="kind"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as Kind);
              clear();
              setNotice(undefined);
            }}
            options={KINDS.map((k) => ({ value: k.value, label: t(k.label) }))}
          />
          {branches.length > 0 && (
            <Select
              label={optionalBranch ? t('deskpages.services.branchOptional') : t('deskpages.services.branch')}
              name="branch"
              value={branch}
              onChange={set('branch')}
              options={branches.map((b) => ({ value: b.id, label: b.name }))}
              error={about('branch')}
            />
          )}
        </div>
        {hasCard && guestAllowed && (
          <Checkbox
            label={kind === 'computer-session' ? t('deskpages.services.forGuest') : t('deskpages.services.anonymousQuestion')}
            checked={guest}
            onChange={setGuest}
          />
        )}
        {!canRecord ? (
          <p className="hint">{t(KIND_WORDS[kind].cardOnly)}</p>
        ) : (
          <>
            {kind === 'computer-session' && (
              <div className="grid-2">
                <Field label={t('deskpages.services.station')} name="station" required autoComplete="off" hint={t('deskpages.services.station.hint')} value={form.station} onChange={set('station')} error={about('station')} />
                {forGuest && (
                  <Field
                    label={t('deskpages.services.guestPass')}
                    name="guestPass"
                    required
                    autoComplete="off"
                    hint={t('deskpages.services.guestPass.hint')}
                    value={form.guestPass}
                    onChange={set('guestPass')}
                    error={about('guestPass')}
                  />
                )}
              </div>
            )}
            {(kind === 'program-signup' || kind === 'room-booking') && (
              <>
                {kind === 'program-signup' ? (
                  <Field label={t('deskpages.services.program')} name="program" required autoComplete="off" hint={t('deskpages.services.program.hint')} value={form.program} onChange={set('program')} error={about('program')} />
                ) : (
                  <Field label={t('deskpages.services.room')} name="room" required autoComplete="off" hint={t('deskpages.services.room.hint')} value={form.room} onChange={set('room')} error={about('room')} />
                )}
                <div className="grid-2">
                  <Field label={t('deskpages.services.starts')} name="startsAt" type="datetime-local" required value={form.startsAt} onChange={set('startsAt')} error={about('startsAt')} />
                  <Field label={t('deskpages.services.ends')} name="endsAt" type="datetime-local" required value={form.endsAt} onChange={set('endsAt')} error={about('endsAt')} />
                </div>
              </>
            )}
            {kind === 'ill-request' && (
              <>
                <Field label={t('deskpages.services.titleWanted')} name="title" required autoComplete="off" maxLength={500} value={form.title} onChange={set('title')} error={about('title')} />
                <div className="grid-2">
                  <Field label={t('deskpages.services.author')} name="author" autoComplete="off" maxLength={300} value={form.author} onChange={set('author')} error={about('author')} />
                  <Field label={t('deskpages.services.isbn')} name="isbn" autoComplete="off" maxLength={20} value={form.isbn} onChange={set('isbn')} error={about('isbn')} />
                </div>
                <p className="hint">{t('deskpages.services.illSealed')}</p>
              </>
            )}
            {kind === 'reference-request' && (
              <>
                <Field
                  label={t('deskpages.services.topic')}
                  name="topic"
                  autoComplete="off"
                  hint={t('deskpages.services.topic.hint')}
                  value={form.topic}
                  onChange={set('topic')}
                  error={about('topic')}
                />
                {forGuest ? (
                  <p className="hint">{t('deskpages.services.anonymousHint')}</p>
                ) : (
                  <div className="field">
                    <label htmlFor={`${id}-question`}>{t('deskpages.services.question')}</label>
                    <p className="hint" id={`${id}-question-hint`}>
                      {t('deskpages.services.question.hint')}
                    </p>
                    <textarea
                      id={`${id}-question`}
                      name="question"
                      rows={3}
                      maxLength={2000}
                      aria-describedby={`${id}-question-hint`}
                      value={form.question}
                      onChange={set('question')}
                      aria-invalid={about('question') ? true : undefined}
                    />
                    {about('question') && <p className="field-error">{about('question')}</p>}
                  </div>
                )}
                <Checkbox label={t('deskpages.services.answered')} checked={form.answered} onChange={(answered) => setForm({ ...form, answered })} />
              </>
            )}
            <ErrorMessage error={error} />
            <button type="submit" disabled={busy}>
              {t(KIND_WORDS[kind].record)}
            </button>
          </>
        )}
      </form>
      <Notice>{notice}</Notice>
      <h2 ref={listHeading} tabIndex={-1}>
        {t('deskpages.services.list', { count: recorded.length })}
      </h2>
      <ErrorMessage error={close.error} />
      {recorded.length === 0 ? (
        <p className="hint">{t('deskpages.services.none')}</p>
      ) : (
        <Table
          columns={[
            t('deskpages.services.col.service'),
            t('deskpages.services.col.for'),
            t('deskpages.services.col.code'),
            t('deskpages.services.branch'),
            t('deskpages.services.col.from'),
            t('deskpages.services.col.until'),
            t('deskpages.services.col.status'),
            t('deskpages.services.col.action'),
          ]}
        >
          {recorded.map(({ receipt, forGuest: guestRecord }) => {
            const closings = (CLOSINGS[receipt.kind] ?? []).filter((c) => c.status === receipt.status);
            const what = kindName(receipt.kind, receipt.resource);
            return (
              <tr key={receipt.id}>
                <td>{kindName(receipt.kind)}</td>
                <td>{guestRecord ? t('deskpages.services.guest') : t('deskpages.services.patron')}</td>
                <td className="barcode">{receipt.resource ?? '—'}</td>
                <td>{receipt.branchId ? desk.branchName(receipt.branchId) : '—'}</td>
                <td>{moment(receipt.startsAt)}</td>
                <td>{receipt.endsAt ? moment(receipt.endsAt) : '—'}</td>
                <td>{statusName(receipt.status)}</td>
                <td>
                  {closings.length === 0 ? (
                    '—'
                  ) : (
                    <div className="actions">
                      {closings.map((c) => (
                        <button
                          key={c.label}
                          type="button"
                          className="secondary"
                          disabled={close.busy}
                          onClick={() => void closeRecord({ receipt, forGuest: guestRecord }, c)}
                          aria-label={t('deskpages.services.closeLabel', { action: t(c.label), what })}
                        >
                          {t(c.label)}
                        </button>
                      ))}
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </Table>
      )}
    </>
  );
}
