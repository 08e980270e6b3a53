import { useState, type FormEvent } from 'react';
import { api, query } from '../api';
import { ErrorMessage, Field, Notice, Page, Select, Table, aboutField, useAction } from '../ui/components';
import { plural, useFocusTarget, when } from './common';

/** One entry of GET /patrons/:patronId/access-log. */
interface AccessEntry {
  at: string;
  actorKind: string;
  actorId: string;
  actorRole: string | null;
  actorLibraryId: string | null;
  action: string;
  categories: string[];
  purpose: string;
  channel: string;
}

/** One record of GET /patrons/:patronId/service-records, details opened (src/domain/types.ts ServiceRecord). */
interface ServiceRecordView {
  id: string;
  kind: string;
  status: string;
  branchId?: string | null;
  resource?: string | null;
  startsAt?: string;
  endsAt?: string | null;
  details?: { title: string; author: string | null; isbn: string | null } | { question: string } | null;
}

/** The purposes a look-up outside a transaction may name (src/policy/actors.ts LOOKUP_PURPOSES). */
const PURPOSES = [
  { value: 'violation-review', label: 'Violation review (public-computer logs, JC-VII)' },
  { value: 'account-service', label: 'Account service' },
  { value: 'materials-recovery', label: 'Materials recovery' },
  { value: 'fines-collection', label: 'Fines collection' },
  { value: 'legal-disclosure', label: 'Legal disclosure' },
];

const KINDS: Record<string, string> = {
  'computer-session': 'Public-computer session',
  'program-signup': 'Program sign-up',
  'room-booking': 'Room booking',
  'ill-request': 'Interlibrary-loan request',
  'reference-request': 'Reference request',
};

function detailsOf(details: ServiceRecordView['details']): string {
  if (!details) return '—';
  if ('question' in details) return details.question;
  return [details.title, details.author, details.isbn].filter(Boolean).join(' · ');
}

/**
 * A patron's access log and service records (the director): the patron is found by card number, typed
 * and sent in a body (POST /patrons/lookup); only the patron's id is kept and shown.
 */
export function PatronRecordsPage() {
  const [card, setCard] = useState('');
  const [lookupPurpose, setLookupPurpose] = useState('');
  const [patronId, setPatronId] = useState<string | undefined>(undefined);
  const [log, setLog] = useState<AccessEntry[] | undefined>(undefined);
  const [purpose, setPurpose] = useState('');
  const [records, setRecords] = useState<{ purpose: string; rows: ServiceRecordView[] } | undefined>(undefined);
  const find = useAction();
  const logAction = useAction();
  const review = useAction();
  const found = useFocusTarget<HTMLHeadingElement>();

  const loadLog = async (id: string) => {
    const answer = await logAction.run(() => api<{ patronId: string; entries: AccessEntry[] }>('GET', `/patrons/${encodeURIComponent(id)}/access-log`));
    if (answer) setLog(answer.entries);
  };

  const lookUp = async (event: FormEvent) => {
    event.preventDefault();
    setPatronId(undefined);
    setLog(undefined);
    setRecords(undefined);
    if (!lookupPurpose) return;
    // A look-up from the office is not a desk transaction: it names its purpose, which the log records.
    const account = await find.run(() => api<{ patron: { id: string } }>('POST', '/patrons/lookup', { cardNumber: card.trim(), purpose: lookupPurpose }));
    if (!account) return;
    // Only the id is kept: nothing else of the account is needed here, and the card number goes.
    setPatronId(account.patron.id);
    setCard('');
    setPurpose(lookupPurpose);
    found.focus();
    await loadLog(account.patron.id);
  };

  const readRecords = async (event: FormEvent) => {
    event.preventDefault();
    if (!patronId || !purpose) return;
    const rows = await review.run(() => api<ServiceRecordView[]>('GET', `/patrons/${encodeURIComponent(patronId)}/service-records${query({ purpose })}`));
    if (rows) setRecords({ purpose, rows });
  };

  const purposeLabel = (value: string) => PURPOSES.find((p) => p.value === value)?.label ?? value;

  return (
    <Page title="Patron’s access log and service records">
      <p>
        Who looked at a patron’s record, and the patron’s service records, reviewed for a named purpose. Each look is itself logged. Public-computer logs are opened only for a
        violation review; any other purpose opens the other services and withholds the computer logs.
      </p>
      <section aria-labelledby="records-find">
        <h2 id="records-find">Find the patron</h2>
        <form className="office-form narrow" onSubmit={(e) => void lookUp(e)}>
          <Field
            label="Library card number"
            name="recordsCard"
            required
            autoComplete="off"
            spellCheck={false}
            inputMode="numeric"
            value={card}
            onChange={(e) => setCard(e.target.value)}
            error={aboutField(find.error, 'cardNumber')}
          />
          <Select
            label="Purpose of the look-up"
            hint="Required. Finding the patron opens their account, and the access log records why."
            name="lookupPurpose"
            required
            value={lookupPurpose}
            onChange={(e) => setLookupPurpose(e.target.value)}
            options={[{ value: '', label: 'Choose a purpose…' }, ...PURPOSES]}
            error={aboutField(find.error, 'purpose')}
          />
          <ErrorMessage error={find.error} />
          <button type="submit" disabled={find.busy}>
            Find the patron
          </button>
        </form>
      </section>
      {patronId && (
        <>
          <section aria-labelledby="records-log">
            <h2 id="records-log" ref={found.ref} tabIndex={-1}>
              Access log of patron {patronId}
            </h2>
            <ErrorMessage error={logAction.error} />
            {logAction.busy && <p className="loading">Loading…</p>}
            {log && log.length === 0 && <p>No one has accessed this patron’s record.</p>}
            {log && log.length > 0 && (
              <Table caption={plural(log.length, 'access', 'accesses')} columns={['When', 'Who', 'Role', 'Action', 'Records', 'Purpose', 'Channel']}>
                {log.map((e, i) => (
                  <tr key={i}>
                    <th scope="row">{when(e.at)}</th>
                    <td>
                      {e.actorKind} {e.actorId}
                      {e.actorLibraryId ? ` (${e.actorLibraryId})` : ''}
                    </td>
                    <td>{e.actorRole ?? '—'}</td>
                    <td>{e.action}</td>
                    <td>{e.categories.join(', ') || '—'}</td>
                    <td>{e.purpose}</td>
                    <td>{e.channel}</td>
                  </tr>
                ))}
              </Table>
            )}
          </section>
          <section aria-labelledby="records-services">
            <h2 id="records-services">Service records</h2>
            <form className="office-form narrow" onSubmit={(e) => void readRecords(e)}>
              <Select
                label="Purpose of the review"
                hint="Required. The access log records it."
                name="recordsPurpose"
                required
                value={purpose}
                onChange={(e) => setPurpose(e.target.value)}
                options={[{ value: '', label: 'Choose a purpose…' }, ...PURPOSES]}
                error={aboutField(review.error, 'purpose')}
              />
              <ErrorMessage error={review.error} />
              <button type="submit" disabled={review.busy}>
                Open the service records
              </button>
            </form>
            {records && (
              <>
                <Notice>
                  {records.purpose === 'violation-review'
                    ? 'Opened for a violation review: public-computer sessions only.'
                    : 'Public-computer sessions are withheld: they are opened only for a violation review.'}
                </Notice>
                {records.rows.length === 0 ? (
                  <p>No service record for {purposeLabel(records.purpose).toLowerCase()}.</p>
                ) : (
                  <Table caption={`${plural(records.rows.length, 'service record')} (${purposeLabel(records.purpose)})`} columns={['Service', 'Status', 'Branch', 'Station, program, room or topic', 'From', 'Until', 'Details']}>
                    {records.rows.map((r) => (
                      <tr key={r.id}>
                        <th scope="row">{KINDS[r.kind] ?? r.kind}</th>
                        <td>{r.status}</td>
                        <td>{r.branchId ?? '—'}</td>
                        <td>{r.resource ?? '—'}</td>
                        <td>{when(r.startsAt)}</td>
                        <td>{when(r.endsAt)}</td>
                        <td>{detailsOf(r.details)}</td>
                      </tr>
                    ))}
                  </Table>
                )}
              </>
            )}
          </section>
        </>
      )}
    </Page>
  );
}
