import { useId, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api';
import { useSession } from '../session';
import { aboutField, ErrorMessage, Field, Page, useAction } from '../ui/components';
import { useDesk } from './desk-context';
import { DeskNav, NotForRole } from './DeskNav';
import type { Account, SearchHit } from './types';
import { PURPOSE_LABELS, statusLabel, type LookupPurpose } from './words';

/**
 * `/desk/find`: a patron without their card. Everyone at the desk may identify a patron by photo ID and
 * the date of birth they state (IF-5). Librarians and up may also search by email, phone or a word of the
 * name, outside a circulation transaction, and so name the purpose first (CB-A3, RF-10): the search does
 * not run without one.
 */
export function FindPatron() {
  const session = useSession();
  const canIdentify = session.can('patron.identify');
  const canSearch = session.can('patron.search');
  return (
    <Page title="Find a patron">
      <DeskNav />
      {!canIdentify && !canSearch && <NotForRole what="Finding a patron" />}
      <p className="hint">The quickest way is the patron’s card: scan it on the desk page. Every look at a record is logged with its purpose.</p>
      <div className="grid-2 find">
        {canSearch && <Search />}
        {canIdentify && <Identify />}
      </div>
    </Page>
  );
}

function Search() {
  const session = useSession();
  const desk = useDesk();
  const navigate = useNavigate();
  const id = useId();
  const purposes = session.purposes;
  const [purpose, setPurpose] = useState<LookupPurpose | ''>('');
  const [purposeProblem, setPurposeProblem] = useState<string | undefined>(undefined);
  const [form, setForm] = useState({ email: '', phone: '', name: '' });
  const [hits, setHits] = useState<{ purpose: LookupPurpose; list: SearchHit[] } | undefined>(undefined);
  const search = useAction();
  const opening = useAction();
  const purposeSelect = useRef<HTMLSelectElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setHits(undefined);
    // No purpose, no search: the prompt is answered before anything is asked of Carrel.
    if (purpose === '') {
      setPurposeProblem('Choose why you are looking this patron up: the search runs only with a purpose.');
      search.clear();
      purposeSelect.current?.focus();
      return;
    }
    setPurposeProblem(undefined);
    const body = {
      purpose,
      ...(form.email.trim() ? { email: form.email.trim() } : {}),
      ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
      ...(form.name.trim() ? { name: form.name.trim() } : {}),
      ...(desk.library ? { libraryId: desk.library.id } : {}),
    };
    const found = await search.run(() => api<SearchHit[]>('POST', '/patrons/search', body));
    if (found) setHits({ purpose, list: found });
  };

  const openPatron = async (hit: SearchHit, named: LookupPurpose) => {
    const account = await opening.run(() => api<Account>('GET', `/patrons/${encodeURIComponent(hit.id)}?purpose=${named}`));
    if (account) {
      desk.open(account, { kind: 'purpose', purpose: named });
      navigate('/desk');
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Search for a patron</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor={`${id}-purpose`}>Purpose of this look-up (required)</label>
          <p className="hint" id={`${id}-purpose-hint`}>
            Carrel records it with every patron the search finds. Only the purposes your role may name are listed.
          </p>
          <select
            id={`${id}-purpose`}
            ref={purposeSelect}
            name="purpose"
            required
            aria-invalid={purposeProblem ? true : undefined}
            aria-describedby={`${id}-purpose-hint${purposeProblem ? ` ${id}-purpose-error` : ''}`}
            value={purpose}
            onChange={(e) => {
              setPurpose(e.target.value as LookupPurpose | '');
              if (e.target.value) setPurposeProblem(undefined);
            }}
          >
            <option value="">Choose a purpose…</option>
            {purposes.map((p) => (
              <option key={p} value={p}>
                {PURPOSE_LABELS[p]}
              </option>
            ))}
          </select>
          {purposeProblem && (
            <p className="field-error" id={`${id}-purpose-error`} role="alert">
              {purposeProblem}
            </p>
          )}
        </div>
        <p className="hint">Fill in at least one. Carrel matches whole values only (an exact email, a phone number, a whole word of the name), never parts.</p>
        <Field label="Surname, or another whole word of the name" name="name" autoComplete="off" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={aboutField(search.error, 'name')} />
        <Field label="Email" name="email" type="email" autoComplete="off" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} error={aboutField(search.error, 'email')} />
        <Field label="Phone" name="phone" type="tel" autoComplete="off" value={form.phone} onChange={(e) => setForm({ ...form, phone: e.target.value })} error={aboutField(search.error, 'phone')} />
        <ErrorMessage error={search.error} />
        <button type="submit" disabled={search.busy}>
          Search
        </button>
      </form>
      {hits && (
        <>
          <h3>
            {hits.list.length === 0 ? 'No patron found' : hits.list.length === 1 ? 'One patron found' : `${hits.list.length} patrons found`}
          </h3>
          {hits.list.length > 0 && (
            <p className="hint">
              A patron opened from a search is seen for this purpose only: to lend or place a hold, scan their card at the desk.
            </p>
          )}
          {hits.list.length > 0 && (
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Date of birth</th>
                    <th scope="col">Status</th>
                    <th scope="col">Open</th>
                  </tr>
                </thead>
                <tbody>
                  {hits.list.map((hit) => (
                    <tr key={hit.id}>
                      <td>{hit.name}</td>
                      <td>{hit.birthDate}</td>
                      <td>{statusLabel(hit.status)}</td>
                      <td>
                        <button type="button" className="secondary" disabled={opening.busy} onClick={() => void openPatron(hit, hits.purpose)} aria-label={`Open ${hit.name} at the desk`}>
                          Open at the desk
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <ErrorMessage error={opening.error} />
        </>
      )}
    </section>
  );
}

function Identify() {
  const desk = useDesk();
  const navigate = useNavigate();
  const id = useId();
  const [patronId, setPatronId] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [photoIdChecked, setPhotoIdChecked] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const { run, busy, error, clear } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!photoIdChecked) {
      setProblem('Check the patron’s photo ID first, then tick the box.');
      clear();
      return;
    }
    setProblem(undefined);
    const account = await run(() => api<Account>('POST', '/patrons/identify', { patronId: patronId.trim(), photoIdChecked: true, birthDate }));
    if (account) {
      desk.open(account, { kind: 'card' });
      navigate('/desk');
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Patron without their card</h2>
      <p>Check a photo ID, then ask for the date of birth: if it matches the record, the patron is served as if they had shown their card.</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field
          label="Patron record number"
          name="patronId"
          autoComplete="off"
          spellCheck={false}
          hint="From the registration receipt, or from a guardian link on a minor’s record."
          value={patronId}
          onChange={(e) => setPatronId(e.target.value)}
          error={aboutField(error, 'patronId')}
        />
        <Field label="Date of birth the patron states" name="birthDate" type="date" value={birthDate} onChange={(e) => setBirthDate(e.target.value)} error={aboutField(error, 'birthDate')} />
        <div className="check">
          <input id={`${id}-photo`} type="checkbox" checked={photoIdChecked} onChange={(e) => setPhotoIdChecked(e.target.checked)} aria-describedby={problem ? `${id}-photo-error` : undefined} />
          <label htmlFor={`${id}-photo`}>I have checked the patron’s photo ID</label>
        </div>
        {problem && (
          <p className="field-error" id={`${id}-photo-error`} role="alert">
            {problem}
          </p>
        )}
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          Identify and open
        </button>
      </form>
    </section>
  );
}
