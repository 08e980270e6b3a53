import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api';
import { useSession } from '../session';
import { ErrorMessage, Field, Notice, Page, Select, useAction, useLoad } from '../ui/components';
import { loadPolicy } from '../public/policyApi';
import { CATEGORIES, CheckboxGroup, dayBound, INSTRUMENTS, instrumentName, problemAbout, REQUEST_STATUS, TextArea, cardNumbers, plural, useFocusTarget, useLibrary, when } from './common';
import type { LegalRequest, RequestReceipt } from './types';

const OPEN = ['received', 'referred', 'approved'];
const NO_CATEGORY = 'Tick at least one kind of record the instrument asks for.';

/** The legal-request register (the director): every request, newest first, with its state. */
export function LegalRequestsPage() {
  const library = useLibrary();
  const session = useSession();
  const [show, setShow] = useState<'all' | 'open' | 'closed'>('all');
  const register = useLoad(() => api<LegalRequest[]>('GET', `/libraries/${encodeURIComponent(library.id)}/legal-requests`), [library.id]);
  const requests = [...(register.data ?? [])]
    .sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : -1))
    .filter((r) => show === 'all' || (show === 'open') === OPEN.includes(r.status));

  return (
    <Page
      title="Legal requests"
      actions={
        session.can('disclosure.receive') ? (
          <Link className="button" to="/office/legal-requests/new">
            Record a new request
          </Link>
        ) : undefined
      }
    >
      <p>
        Every request for patron records the library is handed: what was presented, by whom, and what became of it. Patrons appear by id only. A request under a gag order is listed for
        the director only until the gag ends.
      </p>
      <div className="narrow">
        <Select
          label="Show"
          value={show}
          onChange={(e) => setShow(e.target.value as typeof show)}
          options={[
            { value: 'all', label: 'All requests' },
            { value: 'open', label: 'Open requests (received, referred, approved)' },
            { value: 'closed', label: 'Closed requests (released, refused, withdrawn)' },
          ]}
        />
      </div>
      <ErrorMessage error={register.error} />
      {register.loading && !register.data && <p className="loading">Loading the register…</p>}
      {register.data && requests.length === 0 && <p>The register holds no {show === 'all' ? '' : `${show} `}request.</p>}
      {requests.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption>The register ({plural(requests.length, 'request')})</caption>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Instrument</th>
                <th scope="col">Agency</th>
                <th scope="col">Case</th>
                <th scope="col" className="num">
                  Patrons
                </th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="office-sr">Open</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {requests.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{when(r.receivedAt)}</th>
                  <td>{instrumentName(r.instrument)}</td>
                  <td>{r.agency}</td>
                  <td>{r.caseNumber ?? '—'}</td>
                  <td className="num">{r.patronIds.length}</td>
                  <td>
                    <span className={`badge status-${r.status}`}>{REQUEST_STATUS[r.status] ?? r.status}</span>
                    {r.gagged && <span className="badge warn">Gag order until {when(r.gagUntil)}</span>}
                  </td>
                  <td>
                    <Link to={`/office/legal-requests/${r.id}`} aria-label={`Open the ${instrumentName(r.instrument).toLowerCase()} from ${r.agency} received ${when(r.receivedAt)}`}>
                      Open
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}

/**
 * Recording a request handed to the library: who presented what, for which patrons, records and period.
 * The director goes on to the request's page; a desk that does not read the register (a clerk) is shown
 * its receipt, and refers the request to the director from there.
 */
export function NewLegalRequestPage() {
  const [recorded, setRecorded] = useState<RequestReceipt | undefined>(undefined);
  // A new form each time: nothing of the last request stays in its fields.
  const [form, setForm] = useState(0);
  if (recorded) return <RecordedPage receipt={recorded} onAnother={() => { setRecorded(undefined); setForm((n) => n + 1); }} />;
  return <RecordForm key={form} onRecorded={setRecorded} />;
}

function RecordForm({ onRecorded }: { onRecorded: (receipt: RequestReceipt) => void }) {
  const library = useLibrary();
  const session = useSession();
  const navigate = useNavigate();
  const policy = useLoad(() => loadPolicy(library.id), [library.id]);
  const [instrument, setInstrument] = useState('');
  const [agency, setAgency] = useState('');
  const [officerName, setOfficerName] = useState('');
  const [officerId, setOfficerId] = useState('');
  const [caseNumber, setCaseNumber] = useState('');
  const [cards, setCards] = useState('');
  const [categories, setCategories] = useState<string[]>([]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [gagUntil, setGagUntil] = useState('');
  const [noCategory, setNoCategory] = useState(false);
  const { run, busy, error } = useAction();

  const rule = policy.data?.disclosure.instruments.find((i) => i.instrument === instrument);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (categories.length === 0) {
      setNoCategory(true);
      return;
    }
    setNoCategory(false);
    const receipt = await run(() =>
      api<RequestReceipt>('POST', '/legal-requests', {
        libraryId: library.id,
        instrument,
        agency,
        officerName,
        officerId,
        caseNumber: caseNumber.trim() || null,
        patrons: cardNumbers(cards).map((cardNumber) => ({ cardNumber })),
        categories,
        // Days are the library's: from the first moment of the first day to the last moment of the last.
        from: from ? dayBound(from, library.timeZone, 'start') : null,
        to: to ? dayBound(to, library.timeZone, 'end') : null,
        gagUntil: gagUntil ? dayBound(gagUntil, library.timeZone, 'end') : null,
      }),
    );
    if (!receipt) return;
    // The card numbers leave the page once the request is recorded.
    setCards('');
    if (session.can('disclosure.read')) navigate(`/office/legal-requests/${receipt.id}`, { state: { notice: recordedNotice(receipt) } });
    else onRecorded(receipt);
  };
  const back = session.can('disclosure.read') ? { to: '/office/legal-requests', label: 'Back to the register' } : { to: '/office', label: 'Back to the office' };

  return (
    <Page title="Record a legal request">
      <p>
        Record the request exactly as it was presented. Carrel keeps the records it names from now until it is decided, and the director decides under the library’s policy.{' '}
        <Link to={back.to}>{back.label}</Link>
      </p>
      <form onSubmit={(e) => void submit(e)} className="office-form">
        <Select
          label="Instrument presented"
          name="instrument"
          required
          value={instrument}
          onChange={(e) => setInstrument(e.target.value)}
          error={problemAbout(error, 'instrument')}
          options={[{ value: '', label: 'Choose the instrument…' }, ...INSTRUMENTS]}
        />
        {rule && (
          <p className={`office-rule${rule.permitted ? '' : ' refused'}`} aria-live="polite">
            <strong>The library’s policy:</strong> {rule.statement.text} ({rule.statement.clauses.join(', ')})
          </p>
        )}
        <div className="office-warning" role="note" aria-label="No patron data in these fields">
          <p>
            <strong>No patron data in the fields below.</strong> Agency, officer and case number describe the request, and show in the register and the reports. Never write a patron’s
            name, card number or any detail about them here: name patrons only by card number further down.
          </p>
        </div>
        <div className="grid-2">
          <Field label="Agency" name="agency" required maxLength={200} autoComplete="off" value={agency} onChange={(e) => setAgency(e.target.value)} error={problemAbout(error, 'agency')} />
          <Field
            label="Case or docket number (optional)"
            name="caseNumber"
            maxLength={200}
            autoComplete="off"
            value={caseNumber}
            onChange={(e) => setCaseNumber(e.target.value)}
            error={problemAbout(error, 'caseNumber')}
          />
          <Field
            label="Officer’s name"
            name="officerName"
            required
            maxLength={200}
            autoComplete="off"
            value={officerName}
            onChange={(e) => setOfficerName(e.target.value)}
            error={problemAbout(error, 'officerName')}
          />
          <Field
            label="Officer’s badge or id"
            name="officerId"
            required
            maxLength={200}
            autoComplete="off"
            value={officerId}
            onChange={(e) => setOfficerId(e.target.value)}
            error={problemAbout(error, 'officerId')}
          />
        </div>
        <TextArea
          label="Card numbers of the patrons named"
          hint="One card number per line, as the instrument names them. Card numbers only, no names. Leave empty only for a public-records request."
          name="patrons"
          autoComplete="off"
          spellCheck={false}
          value={cards}
          onChange={(e) => setCards(e.target.value)}
          error={problemAbout(error, 'patrons') ?? problemAbout(error, 'cardNumber')}
        />
        <CheckboxGroup
          legend="Records asked for"
          hint="Tick only what the instrument names. What may be released is decided later under the library’s policy."
          options={CATEGORIES}
          value={categories}
          onChange={setCategories}
          error={noCategory && categories.length === 0 ? NO_CATEGORY : problemAbout(error, 'categories')}
        />
        <fieldset className="office-fieldset">
          <legend>Period the instrument names (optional)</legend>
          <p className="hint">Leave a date empty where the instrument sets no limit.</p>
          <div className="grid-2">
            <Field label="From" type="date" name="from" value={from} onChange={(e) => setFrom(e.target.value)} error={problemAbout(error, 'from')} />
            <Field label="To (included)" type="date" name="to" value={to} onChange={(e) => setTo(e.target.value)} error={problemAbout(error, 'to')} />
          </div>
        </fieldset>
        <Field
          label="Gag order (non-disclosure) through (optional)"
          hint="Only if the instrument forbids telling the patron. Through the end of this day the patrons are not told, and only the director sees the request."
          type="date"
          name="gagUntil"
          value={gagUntil}
          onChange={(e) => setGagUntil(e.target.value)}
          error={problemAbout(error, 'gagUntil')}
        />
        <ErrorMessage error={noCategory && categories.length === 0 ? new Error(NO_CATEGORY) : error} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            Record the request
          </button>
          <Link className="button secondary" to={back.to}>
            Cancel
          </Link>
        </div>
      </form>
    </Page>
  );
}

function recordedNotice(receipt: RequestReceipt): string {
  return `The ${instrumentName(receipt.instrument).toLowerCase()} is in the register (received ${when(receipt.receivedAt)}). The records it names are kept under a legal hold until it is decided.`;
}

/**
 * What a desk that does not read the register sees once it recorded a request: its receipt (that it is in
 * the register, nothing of its scope) and the referral to the director, which the desk makes even for a
 * request under a gag order it cannot read (POST /legal-requests/:id/referral).
 */
function RecordedPage({ receipt: first, onAnother }: { receipt: RequestReceipt; onAnother: () => void }) {
  const [receipt, setReceipt] = useState(first);
  const [notice, setNotice] = useState(recordedNotice(first));
  const { run, busy, error } = useAction();
  const heading = useFocusTarget<HTMLHeadingElement>();
  const focusHeading = heading.focus;
  // The form went: focus starts on the receipt.
  useEffect(() => focusHeading(), [focusHeading]);
  const refer = async () => {
    const answer = await run(() => api<RequestReceipt>('POST', `/legal-requests/${encodeURIComponent(receipt.id)}/referral`));
    if (!answer) return;
    setReceipt(answer);
    setNotice('The request is referred to the director, who decides on it under the library’s policy.');
    heading.focus();
  };
  return (
    <Page title="Legal request recorded">
      <Notice>{notice}</Notice>
      <section aria-labelledby="receipt-title">
        <h2 id="receipt-title" ref={heading.ref} tabIndex={-1}>
          Receipt
        </h2>
        <dl className="facts">
          <dt>Instrument</dt>
          <dd>{instrumentName(receipt.instrument)}</dd>
          <dt>Received</dt>
          <dd>{when(receipt.receivedAt)}</dd>
          <dt>State</dt>
          <dd>
            <span className={`badge status-${receipt.status}`}>{REQUEST_STATUS[receipt.status] ?? receipt.status}</span>
          </dd>
          <dt>Reference</dt>
          <dd className="office-hash">{receipt.id}</dd>
        </dl>
        <p className="hint">Only the director reads the request and decides on it. Hand the paperwork to the director with this reference.</p>
        {receipt.status === 'received' && (
          <div className="office-step">
            <p>Every request goes to the director before a decision: refer it now.</p>
            <button type="button" onClick={() => void refer()} disabled={busy}>
              Refer to the director
            </button>
            <ErrorMessage error={error} />
          </div>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={onAnother}>
            Record another request
          </button>
          <Link to="/office">Back to the office</Link>
        </div>
      </section>
    </Page>
  );
}
