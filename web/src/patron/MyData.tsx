import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, download } from '../api';
import { pageLanguage, t, tRich, useT, wordFor, type MessageId } from '../i18n';
import { useSession } from '../session';
import { day, ErrorMessage, money, Notice, Page, useAction, useLoad } from '../ui/components';
import { CorrectDetails } from './CorrectDetails';
import { DeleteAccount } from './DeleteAccount';
import { FineList, HoldList, LoanList, PaymentList, ServiceList } from './parts';
import { usePolicy } from './policy';
import type { MyRecord, PublishedPolicy } from './types';
import { categoryName as sharedCategoryName, patronStatus, SERVICE_CATEGORY } from './words';


/** How the patron chose to get notices. */
const CHANNEL_WORDS: Readonly<Record<string, MessageId>> = {
  none: 'account.data.channel.none',
  email: 'account.data.channel.email',
  text: 'account.data.channel.text',
  both: 'account.data.channel.both',
};

/** The categories the portal's shared words do not name yet (names as the published policy gives them, when it loads in the page's language). */
const MORE_CATEGORY_WORDS: Readonly<Record<string, MessageId>> = {
  notices: 'account.category.notices',
  'vendor-authorisations': 'account.category.vendorAuthorisations',
  'vendor-statistics': 'account.category.vendorStatistics',
};

/** A record category's name in the page's language. */
const categoryName = (id: string): string => wordFor(MORE_CATEGORY_WORDS, id, sharedCategoryName);

/** What each kind of service record is called when there are none of it. */
const NO_SERVICES: Readonly<Record<string, MessageId>> = {
  'computer-session': 'account.data.noServices.computerSession',
  'program-signup': 'account.data.noServices.programSignup',
  'room-booking': 'account.data.noServices.roomBooking',
  'ill-request': 'account.data.noServices.illRequest',
  'reference-request': 'account.data.noServices.referenceRequest',
};

/** The instrument a release was made on, and the kind of a release notice when it names none. */
const RELEASE_WORDS: Readonly<Record<string, MessageId>> = {
  'informal-request': 'account.data.instrument.informalRequest',
  'written-request': 'account.data.instrument.writtenRequest',
  subpoena: 'account.data.instrument.subpoena',
  'search-warrant': 'account.data.instrument.searchWarrant',
  'court-order': 'account.data.instrument.courtOrder',
  'fisa-or-nsl': 'account.data.instrument.fisaOrNsl',
  'emergency-claim': 'account.data.instrument.emergencyClaim',
  'patron-consent': 'account.data.instrument.patronConsent',
  'public-records-request': 'account.data.instrument.publicRecordsRequest',
  'materials-recovery': 'account.data.instrument.materialsRecovery',
  'legal-disclosure': 'account.data.instrument.legalDisclosure',
};

/**
 * `/me/data`, “My data”: every category of the inventory that concerns the patron (GET /me), with what
 * is held in each and a plain “nothing held” where nothing is; the JSON download; corrections of name
 * and contact details; and the request to delete the account.
 */
export function MyData() {
  const t = useT();
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
    <Page title={t('account.data.title')}>
      <p>{t('account.data.intro')}</p>
      <section className="portal-section" aria-labelledby="data-download">
        <h2 id="data-download">{t('account.data.download.heading')}</h2>
        <p className="hint">{t('account.data.download.hint')}</p>
        <div className="actions">
          <button type="button" onClick={() => void save()} disabled={fetching.busy}>
            {t('account.data.download.button')}
          </button>
        </div>
        <ErrorMessage error={fetching.error} />
        <Notice>{downloaded ? t('account.data.download.done') : null}</Notice>
      </section>

      {record.loading && !data && <p className="loading">{t('account.data.loading')}</p>}
      <ErrorMessage error={record.error} />
      {data && (
        <>
          <CorrectDetails patron={data.patron} onSaved={record.reload} />
          <section className="portal-section" aria-labelledby="data-categories">
            <h2 id="data-categories">{t('account.data.categories')}</h2>
            {Object.keys(data.contents).map((category) => (
              <Category key={category} id={category} record={data} policy={policy.data} />
            ))}
            {data.notices && data.notices.length > 0 && (
              <div className="portal-category">
                <h3>{t('account.data.releases')}</h3>
                <ul className="portal-list">
                  {data.notices.map((n, i) => (
                    <li key={i}>
                      {t(
                        n.releasedAt
                          ? n.categories.length > 0
                            ? 'account.data.release.releasedWith'
                            : 'account.data.release.released'
                          : n.categories.length > 0
                            ? 'account.data.release.notReleasedWith'
                            : 'account.data.release.notReleased',
                        {
                          agency: n.agency ?? t('account.data.release.anAgency'),
                          instrument: wordFor(RELEASE_WORDS, n.instrument ?? n.kind),
                          date: day(n.releasedAt),
                          categories: n.categories.map(categoryName).join(', '),
                        },
                      )}
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
  const t = useT();
  const declared = policy?.categories.find((c) => c.id === id);
  // The policy's own name for the category when it is in the page's language; else the page's words.
  const policyLanguage = policy && policy.language !== pageLanguage() ? policy.language : undefined;
  const { count, body, nothing } = held(id, record);
  const headingId = `category-${id}`;
  return (
    <section className="portal-category" aria-labelledby={headingId}>
      <h3 id={headingId}>{declared && !policyLanguage ? declared.name : categoryName(id)}</h3>
      <p className="held">
        <strong>{count === 0 ? (nothing ?? t('account.data.nothingHeld')) : id === 'registration' ? t('account.data.held') : t('account.data.heldCount', { count })}</strong>
      </p>
      {count > 0 && body}
      {declared && <p className="hint">{tRich('account.data.howLong', { text: <span lang={policyLanguage}>{declared.howLong.text}</span> })}</p>}
    </section>
  );
}

const returned = (r: MyRecord) => r.loans.filter((l) => l.status === 'returned');

/**
 * What each returned loan of a patron without a reading history says. GET /me gives no date on which the
 * retention rule removes it (that is the next retention run after the profile's loan rule allows it).
 */
const KEPT_AFTER_RETURN: MessageId = 'account.data.keptAfterReturn';

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
                {link.role === 'minor'
                  ? link.endedAt
                    ? t('account.data.guardianship.youSignedEnded', { started: day(link.startedAt), ended: day(link.endedAt) })
                    : t('account.data.guardianship.youSigned', { started: day(link.startedAt) })
                  : link.endedAt
                    ? t('account.data.guardianship.signedForYouEnded', { started: day(link.startedAt), ended: day(link.endedAt) })
                    : t('account.data.guardianship.signedForYou', { started: day(link.startedAt) })}
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
                <h4>{t('account.data.keptForNow')}</h4>
                <LoanList loans={kept} past label={t('account.data.keptForNow.label')} returnedNote={t(KEPT_AFTER_RETURN)} />
              </>
            )}
          </>
        ),
      };
    }
    case 'reading-history': {
      if (!r.privacy.readingHistory) return { count: 0, body: null, nothing: t('account.data.readingHistory.notChosen') };
      const past = returned(r);
      return {
        count: past.length,
        body: (
          <>
            <p>{t('account.data.readingHistory.chosen', { since: day(r.privacy.readingHistorySince) })}</p>
            <LoanList loans={past} past label={t('account.data.readingHistory')} />
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
                <h4>{t('account.data.payments')}</h4>
                <PaymentList payments={r.payments} />
              </>
            )}
            <p>{t('account.data.balance', { amount: money(r.balanceCents) })}</p>
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
                <p className="portal-item-title">{t('account.data.complaint.received', { date: day(c.receivedAt) })}</p>
                <dl className="portal-facts">
                  <dt>{t('account.data.complaint.topic')}</dt>
                  <dd>{c.topic}</dd>
                  {c.summary && (
                    <>
                      <dt>{t('account.data.complaint.said')}</dt>
                      <dd>{c.summary}</dd>
                    </>
                  )}
                  <dt>{t('account.data.complaint.answer')}</dt>
                  <dd>
                    {c.answeredAt
                      ? c.answerSummary
                        ? t('account.data.complaint.answeredWith', { date: day(c.answeredAt), summary: c.answerSummary })
                        : day(c.answeredAt)
                      : t('account.data.complaint.dueBy', { date: day(c.dueAt) })}
                  </dd>
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
          <p>{tRich('account.data.accessLog', { link: (chunks) => <Link to="/me/who-looked">{chunks}</Link> })}</p>
        ),
      };
    default: {
      const kind = Object.keys(SERVICE_CATEGORY).find((k) => SERVICE_CATEGORY[k] === id);
      if (kind) {
        const services = r.services.filter((s) => s.kind === kind);
        return { count: services.length, body: <ServiceList services={services} empty={t(NO_SERVICES[kind] as MessageId)} /> };
      }
      // A category this page does not know yet: say where it is in the download.
      return { count: 1, body: <p>{t('account.data.inDownload', { fields: (r.contents[id as keyof MyRecord['contents']] ?? []).join(', ') })}</p> };
    }
  }
}

function Registration({ record }: { record: MyRecord }) {
  const t = useT();
  const p = record.patron;
  const missing = <span className="portal-readonly">{t('account.data.notGiven')}</span>;
  return (
    <dl className="portal-facts">
      <dt>{t('account.field.name')}</dt>
      <dd>{p.name}</dd>
      <dt>{t('account.field.birthDate')}</dt>
      <dd>{day(p.birthDate)}</dd>
      <dt>{t('account.field.address')}</dt>
      <dd>{p.address ?? missing}</dd>
      <dt>{t('account.field.email')}</dt>
      <dd>{p.email ?? missing}</dd>
      <dt>{t('account.field.phone')}</dt>
      <dd>{p.phone ?? missing}</dd>
      <dt>{t('account.field.cardNumber')}</dt>
      <dd>{t('account.data.cardEnding', { ending: p.cardNumber.slice(-4) })}</dd>
      <dt>{t('account.field.pin')}</dt>
      <dd>{t('account.data.pinHashed')}</dd>
      <dt>{t('account.field.patronCategory')}</dt>
      <dd>{p.categoryCode}</dd>
      <dt>{t('account.field.cardStatus')}</dt>
      <dd>{patronStatus(p.status)}</dd>
      <dt>{t('account.field.validUntil')}</dt>
      <dd>{day(p.expiresAt)}</dd>
      <dt>{t('account.field.registered')}</dt>
      <dd>{day(p.createdAt)}</dd>
      <dt>{t('account.field.lastActivity')}</dt>
      <dd>{day(record.account.lastActiveAt)}</dd>
      <dt>{t('account.field.ageBand')}</dt>
      <dd>{record.account.ageBand}</dd>
      <dt>{t('account.field.readingHistory')}</dt>
      <dd>{record.privacy.readingHistory ? t('account.data.keptSince', { since: day(record.privacy.readingHistorySince) }) : t('account.data.notKept')}</dd>
      <dt>{t('account.field.notices')}</dt>
      <dd>{wordFor(CHANNEL_WORDS, record.privacy.noticeChannel)}</dd>
      <dt>{t('account.field.mailingLists')}</dt>
      <dd>{record.privacy.mailingLists ? t('account.data.subscribedSince', { since: day(record.privacy.mailingListsSince) }) : t('account.data.notSubscribed')}</dd>
      <dt>{t('account.field.photos')}</dt>
      <dd>{record.privacy.photoConsent ? t('account.data.allowedSince', { since: day(record.privacy.photoConsentSince) }) : t('account.data.notAllowed')}</dd>
    </dl>
  );
}
