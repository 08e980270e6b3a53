import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api';
import { t, tRich, useT, type MessageId } from '../i18n';
import { useSession } from '../session';
import { ErrorMessage, Field, Notice, Page, Select, useAction, useLoad } from '../ui/components';
import { loadPolicy } from '../public/policyApi';
import { CATEGORIES, CheckboxGroup, dayBound, INSTRUMENTS, instrumentName, problemAbout, REQUEST_STATUS, TextArea, cardNumbers, useFocusTarget, useLibrary, when } from './common';
import type { LegalRequest, RequestReceipt } from './types';
import { usePaged } from '../ui/Pager';

const OPEN = ['received', 'referred', 'approved'];
const NO_CATEGORY: MessageId = 'office.requests.new.noCategory';

/** The legal-request register (the director): every request, newest first, with its state. */
export function LegalRequestsPage() {
  const t = useT();
  const library = useLibrary();
  const session = useSession();
  const [show, setShow] = useState<'all' | 'open' | 'closed'>('all');
  const register = useLoad(() => api<LegalRequest[]>('GET', `/libraries/${encodeURIComponent(library.id)}/legal-requests`), [library.id]);
  const requests = [...(register.data ?? [])]
    .sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : -1))
    .filter((r) => show === 'all' || (show === 'open') === OPEN.includes(r.status));
  const { shown, pager } = usePaged(requests);

  return (
    <Page
      title={t('office.requests.title')}
      actions={
        session.can('disclosure.receive') ? (
          <Link className="button" to="/office/legal-requests/new">
            {t('office.requests.recordNew')}
          </Link>
        ) : undefined
      }
    >
      <p>{t('office.requests.intro')}</p>
      <div className="narrow">
        <Select
          label={t('office.requests.show')}
          value={show}
          onChange={(e) => setShow(e.target.value as typeof show)}
          options={[
            { value: 'all', label: t('office.requests.show.all') },
            { value: 'open', label: t('office.requests.show.open') },
            { value: 'closed', label: t('office.requests.show.closed') },
          ]}
        />
      </div>
      <ErrorMessage error={register.error} />
      {register.loading && !register.data && <p className="loading">{t('office.requests.loading')}</p>}
      {register.data && requests.length === 0 && <p>{show === 'all' ? t('office.requests.empty.all') : show === 'open' ? t('office.requests.empty.open') : t('office.requests.empty.closed')}</p>}
      {requests.length > 0 && (
        <div className="table-scroll" tabIndex={0}>
          <table>
            <caption>{t('office.requests.caption', { count: requests.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('office.requests.col.received')}</th>
                <th scope="col">{t('office.requests.col.instrument')}</th>
                <th scope="col">{t('office.requests.col.agency')}</th>
                <th scope="col">{t('office.requests.col.case')}</th>
                <th scope="col" className="num">
                  {t('office.requests.col.patrons')}
                </th>
                <th scope="col">{t('office.requests.col.state')}</th>
                <th scope="col">
                  <span className="office-sr">{t('office.requests.col.open')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{when(r.receivedAt)}</th>
                  <td>{instrumentName(r.instrument)}</td>
                  <td>{r.agency}</td>
                  <td>{r.caseNumber ?? '—'}</td>
                  <td className="num">{r.patronIds.length}</td>
                  <td>
                    <span className={`badge status-${r.status}`}>{REQUEST_STATUS[r.status] ?? r.status}</span>
                    {r.gagged && <span className="badge warn">{t('office.requests.gagUntil', { until: when(r.gagUntil) })}</span>}
                  </td>
                  <td>
                    <Link to={`/office/legal-requests/${r.id}`} aria-label={t('office.requests.openRequest', { instrument: instrumentName(r.instrument).toLowerCase(), agency: r.agency, received: when(r.receivedAt) })}
                    >
                      {t('office.requests.open')}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pager}
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
  const t = useT();
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
  const back = session.can('disclosure.read')
    ? { to: '/office/legal-requests', label: t('office.requests.new.backToRegister') }
    : { to: '/office', label: t('office.requests.new.backToOffice') };

  return (
    <Page title={t('office.requests.new.title')}>
      <p>
        {t('office.requests.new.intro')}{' '}
        <Link to={back.to}>{back.label}</Link>
      </p>
      <form onSubmit={(e) => void submit(e)} className="office-form">
        <Select
          label={t('office.requests.new.instrument')}
          name="instrument"
          required
          value={instrument}
          onChange={(e) => setInstrument(e.target.value)}
          error={problemAbout(error, 'instrument')}
          options={[{ value: '', label: t('office.requests.new.chooseInstrument') }, ...INSTRUMENTS]}
        />
        {rule && (
          <p className={`office-rule${rule.permitted ? '' : ' refused'}`} aria-live="polite">
            {tRich('office.requests.new.policy', { text: rule.statement.text, clauses: rule.statement.clauses.join(', '), strong: (chunks) => <strong>{chunks}</strong> })}
          </p>
        )}
        <div className="office-warning" role="note" aria-label={t('office.requests.new.noPatronData.label')}>
          <p>{tRich('office.requests.new.noPatronData', { strong: (chunks) => <strong>{chunks}</strong> })}</p>
        </div>
        <div className="grid-2">
          <Field label={t('office.requests.new.agency')} name="agency" required maxLength={200} autoComplete="off" value={agency} onChange={(e) => setAgency(e.target.value)} error={problemAbout(error, 'agency')} />
          <Field
            label={t('office.requests.new.caseNumber')}
            name="caseNumber"
            maxLength={200}
            autoComplete="off"
            value={caseNumber}
            onChange={(e) => setCaseNumber(e.target.value)}
            error={problemAbout(error, 'caseNumber')}
          />
          <Field
            label={t('office.requests.new.officerName')}
            name="officerName"
            required
            maxLength={200}
            autoComplete="off"
            value={officerName}
            onChange={(e) => setOfficerName(e.target.value)}
            error={problemAbout(error, 'officerName')}
          />
          <Field
            label={t('office.requests.new.officerId')}
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
          label={t('office.requests.new.cards')}
          hint={t('office.requests.new.cards.hint')}
          name="patrons"
          autoComplete="off"
          spellCheck={false}
          value={cards}
          onChange={(e) => setCards(e.target.value)}
          error={problemAbout(error, 'patrons') ?? problemAbout(error, 'cardNumber')}
        />
        <CheckboxGroup
          legend={t('office.requests.new.categories')}
          hint={t('office.requests.new.categories.hint')}
          options={CATEGORIES}
          value={categories}
          onChange={setCategories}
          error={noCategory && categories.length === 0 ? t(NO_CATEGORY) : problemAbout(error, 'categories')}
        />
        <fieldset className="office-fieldset">
          <legend>{t('office.requests.new.period')}</legend>
          <p className="hint">{t('office.requests.new.period.hint')}</p>
          <div className="grid-2">
            <Field label={t('office.requests.new.from')} type="date" name="from" value={from} onChange={(e) => setFrom(e.target.value)} error={problemAbout(error, 'from')} />
            <Field label={t('office.requests.new.to')} type="date" name="to" value={to} onChange={(e) => setTo(e.target.value)} error={problemAbout(error, 'to')} />
          </div>
        </fieldset>
        <Field
          label={t('office.requests.new.gagUntil')}
          hint={t('office.requests.new.gagUntil.hint')}
          type="date"
          name="gagUntil"
          value={gagUntil}
          onChange={(e) => setGagUntil(e.target.value)}
          error={problemAbout(error, 'gagUntil')}
        />
        <ErrorMessage error={noCategory && categories.length === 0 ? new Error(t(NO_CATEGORY)) : error} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('office.requests.new.submit')}
          </button>
          <Link className="button secondary" to={back.to}>
            {t('office.requests.new.cancel')}
          </Link>
        </div>
      </form>
    </Page>
  );
}

function recordedNotice(receipt: RequestReceipt): string {
  return t('office.requests.recorded.notice', { instrument: instrumentName(receipt.instrument).toLowerCase(), received: when(receipt.receivedAt) });
}

/**
 * What a desk that does not read the register sees once it recorded a request: its receipt (that it is in
 * the register, nothing of its scope) and the referral to the director, which the desk makes even for a
 * request under a gag order it cannot read (POST /legal-requests/:id/referral).
 */
function RecordedPage({ receipt: first, onAnother }: { receipt: RequestReceipt; onAnother: () => void }) {
  const t = useT();
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
    setNotice(t('office.requests.recorded.referred'));
    heading.focus();
  };
  return (
    <Page title={t('office.requests.recorded.title')}>
      <Notice>{notice}</Notice>
      <section aria-labelledby="receipt-title">
        <h2 id="receipt-title" ref={heading.ref} tabIndex={-1}>
          {t('office.requests.recorded.receipt')}
        </h2>
        <dl className="facts">
          <dt>{t('office.requests.recorded.instrument')}</dt>
          <dd>{instrumentName(receipt.instrument)}</dd>
          <dt>{t('office.requests.recorded.received')}</dt>
          <dd>{when(receipt.receivedAt)}</dd>
          <dt>{t('office.requests.recorded.state')}</dt>
          <dd>
            <span className={`badge status-${receipt.status}`}>{REQUEST_STATUS[receipt.status] ?? receipt.status}</span>
          </dd>
          <dt>{t('office.requests.recorded.reference')}</dt>
          <dd className="office-hash">{receipt.id}</dd>
        </dl>
        <p className="hint">{t('office.requests.recorded.hint')}</p>
        {receipt.status === 'received' && (
          <div className="office-step">
            <p>{t('office.requests.recorded.referNow')}</p>
            <button type="button" onClick={() => void refer()} disabled={busy}>
              {t('office.requests.recorded.refer')}
            </button>
            <ErrorMessage error={error} />
          </div>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={onAnother}>
            {t('office.requests.recorded.another')}
          </button>
          <Link to="/office">{t('office.requests.recorded.backToOffice')}</Link>
        </div>
      </section>
    </Page>
  );
}
