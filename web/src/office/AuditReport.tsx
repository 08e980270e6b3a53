import { useState, type FormEvent, type ReactNode } from 'react';
import { api, download, query } from '../api';
import { ErrorMessage, Field, Page, Table, useAction, useLoad } from '../ui/components';
import { plural, problemAbout, useLibrary, when } from './common';
import type { AuditReport } from './types';

/** A role as the access log records it, in words. */
const ROLE_WORDS: Record<string, string> = {
  volunteer: 'volunteer',
  circulation: 'circulation clerk',
  librarian: 'librarian',
  'branch-manager': 'branch manager',
  director: 'director / privacy officer',
  admin: 'system administrator',
  system: 'the system',
  patron: 'the patron',
  guardian: 'a guardian',
};
const roleWords = (role: string) => ROLE_WORDS[role] ?? role;

/** The privacy audit report (CB-I), rendered from its JSON: findings first, then questions (a) to (e). */
export function AuditReportPage() {
  const library = useLibrary();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [period, setPeriod] = useState<{ from?: string; to?: string }>({});
  const path = (format?: 'md' | 'html') => `/libraries/${encodeURIComponent(library.id)}/audit-report${query({ format, from: period.from, to: period.to })}`;
  const report = useLoad(() => api<AuditReport>('GET', path()), [library.id, period.from, period.to]);
  const saving = useAction();

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setPeriod({ ...(from ? { from } : {}), ...(to ? { to } : {}) });
  };

  const r = report.data;
  return (
    <Page
      title="Privacy audit report"
      actions={
        <div className="actions">
          <button type="button" className="secondary" disabled={saving.busy} onClick={() => void saving.run(() => download(path('html'), `audit-report-${library.id}.html`))}>
            Download as HTML
          </button>
          <button type="button" className="secondary" disabled={saving.busy} onClick={() => void saving.run(() => download(path('md'), `audit-report-${library.id}.md`))}>
            Download as Markdown
          </button>
        </div>
      }
    >
      <ErrorMessage error={saving.error} />
      <form className="office-period" onSubmit={apply} aria-label="Access-log period">
        <Field label="Access log from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} error={problemAbout(report.error, 'from')} />
        <Field label="To (not included)" type="date" value={to} onChange={(e) => setTo(e.target.value)} error={problemAbout(report.error, 'to')} />
        <button type="submit" className="secondary">
          Show this period
        </button>
      </form>
      <p className="hint">Leave the dates empty for the three years up to today. The period applies to the access-log counts; everything else is as of now.</p>
      <ErrorMessage error={report.error} />
      {report.loading && <p className="loading">Generating the report from the live system…</p>}
      {r && !report.loading && <Report report={r} />}
    </Page>
  );
}

function Report({ report: r }: { report: AuditReport }) {
  return (
    <div className="office-report">
      <p>
        {r.library.name} ({r.library.id}). Policy profile: {r.profile.name}, {r.profile.jurisdiction} (version {r.profile.version}, effective {r.profile.effective}). Generated{' '}
        {when(r.generatedAt)} from the live system; it answers the five questions of the privacy audit ({r.clause}) and names no patron. Access-log period: {r.period.from} up to, not
        including, {r.period.to} ({r.library.timeZone}).
      </p>

      <nav aria-label="Sections of the report" className="office-toc">
        <ul>
          <li>
            <a href="#audit-findings">Findings{r.findings.length > 0 ? ` (${r.findings.length})` : ''}</a>
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

      <Section id="audit-findings" title="Findings">
        {r.findings.length === 0 ? (
          <p>
            No findings: nothing was past its retention at {when(r.retention.check.asOf)}, and no record series kept outside Carrel is due for disposal.
          </p>
        ) : (
          <ul>
            {r.findings.map((f, i) => (
              <li key={i} className="finding">
                Finding: {f.text}
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section id="audit-a" title={r.collected.question}>
        <Table caption="Record categories, their fields, and how many are held now" columns={['Category', 'Fields', 'Held now']}>
          {r.collected.categories.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.name}</th>
              <td>{c.fields.join(', ')}</td>
              <td>
                {c.held.length === 0
                  ? '—'
                  : c.held.map((h) => (
                      <div key={h.label}>
                        {h.label}: {h.count}
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </Table>
      </Section>

      <Section id="audit-b" title={r.purposes.question}>
        <Table caption="Purpose and legal basis of each category" columns={['Category', 'Purpose', 'Legal basis', 'Clauses']}>
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

      <Section id="audit-c" title={r.access.question}>
        <p>Staff roles come from the role table the software enforces; a role reaches a category only through the permissions named.</p>
        <Table caption="Who can access each category" columns={['Category', 'Declared access', 'Staff roles (permissions)']}>
          {r.access.categories.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.name}</th>
              <td>{c.declared.join('; ')}</td>
              <td>
                {c.roles.length === 0
                  ? 'none'
                  : c.roles.map((role) => (
                      <div key={role.role}>
                        {role.name} ({role.permissions.join(', ')})
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </Table>
        <h3>Roles and the purposes they may name</h3>
        <Table caption="Purposes for reading a record outside a transaction" columns={['Role', 'Purposes']}>
          {r.access.roles.map((role) => (
            <tr key={role.role}>
              <th scope="row">{role.name}</th>
              <td>{role.purposes.length === 0 ? 'none (reads no record outside a transaction)' : role.purposes.join(', ')}</td>
            </tr>
          ))}
        </Table>
        <h3>
          Access log, {r.access.accessLog.period.from} to {r.access.accessLog.period.to}
        </h3>
        <p>
          {plural(r.access.accessLog.total, 'entry', 'entries')} about this library’s patrons in the period. The log is kept {plural(r.access.accessLog.retention.months, 'month')} (
          {r.access.accessLog.retention.clause}); its oldest entry held now is of {when(r.access.accessLog.oldestEntryAt)}.
        </p>
        <Table caption="Entries by role and purpose" columns={['Role', 'Purpose', { label: 'Entries', num: true }]}>
          {r.access.accessLog.byRolePurpose.map((row) => (
            <tr key={`${row.role}/${row.purpose}`}>
              <th scope="row">{roleWords(row.role)}</th>
              <td>{row.purpose}</td>
              <td className="num">{row.entries}</td>
            </tr>
          ))}
        </Table>
        <Table caption="Entries by record category" columns={['Category', { label: 'Entries', num: true }, 'By role']}>
          {r.access.accessLog.byCategory.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.name}</th>
              <td className="num">{c.entries}</td>
              <td>{c.byRole.length === 0 ? '—' : c.byRole.map((b) => `${roleWords(b.role)}: ${b.entries}`).join('; ')}</td>
            </tr>
          ))}
        </Table>
      </Section>

      <Section id="audit-d" title={r.storage.question}>
        <ul>
          {r.storage.statements.map((s, i) => (
            <li key={i}>{s}</li>
          ))}
        </ul>
        <Table caption="Where each category is stored" columns={['Category', 'Tables', 'Sealed (encrypted) fields', 'Blind indexes']}>
          {r.storage.categories.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.name}</th>
              <td>{c.tables.join(', ')}</td>
              <td>{c.sealed.length === 0 ? 'none' : c.sealed.join(', ')}</td>
              <td>{c.indexed.length === 0 ? 'none' : c.indexed.join(', ')}</td>
            </tr>
          ))}
        </Table>
      </Section>

      <Section id="audit-e" title={r.retention.question}>
        <p>
          Overdue: what the retention engine, run dry for this library at {when(r.retention.check.asOf)} (the report’s time less {plural(r.retention.check.graceHours, 'hour')} for the
          scheduled run), would have disposed of. A record counted there is past its retention and still held.
        </p>
        <Table caption="Retention rule, disposal and last run of each category" columns={['Category', 'Rule', 'Clause', 'Disposal', 'Last run', 'Overdue']}>
          {r.retention.categories.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.name}</th>
              <td>
                {c.rule}
                {c.note && <div className="hint">{c.note}</div>}
              </td>
              <td>{c.clause}</td>
              <td>{c.disposal}</td>
              <td>{c.lastRun ? `${when(c.lastRun.asOf)} (${c.lastRun.status}): ${c.lastRun.disposed} disposed of, ${c.lastRun.kept} kept` : 'no run yet'}</td>
              <td className={c.overdue ? 'finding' : undefined}>
                {c.overdue === null ? 'not disposed of by the retention engine' : c.overdue === 0 ? 'none' : `Finding: ${c.overdue} overdue`}
              </td>
            </tr>
          ))}
        </Table>
        <h3>Retention runs (latest {r.retention.runs.length})</h3>
        {r.retention.runs.length === 0 ? (
          <p>No retention run has been recorded for this library.</p>
        ) : (
          <ul>
            {r.retention.runs.map((run, i) => (
              <li key={i}>
                As of {when(run.asOf)}: {run.status}, {run.finishedAt ? `finished ${when(run.finishedAt)}` : 'not finished'} (profile version {run.profileVersion});{' '}
                {run.receipts.reduce((s, x) => s + x.disposed, 0)} disposed of, {run.receipts.reduce((s, x) => s + x.kept, 0)} kept.
              </li>
            ))}
          </ul>
        )}
        <h3>Records kept outside Carrel</h3>
        {r.retention.externalRecords.length === 0 ? (
          <p>The register holds no record series kept outside Carrel.</p>
        ) : (
          <Table caption="Record series kept outside Carrel" columns={['Series', 'Medium', 'Kept', 'Clause', 'Last confirmed disposal', 'Due']}>
            {r.retention.externalRecords.map((s) => (
              <tr key={s.code}>
                <th scope="row">{s.name}</th>
                <td>{s.medium}</td>
                <td>at most {plural(s.retentionDays, 'day')}</td>
                <td>{s.clause ?? '—'}</td>
                <td>{s.lastDisposal ? `through ${when(s.lastDisposal.disposedThrough)} (${s.lastDisposal.method})` : 'none confirmed'}</td>
                <td className={s.due ? 'finding' : undefined}>{s.due ? `Finding: due${s.overdueSince ? ` since ${when(s.overdueSince)}` : ''}` : 'not due'}</td>
              </tr>
            ))}
          </Table>
        )}
      </Section>
      <p className="hint">Report format {r.format}.</p>
    </div>
  );
}

/** One of the report's sections, named by its heading (the table of contents links to `id`). */
function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}
