import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api';
import { useSession } from '../session';
import { ErrorMessage, Field, Page, Select, useAction, useLoad } from '../ui/components';
import { loadPolicy } from '../public/policyApi';
import { CATEGORIES, CheckboxGroup, dayBound, INSTRUMENTS, instrumentName, problemAbout, REQUEST_STATUS, TextArea, cardNumbers, plural, useLibrary, when } from './common';
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
                  <td>{when(r.receivedAt)}</td>
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

/** Recording a request handed to the library: who presented what, for which patrons, records and period. */
export function NewLegalRequestPage() {
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
    const notice = `The ${instrumentName(receipt.instrument).toLowerCase()} is in the register (received ${when(receipt.receivedAt)}). The records it names are kept under a legal hold until it is decided.`;
    if (session.can('disclosure.read')) navigate(`/office/legal-requests/${receipt.id}`, { state: { notice } });
    else navigate('/office', { state: { notice } });
  };

  return (
    <Page title="Record a legal request">
      <p>
        Record the request exactly as it was presented. Carrel keeps the records it names from now until it is decided, and the director decides under the library’s policy.{' '}
        <Link to="/office/legal-requests">Back to the register</Link>
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
            {rule.note ? ` ${rule.note}` : ''}
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
          <Link className="button secondary" to="/office/legal-requests">
            Cancel
          </Link>
        </div>
      </form>
    </Page>
  );
}
