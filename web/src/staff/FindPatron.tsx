import { useId, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api';
import { useT, wordFor, type MessageId } from '../i18n';
import { useSession } from '../session';
import { aboutField, day, ErrorMessage, Field, Page, useAction } from '../ui/components';
import { useDesk } from './desk-context';
import { DeskNav, NotForRole } from './DeskNav';
import type { Account, Identification, SearchHit } from './types';
import { statusLabel, type LookupPurpose } from './words';

/** Each look-up purpose in words, as the prompt offers it. */
const PURPOSE_WORDS: Record<LookupPurpose, MessageId> = {
  'account-service': 'deskhome.find.purpose.accountService',
  'materials-recovery': 'deskhome.find.purpose.materialsRecovery',
  'fines-collection': 'deskhome.find.purpose.finesCollection',
  'violation-review': 'deskhome.find.purpose.violationReview',
  'legal-disclosure': 'deskhome.find.purpose.legalDisclosure',
};

function purposeLabel(purpose: string): string {
  return wordFor(PURPOSE_WORDS, purpose);
}

/**
 * `/desk/find`: a patron without their card. Everyone at the desk may identify a patron by photo ID and
 * the date of birth they state (IF-5). Librarians and up may also search by email, phone or a word of the
 * name, outside a circulation transaction, and so name the purpose first (CB-A3, RF-10): the search does
 * not run without one.
 */
export function FindPatron() {
  const t = useT();
  const session = useSession();
  const canIdentify = session.can('patron.identify');
  const canSearch = session.can('patron.search');
  return (
    <Page title={t('deskhome.find.title')}>
      <DeskNav />
      {!canIdentify && !canSearch && <NotForRole what={t('deskhome.find.notForRole')} />}
      <p className="hint">{t('deskhome.find.intro')}</p>
      <div className="grid-2 find">
        {canSearch && <Search />}
        {canIdentify && <Identify />}
      </div>
    </Page>
  );
}

function Search() {
  const t = useT();
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
      setPurposeProblem(t('deskhome.find.purposeRequired'));
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
      <h2 id={`${id}-heading`}>{t('deskhome.find.search.heading')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor={`${id}-purpose`}>{t('deskhome.find.purpose.label')}</label>
          <p className="hint" id={`${id}-purpose-hint`}>
            {t('deskhome.find.purpose.hint')}
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
            <option value="">{t('deskhome.find.purpose.choose')}</option>
            {purposes.map((p) => (
              <option key={p} value={p}>
                {purposeLabel(p)}
              </option>
            ))}
          </select>
          {purposeProblem && (
            <p className="field-error" id={`${id}-purpose-error`} role="alert">
              {purposeProblem}
            </p>
          )}
        </div>
        <p className="hint">{t('deskhome.find.search.hint')}</p>
        <Field label={t('deskhome.find.search.name')} name="name" autoComplete="off" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={aboutField(search.error, 'name')} />
        <Field label={t('deskhome.find.search.email')} name="email" type="email" autoComplete="off" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} error={aboutField(search.error, 'email')} />
        <Field label={t('deskhome.find.search.phone')} name="phone" type="tel" autoComplete="off" value={form.phone} onChange={(e) => setForm({ ...form, phone: e.target.value })} error={aboutField(search.error, 'phone')} />
        <ErrorMessage error={search.error} />
        <button type="submit" disabled={search.busy}>
          {t('deskhome.find.search.submit')}
        </button>
      </form>
      {hits && (
        <>
          <h3>
            {t('deskhome.find.found', { count: hits.list.length })}
          </h3>
          {hits.list.length > 0 && (
            <p className="hint">
              {t('deskhome.find.forPurposeOnly')}
            </p>
          )}
          {hits.list.length > 0 && (
            <div className="table-scroll" tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('deskhome.find.col.name')}</th>
                    <th scope="col">{t('deskhome.find.col.birthDate')}</th>
                    <th scope="col">{t('deskhome.find.col.status')}</th>
                    <th scope="col">{t('deskhome.find.col.open')}</th>
                  </tr>
                </thead>
                <tbody>
                  {hits.list.map((hit) => (
                    <tr key={hit.id}>
                      <td>{hit.name}</td>
                      <td>{day(hit.birthDate)}</td>
                      <td>{statusLabel(hit.status)}</td>
                      <td>
                        <button type="button" className="secondary" disabled={opening.busy} onClick={() => void openPatron(hit, hits.purpose)} aria-label={t('deskhome.find.openNamed', { name: hit.name })}>
                          {t('deskhome.find.open')}
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
  const t = useT();
  const desk = useDesk();
  const navigate = useNavigate();
  const id = useId();
  const [name, setName] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [photoIdChecked, setPhotoIdChecked] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const { run, busy, error, clear } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!photoIdChecked) {
      setProblem(t('deskhome.find.identify.photoIdFirst'));
      clear();
      return;
    }
    setProblem(undefined);
    // The name on the ID and the date of birth, never a record number (IF-5); in the desk's library.
    const body = { name: name.trim(), photoIdChecked: true, birthDate, ...(desk.library ? { libraryId: desk.library.id } : {}) };
    // The answer names the patron and gives a handle that stands in for their card (never the card
    // number): the account opens with it as when a card is scanned, and the desk lends with it.
    const account = await run(async () => {
      const identified = await api<Identification>('POST', '/patrons/identify', body);
      return api<Account>('POST', '/patrons/lookup', { cardNumber: identified.handle });
    });
    if (account) {
      desk.open(account, { kind: 'card' });
      navigate('/desk');
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('deskhome.find.identify.heading')}</h2>
      <p>{t('deskhome.find.identify.intro')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field
          label={t('deskhome.find.identify.name')}
          name="name"
          autoComplete="off"
          spellCheck={false}
          hint={t('deskhome.find.identify.nameHint')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={aboutField(error, 'name')}
        />
        <Field label={t('deskhome.find.identify.birthDate')} name="birthDate" type="date" value={birthDate} onChange={(e) => setBirthDate(e.target.value)} error={aboutField(error, 'birthDate')} />
        <div className="check">
          <input id={`${id}-photo`} type="checkbox" checked={photoIdChecked} onChange={(e) => setPhotoIdChecked(e.target.checked)} aria-describedby={problem ? `${id}-photo-error` : undefined} />
          <label htmlFor={`${id}-photo`}>{t('deskhome.find.identify.photoIdChecked')}</label>
        </div>
        {problem && (
          <p className="field-error" id={`${id}-photo-error`} role="alert">
            {problem}
          </p>
        )}
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('deskhome.find.identify.submit')}
        </button>
      </form>
    </section>
  );
}
