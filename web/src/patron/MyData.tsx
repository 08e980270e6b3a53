import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, download } from '../api';
import { useSession } from '../session';
import { day, ErrorMessage, money, Notice, Page, useAction, useLoad } from '../ui/components';
import { CorrectDetails } from './CorrectDetails';
import { DeleteAccount } from './DeleteAccount';
import { FineList, HoldList, LoanList, PaymentList, ServiceList } from './parts';
import { usePolicy } from './policy';
import type { MyRecord, PublishedPolicy } from './types';
import { categoryName, patronStatus, SERVICE_CATEGORY, serviceKind } from './words';

const CHANNEL_WORDS = { none: 'no notices by email or text', email: 'by email', text: 'by text message', both: 'by email and by text message' } as const;

/**
 * `/me/data`, “My data”: every category of the inventory that concerns the patron (GET /me), with what
 * is held in each and a plain “nothing held” where nothing is; the JSON download; corrections of name
 * and contact details; and the request to delete the account.
 */
export function MyData() {
  const session = useSession();
  const record = useLoad(() => api<MyRecord>('GET', '/me'), []);
  const policy = usePolicy(session.actor?.libraryId);
  const fetching = useAction();
  const [downloaded, setDownloaded] = useState(false);

  const save = async () => {
    setDownloaded(false);
    const done = await fetching.run(async () => {
      await download('/me/export', 'carrel-record.json');
      return true;
    });
    if (done) setDownloaded(true);
  };

  const data = record.data;
  return (
    <Page title="My data">
      <p>
        This is everything the library keeps about you, category by category, as its privacy policy lists them. Where a category is empty, it says so. Nothing is left out of
        the download.
      </p>
      <section className="portal-section" aria-labelledby="data-download">
        <h2 id="data-download">Download my data</h2>
        <p className="hint">One file (JSON) with your whole record. It holds your card number and personal details: keep it somewhere safe.</p>
        <div className="actions">
          <button type="button" onClick={() => void save()} disabled={fetching.busy}>
            Download my data (JSON)
          </button>
        </div>
        <ErrorMessage error={fetching.error} />
        <Notice>{downloaded ? 'Your record was downloaded as a JSON file.' : null}</Notice>
      </section>

      {record.loading && !data && <p className="loading">Loading your record…</p>}
      <ErrorMessage error={record.error} />
      {data && (
        <>
          <CorrectDetails patron={data.patron} onSaved={record.reload} />
          <section className="portal-section" aria-labelledby="data-categories">
            <h2 id="data-categories">What the library keeps, by category</h2>
            {Object.keys(data.contents).map((category) => (
              <Category key={category} id={category} record={data} policy={policy.data} />
            ))}
            {data.notices && data.notices.length > 0 && (
              <div className="portal-category">
                <h3>Releases of your records you are told of</h3>
                <ul className="portal-list">
                  {data.notices.map((n, i) => (
                    <li key={i}>
                      {n.agency ?? 'An agency'}: {n.instrument ?? n.kind}, {n.releasedAt ? `released ${day(n.releasedAt)}` : 'not released'}
                      {n.categories.length > 0 ? ` (${n.categories.map(categoryName).join(', ')})` : ''}
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </section>
          <DeleteAccount record={data} />
        </>
      )}
    </Page>
  );
}

/** One category: its name, what is held (or that nothing is), and how long the library keeps it. */
function Category({ id, record, policy }: { id: string; record: MyRecord; policy: PublishedPolicy | undefined }) {
  const declared = policy?.categories.find((c) => c.id === id);
  const { count, body, nothing } = held(id, record);
  const headingId = `category-${id}`;
  return (
    <section className="portal-category" aria-labelledby={headingId}>
      <h3 id={headingId}>{declared?.name ?? categoryName(id)}</h3>
      <p className="held">
        <strong>{count === 0 ? (nothing ?? 'Nothing held.') : id === 'registration' ? 'Held:' : `Held: ${count === 1 ? '1 entry' : `${count} entries`}.`}</strong>
      </p>
      {count > 0 && body}
      {declared && <p className="hint">How long: {declared.howLong.text}</p>}
    </section>
  );
}

const returned = (r: MyRecord) => r.loans.filter((l) => l.status === 'returned');

/**
 * What each returned loan of a patron without a reading history says. GET /me gives no date on which the
 * retention rule removes it (that is the next retention run after the profile's loan rule allows it).
 */
const KEPT_AFTER_RETURN = 'Returned; kept for a short time after return, per the library’s rule';

/**
 * What the record holds for one category, how many entries (the registration is one), and, when it
 * holds none, what to say instead of “Nothing held.”
 */
function held(id: string, r: MyRecord): { count: number; body: ReactNode; nothing?: string } {
  switch (id) {
    case 'registration':
      return { count: 1, body: <Registration record={r} /> };
    case 'guardianship':
      return {
        count: r.guardianLinks.length,
        body: (
          <ul className="portal-list">
            {r.guardianLinks.map((link, i) => (
              <li key={i}>
                {link.role === 'minor' ? 'You signed a child’s application for a card' : 'A parent or guardian signed your application for a card'} on {day(link.startedAt)}
                {link.endedAt ? `; the link ended ${day(link.endedAt)}` : ''}.
              </li>
            ))}
          </ul>
        ),
      };
    case 'circulation': {
      const out = r.loans.filter((l) => l.status !== 'returned');
      // Without the patron's choice there is no reading history (JC-IIIc): a returned loan still held is a
      // loan the library's loan rule keeps until the retention run removes it, so it is listed here.
      const kept = r.privacy.readingHistory ? [] : returned(r);
      return {
        count: out.length + kept.length,
        body: (
          <>
            <LoanList loans={out} />
            {kept.length > 0 && (
              <>
                <h4>Returned, kept for now</h4>
                <LoanList loans={kept} past label="Returned loans kept for now" returnedNote={KEPT_AFTER_RETURN} />
              </>
            )}
          </>
        ),
      };
    }
    case 'reading-history': {
      if (!r.privacy.readingHistory) return { count: 0, body: null, nothing: 'Nothing held (not chosen).' };
      const past = returned(r);
      return {
        count: past.length,
        body: (
          <>
            <p>You chose to keep your reading history (since {day(r.privacy.readingHistorySince)}). These are the items you returned:</p>
            <LoanList loans={past} past label="Reading history" />
          </>
        ),
      };
    }
    case 'holds':
      return { count: r.holds.length, body: <HoldList holds={r.holds} /> };
    case 'fines':
      return {
        count: r.fines.length + r.payments.length,
        body: (
          <>
            <FineList fines={r.fines} />
            {r.payments.length > 0 && (
              <>
                <h4>Payments</h4>
                <PaymentList payments={r.payments} />
              </>
            )}
            <p>Balance owed: {money(r.balanceCents)}</p>
          </>
        ),
      };
    case 'complaints':
      return {
        count: r.complaints.length,
        body: (
          <ul className="portal-list">
            {r.complaints.map((c) => (
              <li key={c.id}>
                <p className="portal-item-title">Complaint received {day(c.receivedAt)}</p>
                <dl className="portal-facts">
                  <dt>Topic</dt>
                  <dd>{c.topic}</dd>
                  {c.summary && (
                    <>
                      <dt>What you said</dt>
                      <dd>{c.summary}</dd>
                    </>
                  )}
                  <dt>Answer</dt>
                  <dd>{c.answeredAt ? `${day(c.answeredAt)}${c.answerSummary ? `: ${c.answerSummary}` : ''}` : `due by ${day(c.dueAt)}`}</dd>
                </dl>
              </li>
            ))}
          </ul>
        ),
      };
    case 'access-log':
      return {
        count: r.accessLog.length,
        body: (
          <p>
            Every look at your record is written down. <Link to="/me/who-looked">See who looked at your record</Link>.
          </p>
        ),
      };
    default: {
      const kind = Object.keys(SERVICE_CATEGORY).find((k) => SERVICE_CATEGORY[k] === id);
      if (kind) {
        const services = r.services.filter((s) => s.kind === kind);
        return { count: services.length, body: <ServiceList services={services} empty={`No ${serviceKind(kind).toLowerCase()}s.`} /> };
      }
      // A category this page does not know yet: say where it is in the download.
      return { count: 1, body: <p>In the download under: {(r.contents[id as keyof MyRecord['contents']] ?? []).join(', ')}.</p> };
    }
  }
}

function Registration({ record }: { record: MyRecord }) {
  const p = record.patron;
  const missing = <span className="portal-readonly">not given</span>;
  return (
    <dl className="portal-facts">
      <dt>Name</dt>
      <dd>{p.name}</dd>
      <dt>Birth date</dt>
      <dd>{day(p.birthDate)}</dd>
      <dt>Address</dt>
      <dd>{p.address ?? missing}</dd>
      <dt>Email</dt>
      <dd>{p.email ?? missing}</dd>
      <dt>Phone</dt>
      <dd>{p.phone ?? missing}</dd>
      <dt>Card number</dt>
      <dd>ending in {p.cardNumber.slice(-4)} (the whole number is in the download)</dd>
      <dt>PIN</dt>
      <dd>kept only as a one-way hash: nobody can read it</dd>
      <dt>Patron category</dt>
      <dd>{p.categoryCode}</dd>
      <dt>Card status</dt>
      <dd>{patronStatus(p.status)}</dd>
      <dt>Card valid until</dt>
      <dd>{day(p.expiresAt)}</dd>
      <dt>Registered</dt>
      <dd>{day(p.createdAt)}</dd>
      <dt>Last activity</dt>
      <dd>{day(record.account.lastActiveAt)}</dd>
      <dt>Age band (for statistics)</dt>
      <dd>{record.account.ageBand}</dd>
      <dt>Reading history</dt>
      <dd>{record.privacy.readingHistory ? `kept, since ${day(record.privacy.readingHistorySince)}` : 'not kept'}</dd>
      <dt>Notices</dt>
      <dd>{CHANNEL_WORDS[record.privacy.noticeChannel] ?? record.privacy.noticeChannel}</dd>
      <dt>Mailing lists</dt>
      <dd>{record.privacy.mailingLists ? `subscribed, since ${day(record.privacy.mailingListsSince)}` : 'not subscribed'}</dd>
      <dt>Photos at events</dt>
      <dd>{record.privacy.photoConsent ? `allowed, since ${day(record.privacy.photoConsentSince)}` : 'not allowed'}</dd>
    </dl>
  );
}
