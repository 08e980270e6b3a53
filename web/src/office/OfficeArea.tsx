import { useState, type ReactNode } from 'react';
import { Link, NavLink, Route, Routes, useLocation } from 'react-router';
import { api } from '../api';
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
const PAGES: { to: string; label: string; permission: string; anyOf?: string[]; what: string; about: string; link?: string }[] = [
  {
    to: 'legal-requests',
    label: 'Legal requests',
    permission: 'disclosure.read',
    what: 'the legal-request register',
    about: 'Court orders, subpoenas and other requests for patron records: review, decide, release or withdraw.',
  },
  {
    // Any desk may be handed a request and must record it (IF-8, JC-IVd-le): a clerk holds this and none
    // of the director's pages, and reaches it from here.
    to: 'legal-requests/new',
    label: 'Record a legal request',
    permission: 'disclosure.receive',
    what: 'recording legal requests',
    about: 'A court order, subpoena or other request for patron records handed to you: record it as presented, then refer it to the director.',
    link: 'Record a request handed to you',
  },
  {
    to: 'legal-holds',
    label: 'Legal holds',
    permission: 'legal-hold.manage',
    what: 'legal holds',
    about: 'Keep named patrons’ records from retention while a legal matter is open, and let them go after.',
  },
  {
    to: 'retention',
    label: 'Retention',
    permission: 'retention.run',
    what: 'running retention',
    about: 'The retention engine’s last runs and their receipts, what is due for disposal, and the access log’s integrity.',
  },
  {
    to: 'audit-report',
    label: 'Audit report',
    permission: 'audit.read',
    what: 'the privacy audit report',
    about: 'The privacy audit report generated from the live system: what is kept, why, who sees it, where and for how long.',
  },
  {
    to: 'transparency',
    label: 'Transparency report',
    permission: 'transparency.read',
    what: 'the transparency report',
    about: 'Legal requests by instrument and outcome, legal holds and complaints, for publication.',
  },
  {
    to: 'statistics',
    label: 'Statistics',
    permission: 'statistics.read',
    what: 'statistics',
    about: 'Loans, registrations, program sign-ups and computer use by month, branch or age band; small counts hidden.',
  },
  {
    to: 'complaints',
    label: 'Complaints',
    permission: 'complaints.answer',
    what: 'answering complaints',
    about: 'Written complaints to the director, with their due dates, and the answers.',
  },
  {
    to: 'patron-records',
    label: 'Access log and service records',
    permission: 'access-log.read',
    what: 'a patron’s access log and service records',
    about: 'Who looked at a patron’s record, and the patron’s service records, for a named purpose (computer logs only for a violation review).',
  },
  {
    to: 'record-series',
    label: 'Records kept outside Carrel',
    permission: 'records.manage',
    what: 'managing records kept outside Carrel',
    about: 'The register of camera footage, paper sheets and other records kept outside Carrel: what is due for disposal, and confirming it.',
  },
  {
    to: 'catalogue',
    label: 'Catalogue',
    permission: 'items.manage',
    what: 'the catalogue',
    about: 'Add items to the catalogue and look one up by barcode.',
  },
  {
    to: 'libraries',
    label: 'Libraries',
    permission: 'library.administer',
    what: 'the installation’s libraries',
    about: 'The libraries of this installation, and adding one.',
  },
  // Staff accounts (issue 15)
  {
    to: 'staff',
    label: 'Staff',
    permission: 'staff.manage',
    what: 'managing staff accounts',
    about: 'The library’s staff accounts: add one, disable or re-enable it, change its roles, reset its password.',
  },
  // The library's configuration (issue 15): listed for administrators; desk staff holding library.read may open it read-only.
  {
    to: 'library-setup',
    label: 'Library setup',
    permission: 'library.administer',
    what: 'the library’s setup',
    about: 'Settings, branches and their hours, closed days and holidays, patron categories, item types and the circulation matrix.',
  },
  // SIP2 accounts (issue 16)
  {
    to: 'sip2-accounts',
    label: 'SIP2 accounts',
    permission: 'library.administer',
    what: 'the library’s SIP2 accounts',
    about: 'Self-check kiosks, returns sorters and authentication clients: add one, limit what it receives, disable it, reset its password.',
  },
  // Vendors and single sign-on (issue 19)
  {
    to: 'vendors',
    label: 'Vendors and sign-on',
    permission: 'library.administer',
    what: 'the library’s vendors',
    about: 'E-content services, databases and EZproxy instances patrons sign in to with their card: add one, see what it may receive, disable it, reset its secret.',
  },
  // Notices (issue 17): settings and templates for notices.manage, failed notices and letters for desk staff holding notices.read.
  {
    to: 'notices',
    label: 'Notices',
    permission: 'notices.read',
    anyOf: ['notices.read', 'notices.manage'],
    what: 'the library’s notices',
    about: 'When notices go and what they say (with a preview), failed notices to retry, and letters to print and post.',
  },
  {
    to: 'breaches',
    label: 'Breaches',
    permission: 'breach.manage',
    what: 'the breach register',
    about: 'Record a breach of patron records, tell the patrons affected, and see the register with how their notices went.',
  },
];

interface LibraryRow {
  id: string;
  name: string;
  timeZone: string;
}

/** The director's (privacy officer's) office: legal requests, legal holds, retention, reports, statistics. */
export function OfficeArea() {
  const session = useSession();
  const mine = PAGES.filter((p) => (p.anyOf ?? [p.permission]).some((permission) => session.can(permission)));
  const libraries = useLoad(() => api<LibraryRow[]>('GET', '/libraries'), []);
  const [chosen, setChosen] = useState<string | undefined>(undefined);

  if (mine.length === 0)
    return (
      <Page title="Office">
        <NotYours what="any of the office’s duties (legal requests, retention, the privacy reports, statistics)" />
        <p>
          <Link to="/staff">Back to your start page</Link>
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
    ? { id: found.id, name: found.name, timeZone: found.timeZone }
    : own && (libraries.error !== undefined || libraries.data !== undefined)
      ? { id: own, name: own, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone }
      : undefined;

  const guard = (permission: string | string[], what: string, page: ReactNode) =>
    (typeof permission === 'string' ? [permission] : permission).some((p) => session.can(p)) ? page : <Refused what={what} />;

  return (
    <div className="office">
      <nav aria-label="Office" className="office-nav">
        <ul className="tabs">
          <li>
            <NavLink to="/office" end>
              Overview
            </NavLink>
          </li>
          {mine.map((p) => (
            <li key={p.to}>
              <NavLink to={`/office/${p.to}`}>{p.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      {own === null && list.length > 1 && (
        <div className="office-library narrow">
          <Select label="Library" value={pickedId ?? ''} onChange={(e) => setChosen(e.target.value)} options={list.map((l) => ({ value: l.id, label: `${l.name} (${l.id})` }))} />
        </div>
      )}
      {libraries.error !== undefined && !library ? (
        <Page title="Office">
          <ErrorMessage error={libraries.error} />
        </Page>
      ) : !library ? (
        <Page title="Office">
          <p className="loading">Loading…</p>
        </Page>
      ) : (
        <LibraryContext.Provider value={library}>
          <Routes>
            <Route index element={<OfficeHome pages={mine} library={library} />} />
            <Route path="legal-requests" element={guard('disclosure.read', 'the legal-request register', <LegalRequestsPage />)} />
            <Route path="legal-requests/new" element={guard('disclosure.receive', 'recording legal requests', <NewLegalRequestPage />)} />
            <Route path="legal-requests/:requestId" element={guard('disclosure.read', 'the legal-request register', <LegalRequestPage />)} />
            <Route path="legal-holds" element={guard('legal-hold.manage', 'legal holds', <LegalHoldsPage />)} />
            <Route path="retention" element={guard('retention.run', 'running retention', <RetentionPage />)} />
            <Route path="audit-report" element={guard('audit.read', 'the privacy audit report', <AuditReportPage />)} />
            <Route path="transparency" element={guard('transparency.read', 'the transparency report', <TransparencyPage />)} />
            <Route path="statistics" element={guard('statistics.read', 'statistics', <StatisticsPage />)} />
            <Route path="complaints" element={guard('complaints.answer', 'answering complaints', <ComplaintsPage />)} />
            <Route
              path="patron-records"
              element={guard('access-log.read', 'a patron’s access log', guard('services.review', 'reviewing service records', <PatronRecordsPage />))}
            />
            {/* Any staff member may read the register (GET); adding and confirming are for records.manage, which the page checks. */}
            <Route path="record-series" element={<RecordSeriesPage />} />
            <Route path="catalogue" element={guard('items.manage', 'the catalogue', <CataloguePage />)} />
            <Route path="libraries" element={guard('library.administer', 'the installation’s libraries', <LibrariesPage onAdded={libraries.reload} />)} />
            <Route path="staff" element={guard('staff.manage', 'managing staff accounts', <StaffPage />)} />
            <Route path="library-setup" element={guard('library.read', 'the library’s setup', <LibrarySetupPage />)} />
            <Route path="sip2-accounts" element={guard('library.administer', 'the library’s SIP2 accounts', <Sip2AccountsPage />)} />
            <Route path="vendors" element={guard('library.administer', 'the library’s vendors', <VendorsPage />)} />
            <Route path="notices" element={guard(['notices.read', 'notices.manage'], 'the library’s notices', <NoticesPage />)} />
            <Route path="breaches" element={guard('breach.manage', 'the breach register', <BreachesPage />)} />
            <Route
              path="*"
              element={
                <Page title="Page not found">
                  <p>The office has no such page.</p>
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
  return (
    <Page title="Not for your role">
      <NotYours what={what} />
    </Page>
  );
}

function OfficeHome({ pages, library }: { pages: typeof PAGES; library: OfficeLibrary }) {
  const location = useLocation();
  return (
    <Page title="Office">
      <Notice>{(location.state as { notice?: string } | null)?.notice}</Notice>
      <p>
        The privacy office of <strong>{library.name}</strong>. Every page here shows counts, rules and the register; patrons appear by id only, and every look at a patron’s record is
        logged.
      </p>
      <div className="cards">
        {pages.map((p) => (
          <section key={p.to} className="card" aria-labelledby={`office-${p.to}`}>
            <h2 id={`office-${p.to}`}>{p.label}</h2>
            <p>{p.about}</p>
            <Link to={`/office/${p.to}`}>{p.link ?? `Open ${p.label.toLowerCase()}`}</Link>
          </section>
        ))}
      </div>
    </Page>
  );
}
