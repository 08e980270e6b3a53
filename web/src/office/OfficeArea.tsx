import { useState, type ReactNode } from 'react';
import { Link, NavLink, Route, Routes, useLocation } from 'react-router';
import { api } from '../api';
import { tRich, useT, type MessageId } from '../i18n';
import { useSession } from '../session';
import { ErrorMessage, Notice, Page, Select, useLoad } from '../ui/components';
import { LibraryContext, NotYours, type OfficeLibrary } from './common';
import { AuditReportPage } from './AuditReport';
import { ComplaintsPage } from './Complaints';
import { LegalHoldsPage } from './LegalHolds';
import { LegalRequestPage } from './LegalRequest';
import { LegalRequestsPage, NewLegalRequestPage } from './LegalRequests';
import { CataloguePage } from './Catalogue';
import { LibrariesPage } from './Libraries';
import { LibrarySetupPage } from './LibrarySetup'; // the library's configuration (issue 15)
import { PatronRecordsPage } from './PatronRecords';
import { RecordSeriesPage } from './RecordSeries';
import { RetentionPage } from './Retention';
import { StatisticsPage } from './Statistics';
import { StaffPage } from './Staff'; // staff accounts (issue 15)
import { Sip2AccountsPage } from './Sip2Accounts'; // SIP2 accounts (issue 16)
import { VendorsPage } from './Vendors'; // vendors and single sign-on (issue 19)
import { NoticesPage } from './Notices'; // notices (issue 17)
import { BreachesPage } from './Breaches'; // the breach register (issue 17)
import { TransparencyPage } from './Transparency';
import './office.css';

/** The office's pages, each for the roles holding its permission (src/policy/permissions.ts). */
const PAGES: { to: string; label: MessageId; permission: string; anyOf?: string[]; what: MessageId; about: MessageId; link: MessageId }[] = [
  {
    to: 'legal-requests',
    label: 'office.page.legalRequests',
    permission: 'disclosure.read',
    what: 'office.page.legalRequests.what',
    about: 'office.page.legalRequests.about',
    link: 'office.page.legalRequests.link',
  },
  {
    // Any desk may be handed a request and must record it (IF-8, JC-IVd-le): a clerk holds this and none
    // of the director's pages, and reaches it from here.
    to: 'legal-requests/new',
    label: 'office.page.recordRequest',
    permission: 'disclosure.receive',
    what: 'office.page.recordRequest.what',
    about: 'office.page.recordRequest.about',
    link: 'office.page.recordRequest.link',
  },
  {
    to: 'legal-holds',
    label: 'office.page.legalHolds',
    permission: 'legal-hold.manage',
    what: 'office.page.legalHolds.what',
    about: 'office.page.legalHolds.about',
    link: 'office.page.legalHolds.link',
  },
  {
    to: 'retention',
    label: 'office.page.retention',
    permission: 'retention.run',
    what: 'office.page.retention.what',
    about: 'office.page.retention.about',
    link: 'office.page.retention.link',
  },
  {
    to: 'audit-report',
    label: 'office.page.auditReport',
    permission: 'audit.read',
    what: 'office.page.auditReport.what',
    about: 'office.page.auditReport.about',
    link: 'office.page.auditReport.link',
  },
  {
    to: 'transparency',
    label: 'office.page.transparency',
    permission: 'transparency.read',
    what: 'office.page.transparency.what',
    about: 'office.page.transparency.about',
    link: 'office.page.transparency.link',
  },
  {
    to: 'statistics',
    label: 'office.page.statistics',
    permission: 'statistics.read',
    what: 'office.page.statistics.what',
    about: 'office.page.statistics.about',
    link: 'office.page.statistics.link',
  },
  {
    to: 'complaints',
    label: 'office.page.complaints',
    permission: 'complaints.answer',
    what: 'office.page.complaints.what',
    about: 'office.page.complaints.about',
    link: 'office.page.complaints.link',
  },
  {
    to: 'patron-records',
    label: 'office.page.patronRecords',
    permission: 'access-log.read',
    what: 'office.page.patronRecords.what',
    about: 'office.page.patronRecords.about',
    link: 'office.page.patronRecords.link',
  },
  {
    to: 'record-series',
    label: 'office.page.recordSeries',
    permission: 'records.manage',
    what: 'office.page.recordSeries.what',
    about: 'office.page.recordSeries.about',
    link: 'office.page.recordSeries.link',
  },
  {
    to: 'catalogue',
    label: 'office.page.catalogue',
    permission: 'items.manage',
    what: 'office.page.catalogue.what',
    about: 'office.page.catalogue.about',
    link: 'office.page.catalogue.link',
  },
  {
    to: 'libraries',
    label: 'office.page.libraries',
    permission: 'library.administer',
    what: 'office.page.libraries.what',
    about: 'office.page.libraries.about',
    link: 'office.page.libraries.link',
  },
  // Staff accounts (issue 15)
  {
    to: 'staff',
    label: 'office.page.staff',
    permission: 'staff.manage',
    what: 'office.page.staff.what',
    about: 'office.page.staff.about',
    link: 'office.page.staff.link',
  },
  // The library's configuration (issue 15): listed for administrators; desk staff holding library.read may open it read-only.
  {
    to: 'library-setup',
    label: 'office.page.librarySetup',
    permission: 'library.administer',
    what: 'office.page.librarySetup.what',
    about: 'office.page.librarySetup.about',
    link: 'office.page.librarySetup.link',
  },
  // SIP2 accounts (issue 16)
  {
    to: 'sip2-accounts',
    label: 'office.page.sip2Accounts',
    permission: 'library.administer',
    what: 'office.page.sip2Accounts.what',
    about: 'office.page.sip2Accounts.about',
    link: 'office.page.sip2Accounts.link',
  },
  // Vendors and single sign-on (issue 19)
  {
    to: 'vendors',
    label: 'office.page.vendors',
    permission: 'library.administer',
    what: 'office.page.vendors.what',
    about: 'office.page.vendors.about',
    link: 'office.page.vendors.link',
  },
  // Notices (issue 17): settings and templates for notices.manage, failed notices and letters for desk staff holding notices.read.
  {
    to: 'notices',
    label: 'office.page.notices',
    permission: 'notices.read',
    anyOf: ['notices.read', 'notices.manage'],
    what: 'office.page.notices.what',
    about: 'office.page.notices.about',
    link: 'office.page.notices.link',
  },
  {
    to: 'breaches',
    label: 'office.page.breaches',
    permission: 'breach.manage',
    what: 'office.page.breaches.what',
    about: 'office.page.breaches.about',
    link: 'office.page.breaches.link',
  },
];

interface LibraryRow {
  id: string;
  name: string;
  timeZone: string;
  branches: { id: string; code: string; name: string }[];
}

/** The director's (privacy officer's) office: legal requests, legal holds, retention, reports, statistics. */
export function OfficeArea() {
  const t = useT();
  const session = useSession();
  const mine = PAGES.filter((p) => (p.anyOf ?? [p.permission]).some((permission) => session.can(permission)));
  const libraries = useLoad(() => api<LibraryRow[]>('GET', '/libraries'), []);
  const [chosen, setChosen] = useState<string | undefined>(undefined);

  if (mine.length === 0)
    return (
      <Page title={t('office.area.title')}>
        <NotYours what={t('office.area.noDuties')} />
        <p>
          <Link to="/staff">{t('office.area.backToStart')}</Link>
        </p>
      </Page>
    );

  const own = session.actor?.libraryId ?? null;
  const list = libraries.data ?? [];
  const pickedId = own ?? chosen ?? list[0]?.id;
  const found = list.find((l) => l.id === pickedId);
  // The pages wait for the list: their default periods are days and months in the library's time zone.
  // Only if the list cannot be read (or lacks their library) does a staff member of one library go on
  // with its id and the browser's zone.
  const library: OfficeLibrary | undefined = found
    ? { id: found.id, name: found.name, timeZone: found.timeZone, branches: found.branches }
    : own && (libraries.error !== undefined || libraries.data !== undefined)
      ? { id: own, name: own, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone }
      : undefined;

  const guard = (permission: string | string[], what: MessageId, page: ReactNode) =>
    (typeof permission === 'string' ? [permission] : permission).some((p) => session.can(p)) ? page : <Refused what={t(what)} />;

  return (
    <div className="office">
      <nav aria-label={t('office.area.nav')} className="office-nav">
        <ul className="tabs">
          <li>
            <NavLink to="/office" end>
              {t('office.area.overview')}
            </NavLink>
          </li>
          {mine.map((p) => (
            <li key={p.to}>
              <NavLink to={`/office/${p.to}`}>{t(p.label)}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      {own === null && list.length > 1 && (
        <div className="office-library narrow">
          <Select label={t('office.area.library')} value={pickedId ?? ''} onChange={(e) => setChosen(e.target.value)} options={list.map((l) => ({ value: l.id, label: t('office.area.libraryOption', { name: l.name, id: l.id }) }))} />
        </div>
      )}
      {libraries.error !== undefined && !library ? (
        <Page title={t('office.area.title')}>
          <ErrorMessage error={libraries.error} />
        </Page>
      ) : !library ? (
        <Page title={t('office.area.title')}>
          <p className="loading">{t('office.area.loading')}</p>
        </Page>
      ) : (
        <LibraryContext.Provider value={library}>
          <Routes>
            <Route index element={<OfficeHome pages={mine} library={library} />} />
            <Route path="legal-requests" element={guard('disclosure.read', 'office.page.legalRequests.what', <LegalRequestsPage />)} />
            <Route path="legal-requests/new" element={guard('disclosure.receive', 'office.page.recordRequest.what', <NewLegalRequestPage />)} />
            <Route path="legal-requests/:requestId" element={guard('disclosure.read', 'office.page.legalRequests.what', <LegalRequestPage />)} />
            <Route path="legal-holds" element={guard('legal-hold.manage', 'office.page.legalHolds.what', <LegalHoldsPage />)} />
            <Route path="retention" element={guard('retention.run', 'office.page.retention.what', <RetentionPage />)} />
            <Route path="audit-report" element={guard('audit.read', 'office.page.auditReport.what', <AuditReportPage />)} />
            <Route path="transparency" element={guard('transparency.read', 'office.page.transparency.what', <TransparencyPage />)} />
            <Route path="statistics" element={guard('statistics.read', 'office.page.statistics.what', <StatisticsPage />)} />
            <Route path="complaints" element={guard('complaints.answer', 'office.page.complaints.what', <ComplaintsPage />)} />
            <Route
              path="patron-records"
              element={guard('access-log.read', 'office.area.accessLog.what', guard('services.review', 'office.area.serviceRecords.what', <PatronRecordsPage />))}
            />
            {/* Any staff member may read the register (GET); adding and confirming are for records.manage, which the page checks. */}
            <Route path="record-series" element={<RecordSeriesPage />} />
            <Route path="catalogue" element={guard('items.manage', 'office.page.catalogue.what', <CataloguePage />)} />
            <Route path="libraries" element={guard('library.administer', 'office.page.libraries.what', <LibrariesPage onAdded={libraries.reload} />)} />
            <Route path="staff" element={guard('staff.manage', 'office.page.staff.what', <StaffPage />)} />
            <Route path="library-setup" element={guard('library.read', 'office.page.librarySetup.what', <LibrarySetupPage />)} />
            <Route path="sip2-accounts" element={guard('library.administer', 'office.page.sip2Accounts.what', <Sip2AccountsPage />)} />
            <Route path="vendors" element={guard('library.administer', 'office.page.vendors.what', <VendorsPage />)} />
            <Route path="notices" element={guard(['notices.read', 'notices.manage'], 'office.page.notices.what', <NoticesPage />)} />
            <Route path="breaches" element={guard('breach.manage', 'office.page.breaches.what', <BreachesPage />)} />
            <Route
              path="*"
              element={
                <Page title={t('office.area.notFound.title')}>
                  <p>{t('office.area.notFound')}</p>
                </Page>
              }
            />
          </Routes>
        </LibraryContext.Provider>
      )}
    </div>
  );
}

function Refused({ what }: { what: string }) {
  const t = useT();
  return (
    <Page title={t('office.area.refused.title')}>
      <NotYours what={what} />
    </Page>
  );
}

function OfficeHome({ pages, library }: { pages: typeof PAGES; library: OfficeLibrary }) {
  const t = useT();
  const location = useLocation();
  return (
    <Page title={t('office.area.title')}>
      <Notice>{(location.state as { notice?: string } | null)?.notice}</Notice>
      <p>{tRich('office.area.intro', { name: library.name, strong: (chunks) => <strong>{chunks}</strong> })}</p>
      <div className="cards">
        {pages.map((p) => (
          <section key={p.to} className="card" aria-labelledby={`office-${p.to}`}>
            <h2 id={`office-${p.to}`}>{t(p.label)}</h2>
            <p>{t(p.about)}</p>
            <Link to={`/office/${p.to}`}>{t(p.link)}</Link>
          </section>
        ))}
      </div>
    </Page>
  );
}
