import { useState, type FormEvent, type ReactNode } from 'react';
import { api, download, query } from '../api';
import { pageLanguage, t, useT, type MessageId } from '../i18n';
import { aboutField, count, day, ErrorMessage, Field, Page, Table, useAction, useLoad } from '../ui/components';
import { useLibrary, when } from './common';
import type { AuditReport } from './types';

/** A role as the access log records it, in words. */
const ROLE_WORDS: Record<string, MessageId> = {
  volunteer: 'reportpages.role.volunteer',
  circulation: 'reportpages.role.circulation',
  librarian: 'reportpages.role.librarian',
  'branch-manager': 'reportpages.role.branchManager',
  director: 'reportpages.role.director',
  admin: 'reportpages.role.admin',
  system: 'reportpages.role.system',
  patron: 'reportpages.role.patron',
  guardian: 'reportpages.role.guardian',
};
const roleWords = (role: string) => (role in ROLE_WORDS ? t(ROLE_WORDS[role] as MessageId) : role);

/** A purpose (why a record was read), as the access log and the role table name it. */
const PURPOSE_WORDS: Record<string, MessageId> = {
  circulation: 'reportpages.purpose.circulation',
  'account-service': 'reportpages.purpose.accountService',
  'materials-recovery': 'reportpages.purpose.materialsRecovery',
  'fines-collection': 'reportpages.purpose.finesCollection',
  'legal-disclosure': 'reportpages.purpose.legalDisclosure',
  statistics: 'reportpages.purpose.statistics',
  'self-service': 'reportpages.purpose.selfService',
  administration: 'reportpages.purpose.administration',
  retention: 'reportpages.purpose.retention',
  'violation-review': 'reportpages.purpose.violationReview',
  'guardian-access': 'reportpages.purpose.guardianAccess',
  authentication: 'reportpages.purpose.authentication',
  notices: 'reportpages.purpose.notices',
};
const purposeWords = (purpose: string) => (purpose in PURPOSE_WORDS ? t(PURPOSE_WORDS[purpose] as MessageId) : purpose);

/** A retention run's state. */
const RUN_STATUS: Record<string, MessageId> = {
  running: 'reportpages.runStatus.running',
  finished: 'reportpages.runStatus.finished',
  interrupted: 'reportpages.runStatus.interrupted',
};
const runStatus = (status: string) => (status in RUN_STATUS ? t(RUN_STATUS[status] as MessageId) : status);

/** The privacy audit report (CB-I), rendered from its JSON: findings first, then questions (a) to (e). */
export function AuditReportPage() {
  const t = useT();
  const library = useLibrary();
  // The report's own words (its questions, its findings) come from the server in the page's language.
  const lang = pageLanguage();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [period, setPeriod] = useState<{ from?: string; to?: string }>({});
  const path = (format?: 'md' | 'html') => `/libraries/${encodeURIComponent(library.id)}/audit-report${query({ format, from: period.from, to: period.to, lang })}`;
  const report = useLoad(() => api<AuditReport>('GET', path()), [library.id, period.from, period.to, lang]);
  const saving = useAction();

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setPeriod({ ...(from ? { from } : {}), ...(to ? { to } : {}) });
  };

  const r = report.data;
  return (
    <Page
      title={t('reportpages.audit.title')}
      actions={
        <div className="actions">
          <button type="button" className="secondary" disabled={saving.busy} onClick={() => void saving.run(() => download(path('html'), `audit-report-${library.id}.html`))}>
            {t('reportpages.audit.downloadHtml')}
          </button>
          <button type="button" className="secondary" disabled={saving.busy} onClick={() => void saving.run(() => download(path('md'), `audit-report-${library.id}.md`))}>
            {t('reportpages.audit.downloadMarkdown')}
          </button>
        </div>
      }
    >
      <ErrorMessage error={saving.error} />
      <form className="office-period" onSubmit={apply} aria-label={t('reportpages.audit.periodForm')}>
        <Field
          label={t('reportpages.audit.from')}
          type="date"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          error={aboutField(report.error, 'from', 'querystring/from')}
        />
        <Field label={t('reportpages.audit.to')} type="date" value={to} onChange={(e) => setTo(e.target.value)} error={aboutField(report.error, 'to', 'querystring/to')} />
        <button type="submit" className="secondary">
          {t('reportpages.audit.showPeriod')}
        </button>
      </form>
      <p className="hint">{t('reportpages.audit.periodHint')}</p>
      <ErrorMessage error={report.error} />
      {report.loading && <p className="loading">{t('reportpages.audit.generating')}</p>}
      {r && !report.loading && <Report report={r} />}
    </Page>
  );
}

/**
 * The tables a category is stored in. A table's name is an identifier, in no language: shown as code. A
 * table given with a note in words ("patrons (opt-in time)") is shown as the report words it.
 */
function tableNames(names: readonly string[]): ReactNode {
  return names.map((name, i) => (
    <span key={name}>
      {i > 0 && ', '}
      {/^[a-z_]+$/.test(name) ? <code translate="no">{name}</code> : name}
    </span>
  ));
}

function Report({ report: r }: { report: AuditReport }) {
  const t = useT();
  const none = t('reportpages.audit.none');
  return (
    <div className="office-report">
      <p>
        {t('reportpages.audit.intro', {
          library: r.library.name,
          libraryId: r.library.id,
          profile: r.profile.name,
          jurisdiction: r.profile.jurisdiction,
          version: r.profile.version,
          effective: day(r.profile.effective),
          generatedAt: when(r.generatedAt),
          clause: r.clause,
          from: day(r.period.from),
          to: day(r.period.to),
          timeZone: r.library.timeZone,
        })}
      </p>

      <nav aria-label={t('reportpages.audit.sections')} className="office-toc">
        <ul>
          <li>
            <a href="#audit-findings">{t('reportpages.audit.findingsLink', { count: r.findings.length })}</a>
          </li>
          {(
            [
              ['audit-a', r.collected.question],
              ['audit-b', r.purposes.question],
              ['audit-c', r.access.question],
              ['audit-d', r.storage.question],
              ['audit-e', r.retention.question],
            ] as const
          ).map(([id, question]) => (
            <li key={id}>
              <a href={`#${id}`}>{question}</a>
            </li>
          ))}
        </ul>
      </nav>

      <Section id="audit-findings" title={t('reportpages.audit.findings')}>
        {r.findings.length === 0 ? (
          <p>{t('reportpages.audit.noFindings', { at: when(r.retention.check.asOf) })}</p>
        ) : (
          <ul>
            {r.findings.map((f, i) => (
              <li key={i} className="finding">
                {t('reportpages.audit.finding', { text: f.text })}
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section id="audit-a" title={r.collected.question} collapsible>
        <Table
          caption={t('reportpages.audit.collected.caption')}
          columns={[t('reportpages.audit.col.category'), t('reportpages.audit.col.fields'), t('reportpages.audit.col.heldNow')]}
        >
          {r.collected.categories.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.name}</th>
              <td>{c.fields.join(', ')}</td>
              <td>
                {c.held.length === 0
                  ? '—'
                  : c.held.map((h) => (
                      <div key={h.label}>
                        {h.label}: {h.count === null ? (h.band ?? '') : count(h.count)}
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </Table>
      </Section>

      <Section id="audit-b" title={r.purposes.question} collapsible>
        <Table
          caption={t('reportpages.audit.purposes.caption')}
          columns={[t('reportpages.audit.col.category'), t('reportpages.audit.col.purpose'), t('reportpages.audit.col.legalBasis'), t('reportpages.audit.col.clauses')]}
        >
          {r.purposes.categories.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.name}</th>
              <td>{c.purpose}</td>
              <td>{c.legalBasis}</td>
              <td>{c.clauses.join(', ')}</td>
            </tr>
          ))}
        </Table>
      </Section>

      <Section id="audit-c" title={r.access.question} collapsible>
        <p>{t('reportpages.audit.access.rolesDerived')}</p>
        <Table
          caption={t('reportpages.audit.access.caption')}
          columns={[t('reportpages.audit.col.category'), t('reportpages.audit.col.declaredAccess'), t('reportpages.audit.col.staffRoles')]}
        >
          {r.access.categories.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.name}</th>
              <td>{c.declared.join('; ')}</td>
              <td>
                {c.roles.length === 0
                  ? none
                  : c.roles.map((role) => (
                      <div key={role.role}>
                        {role.name} ({(role.permissionNames ?? role.permissions).join(', ')})
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </Table>
        <h3>{t('reportpages.audit.access.rolesAndPurposes')}</h3>
        <Table caption={t('reportpages.audit.access.purposesCaption')} columns={[t('reportpages.audit.col.role'), t('reportpages.audit.col.purposes')]}>
          {r.access.roles.map((role) => (
            <tr key={role.role}>
              <th scope="row">{role.name}</th>
              <td>{role.purposes.length === 0 ? t('reportpages.audit.access.noPurposes') : role.purposes.map(purposeWords).join(', ')}</td>
            </tr>
          ))}
        </Table>
        <h3>{t('reportpages.audit.access.logHeading', { from: day(r.access.accessLog.period.from), to: day(r.access.accessLog.period.to) })}</h3>
        <p>
          {t('reportpages.audit.access.logSummary', {
            entries: r.access.accessLog.total,
            months: r.access.accessLog.retention.months,
            clause: r.access.accessLog.retention.clause,
            oldest: when(r.access.accessLog.oldestEntryAt),
          })}
        </p>
        <Table
          caption={t('reportpages.audit.access.byRolePurposeCaption')}
          columns={[t('reportpages.audit.col.role'), t('reportpages.audit.col.purpose'), { label: t('reportpages.audit.col.entries'), num: true }]}
        >
          {r.access.accessLog.byRolePurpose.map((row) => (
            <tr key={`${row.role}/${row.purpose}`}>
              <th scope="row">{roleWords(row.role)}</th>
              <td>{purposeWords(row.purpose)}</td>
              <td className="num">{count(row.entries)}</td>
            </tr>
          ))}
        </Table>
        <Table
          caption={t('reportpages.audit.access.byCategoryCaption')}
          columns={[t('reportpages.audit.col.category'), { label: t('reportpages.audit.col.entries'), num: true }, t('reportpages.audit.col.byRole')]}
        >
          {r.access.accessLog.byCategory.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.name}</th>
              <td className="num">{count(c.entries)}</td>
              <td>{c.byRole.length === 0 ? '—' : c.byRole.map((b) => t('reportpages.audit.access.roleEntries', { role: roleWords(b.role), entries: b.entries })).join('; ')}</td>
            </tr>
          ))}
        </Table>
      </Section>

      <Section id="audit-d" title={r.storage.question} collapsible>
        <ul>
          {r.storage.statements.map((s, i) => (
            <li key={i}>{s}</li>
          ))}
        </ul>
        <Table
          caption={t('reportpages.audit.storage.caption')}
          columns={[t('reportpages.audit.col.category'), t('reportpages.audit.col.tables'), t('reportpages.audit.col.sealed'), t('reportpages.audit.col.indexes')]}
        >
          {r.storage.categories.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.name}</th>
              <td>{tableNames(c.tables)}</td>
              <td>{c.sealed.length === 0 ? none : c.sealed.join(', ')}</td>
              <td>{c.indexed.length === 0 ? none : c.indexed.join(', ')}</td>
            </tr>
          ))}
        </Table>
      </Section>

      <Section id="audit-e" title={r.retention.question} collapsible>
        <p>{t('reportpages.audit.retention.check', { at: when(r.retention.check.asOf), hours: r.retention.check.graceHours })}</p>
        <Table
          caption={t('reportpages.audit.retention.caption')}
          columns={[
            t('reportpages.audit.col.category'),
            t('reportpages.audit.col.rule'),
            t('reportpages.audit.col.clause'),
            t('reportpages.audit.col.disposal'),
            t('reportpages.audit.col.lastRun'),
            t('reportpages.audit.col.overdue'),
          ]}
        >
          {r.retention.categories.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.name}</th>
              <td>
                {c.rule}
                {c.note && <div className="hint">{c.note}</div>}
              </td>
              <td>{c.clause}</td>
              <td>{c.disposal}</td>
              <td>
                {c.lastRun
                  ? t('reportpages.audit.retention.lastRun', { at: when(c.lastRun.asOf), status: runStatus(c.lastRun.status), disposed: c.lastRun.disposed, kept: c.lastRun.kept })
                  : t('reportpages.audit.retention.noRunYet')}
              </td>
              <td className={c.overdue ? 'finding' : undefined}>
                {c.overdue === null
                  ? t('reportpages.audit.retention.notByEngine')
                  : c.overdue === 0
                    ? none
                    : t('reportpages.audit.retention.overdue', { count: c.overdue })}
              </td>
            </tr>
          ))}
        </Table>
        <h3>{t('reportpages.audit.retention.runsHeading', { count: r.retention.runs.length })}</h3>
        {r.retention.runs.length === 0 ? (
          <p>{t('reportpages.audit.retention.noRuns')}</p>
        ) : (
          <ul>
            {r.retention.runs.map((run, i) => {
              const counts = {
                asOf: when(run.asOf),
                status: runStatus(run.status),
                version: run.profileVersion,
                disposed: run.receipts.reduce((s, x) => s + x.disposed, 0),
                kept: run.receipts.reduce((s, x) => s + x.kept, 0),
              };
              return (
                <li key={i}>
                  {run.finishedAt
                    ? t('reportpages.audit.retention.runFinished', { ...counts, finishedAt: when(run.finishedAt) })
                    : t('reportpages.audit.retention.runUnfinished', counts)}
                </li>
              );
            })}
          </ul>
        )}
        <h3>{t('reportpages.audit.outside.heading')}</h3>
        {r.retention.externalRecords.length === 0 ? (
          <p>{t('reportpages.audit.outside.none')}</p>
        ) : (
          <Table
            caption={t('reportpages.audit.outside.caption')}
            columns={[
              t('reportpages.audit.col.series'),
              t('reportpages.audit.col.medium'),
              t('reportpages.audit.col.kept'),
              t('reportpages.audit.col.clause'),
              t('reportpages.audit.col.lastDisposal'),
              t('reportpages.audit.col.due'),
            ]}
          >
            {r.retention.externalRecords.map((s) => (
              <tr key={s.code}>
                <th scope="row">{s.name}</th>
                <td>{s.medium}</td>
                <td>{t('reportpages.audit.outside.keptAtMost', { days: s.retentionDays })}</td>
                <td>{s.clause ?? '—'}</td>
                <td>
                  {s.lastDisposal
                    ? t('reportpages.audit.outside.disposedThrough', { through: when(s.lastDisposal.disposedThrough), method: s.lastDisposal.method })
                    : t('reportpages.audit.outside.noneConfirmed')}
                </td>
                <td className={s.due ? 'finding' : undefined}>
                  {s.due
                    ? s.overdueSince
                      ? t('reportpages.audit.outside.dueSince', { since: when(s.overdueSince) })
                      : t('reportpages.audit.outside.due')
                    : t('reportpages.audit.outside.notDue')}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Section>
      <p className="hint">{t('reportpages.audit.format', { format: r.format })}</p>
    </div>
  );
}

/**
 * One of the report's sections, named by its heading (the table of contents links to `id`). A long one
 * folds away under its heading (open to begin with).
 */
function Section({ id, title, collapsible, children }: { id: string; title: string; collapsible?: boolean; children: ReactNode }) {
  if (!collapsible)
    return (
      <section aria-labelledby={id}>
        <h2 id={id}>{title}</h2>
        {children}
      </section>
    );
  return (
    <section aria-labelledby={id}>
      <details className="office-section" open>
        <summary>
          <h2 id={id}>{title}</h2>
        </summary>
        {children}
      </details>
    </section>
  );
}
