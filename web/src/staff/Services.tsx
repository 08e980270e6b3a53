import { useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api';
import { useSession } from '../session';
import { aboutField, Checkbox, day, ErrorMessage, Field, Notice, Page, Select, Table, useAction } from '../ui/components';
import { useDesk } from './desk-context';
import { DeskNav, NotForRole } from './DeskNav';
import { cardEnding } from './words';

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

const KINDS: { value: Kind; label: string }[] = [
  { value: 'computer-session', label: 'Public computer session' },
  { value: 'program-signup', label: 'Program sign-up' },
  { value: 'room-booking', label: 'Room booking' },
  { value: 'ill-request', label: 'Interlibrary-loan request' },
  { value: 'reference-request', label: 'Reference request' },
];

/** Which services Carrel records without a patron's card. */
const GUEST_ALLOWED: ReadonlySet<Kind> = new Set(['computer-session', 'reference-request']);

const KIND_WORDS: Record<string, string> = {
  'computer-session': 'Computer session',
  'program-signup': 'Program sign-up',
  'room-booking': 'Room booking',
  'ill-request': 'Interlibrary loan',
  'reference-request': 'Reference request',
};

const STATUS_WORDS: Record<string, string> = {
  active: 'In use',
  ended: 'Ended',
  booked: 'Booked',
  cancelled: 'Cancelled',
  open: 'Open',
  fulfilled: 'Fulfilled',
  answered: 'Answered',
};

/** The ways a record can be closed from the list: the path's end, its body, and the button's words. */
const CLOSINGS: Record<string, { status: string; path: string; body?: Record<string, string>; label: string }[]> = {
  'computer-session': [{ status: 'active', path: 'computer-sessions/{id}/end', label: 'End session' }],
  'program-signup': [{ status: 'booked', path: 'program-signups/{id}/cancel', label: 'Cancel sign-up' }],
  'room-booking': [{ status: 'booked', path: 'room-bookings/{id}/cancel', label: 'Cancel booking' }],
  'ill-request': [
    { status: 'open', path: 'ill-requests/{id}/close', body: { outcome: 'fulfilled' }, label: 'Close as fulfilled' },
    { status: 'open', path: 'ill-requests/{id}/close', body: { outcome: 'cancelled' }, label: 'Close as cancelled' },
  ],
  'reference-request': [
    { status: 'open', path: 'reference-requests/{id}/close', body: { outcome: 'answered' }, label: 'Close as answered' },
    { status: 'open', path: 'reference-requests/{id}/close', body: { outcome: 'cancelled' }, label: 'Close as cancelled' },
  ],
};

/** A recorded service in this visit's list: the receipt, and whether it was for a patron or a guest. */
interface Recorded {
  receipt: ServiceReceipt;
  forGuest: boolean;
}

export function Services() {
  const session = useSession();
  return (
    <Page title="Services">
      <DeskNav />
      {session.can('services.record') ? <ServicesDesk /> : <NotForRole what="Recording services" />}
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
    const ended = endedSessionIds?.length ? ` ${endedSessionIds.length === 1 ? 'The session' : `${endedSessionIds.length} sessions`} still open on that station ended first.` : '';
    setNotice(`Recorded: ${KIND_WORDS[receipt.kind] ?? receipt.kind}${receipt.resource ? ` ${receipt.resource}` : ''}, ${forGuest ? 'for a guest' : 'for the patron at the desk'}.${ended}`);
    setForm({ ...form, station: '', guestPass: '', program: '', room: '', title: '', author: '', isbn: '', question: '', topic: '', answered: false });
  };

  const closeRecord = async (entry: Recorded, closing: (typeof CLOSINGS)[string][number]) => {
    setNotice(undefined);
    const path = `/${closing.path.replace('{id}', encodeURIComponent(entry.receipt.id))}`;
    const answer = await close.run(() => api<ServiceReceipt>('POST', path, closing.body));
    if (!answer) return;
    setRecorded((list) => list.map((r) => (r.receipt.id === answer.id ? { ...r, receipt: answer } : r)));
    setNotice(`${KIND_WORDS[answer.kind] ?? answer.kind}${answer.resource ? ` ${answer.resource}` : ''}: ${(STATUS_WORDS[answer.status] ?? answer.status).toLowerCase()}.`);
    // The row's buttons are gone: focus goes to the list's heading, not back to the top of the page.
    setTimeout(() => listHeading.current?.focus(), 0);
  };

  return (
    <>
      <p>
        Record a service the library gives outside lending. Carrel keeps each record only as long as the library’s policy says, counted from when it ends, and
        answers the desk with no name and no free text.
      </p>
      {hasCard ? (
        <p>
          For the patron at the desk: <strong>{desk.account?.patron.name}</strong> (card {cardEnding(card as string)}).
        </p>
      ) : (
        <div className="opened-for">
          <p>
            <strong>No card has been scanned.</strong> Only a guest’s computer session and an anonymous reference question can be recorded without one.{' '}
            <Link to="/desk">Scan the patron’s card at the desk</Link> to record a service for them.
          </p>
        </div>
      )}
      <form className="card inline-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-form`} noValidate>
        <h2 id={`${id}-form`}>Record a service</h2>
        <div className="grid-2">
          <Select
            label="Service"
            name="kind"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as Kind);
              clear();
              setNotice(undefined);
            }}
            options={KINDS}
          />
          {branches.length > 0 && (
            <Select
              label={optionalBranch ? 'Branch (optional)' : 'Branch'}
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
            label={kind === 'computer-session' ? 'For a guest with a guest pass, not the patron at the desk' : 'An anonymous question, not the patron at the desk'}
            checked={guest}
            onChange={setGuest}
          />
        )}
        {!canRecord ? (
          <p className="hint">A {KIND_WORDS[kind]?.toLowerCase()} is recorded only for a patron whose card was scanned at the desk.</p>
        ) : (
          <>
            {kind === 'computer-session' && (
              <div className="grid-2">
                <Field label="Station code" name="station" required autoComplete="off" hint="As labelled on the computer, such as PC-07." value={form.station} onChange={set('station')} error={about('station')} />
                {forGuest && (
                  <Field
                    label="Guest pass code"
                    name="guestPass"
                    required
                    autoComplete="off"
                    hint="The code printed on the guest pass: not the guest’s name."
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
                  <Field label="Program code" name="program" required autoComplete="off" hint="Such as storytime-tue." value={form.program} onChange={set('program')} error={about('program')} />
                ) : (
                  <Field label="Room code" name="room" required autoComplete="off" hint="Such as study-2." value={form.room} onChange={set('room')} error={about('room')} />
                )}
                <div className="grid-2">
                  <Field label="Starts" name="startsAt" type="datetime-local" required value={form.startsAt} onChange={set('startsAt')} error={about('startsAt')} />
                  <Field label="Ends" name="endsAt" type="datetime-local" required value={form.endsAt} onChange={set('endsAt')} error={about('endsAt')} />
                </div>
              </>
            )}
            {kind === 'ill-request' && (
              <>
                <Field label="Title wanted" name="title" required autoComplete="off" maxLength={500} value={form.title} onChange={set('title')} error={about('title')} />
                <div className="grid-2">
                  <Field label="Author (optional)" name="author" autoComplete="off" maxLength={300} value={form.author} onChange={set('author')} error={about('author')} />
                  <Field label="ISBN (optional)" name="isbn" autoComplete="off" maxLength={20} value={form.isbn} onChange={set('isbn')} error={about('isbn')} />
                </div>
                <p className="hint">What is wanted is sealed with the patron’s record, like their loans; the desk’s list does not repeat it.</p>
              </>
            )}
            {kind === 'reference-request' && (
              <>
                <Field
                  label="Topic code (optional)"
                  name="topic"
                  autoComplete="off"
                  hint="Such as local-history or tax-forms."
                  value={form.topic}
                  onChange={set('topic')}
                  error={about('topic')}
                />
                {forGuest ? (
                  <p className="hint">An anonymous question is recorded by its topic code only: Carrel keeps no free text without a patron.</p>
                ) : (
                  <div className="field">
                    <label htmlFor={`${id}-question`}>Question (optional)</label>
                    <p className="hint" id={`${id}-question-hint`}>
                      Sealed with the patron’s record.
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
                <Checkbox label="Answered on the spot (recorded already closed)" checked={form.answered} onChange={(answered) => setForm({ ...form, answered })} />
              </>
            )}
            <ErrorMessage error={error} />
            <button type="submit" disabled={busy}>
              Record {KIND_WORDS[kind]?.toLowerCase()}
            </button>
          </>
        )}
      </form>
      <Notice>{notice}</Notice>
      <h2 ref={listHeading} tabIndex={-1}>
        Recorded in this visit ({recorded.length})
      </h2>
      <ErrorMessage error={close.error} />
      {recorded.length === 0 ? (
        <p className="hint">Nothing recorded yet. This list is kept on this page only, and goes when you leave it.</p>
      ) : (
        <Table columns={['Service', 'For', 'Code', 'Branch', 'From', 'Until', 'Status', 'Action']}>
          {recorded.map(({ receipt, forGuest: guestRecord }) => {
            const closings = (CLOSINGS[receipt.kind] ?? []).filter((c) => c.status === receipt.status);
            const what = `${KIND_WORDS[receipt.kind] ?? receipt.kind}${receipt.resource ? ` ${receipt.resource}` : ''}`;
            return (
              <tr key={receipt.id}>
                <td>{KIND_WORDS[receipt.kind] ?? receipt.kind}</td>
                <td>{guestRecord ? 'Guest' : 'Patron'}</td>
                <td className="barcode">{receipt.resource ?? '—'}</td>
                <td>{receipt.branchId ? desk.branchName(receipt.branchId) : '—'}</td>
                <td>{when(receipt.startsAt)}</td>
                <td>{receipt.endsAt ? when(receipt.endsAt) : '—'}</td>
                <td>{STATUS_WORDS[receipt.status] ?? receipt.status}</td>
                <td>
                  {closings.length === 0 ? (
                    '—'
                  ) : (
                    <div className="actions">
                      {closings.map((c) => (
                        <button key={c.label} type="button" className="secondary" disabled={close.busy} onClick={() => void closeRecord({ receipt, forGuest: guestRecord }, c)} aria-label={`${c.label}: ${what}`}>
                          {c.label}
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

/** An instant as a short local date and time. */
function when(value: string): string {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return day(value);
  return at.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}
