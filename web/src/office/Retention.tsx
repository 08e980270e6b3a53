import { useState, type ReactNode } from 'react';
import { api } from '../api';
import { t, tRich, useLanguage, useT, type MessageId } from '../i18n';
import { useSession } from '../session';
import { count, day, ErrorMessage, Notice, Page, useAction, useLoad } from '../ui/components';
import { categoryName, Confirm, useFocusTarget, useLibrary, when } from './common';
import type { RecordSeries, RetentionReceipt, RetentionRunAnswer, RetentionRuns, Verification } from './types';

/** Why a record series is, or is not, due for disposal. */
const DUE_REASONS: Record<string, MessageId> = {
  'never-confirmed': 'reportpages.retention.due.neverConfirmed',
  'confirmation-behind-cutoff': 'reportpages.retention.due.confirmationBehindCutoff',
  'confirmed-through-cutoff': 'reportpages.retention.due.confirmedThroughCutoff',
  'within-retention-since-registered': 'reportpages.retention.due.withinRetentionSinceRegistered',
};

/** A retention run's state. */
const RUN_STATUS: Record<string, MessageId> = {
  running: 'reportpages.runStatus.running',
  finished: 'reportpages.runStatus.finished',
  interrupted: 'reportpages.runStatus.interrupted',
};
const runStatus = (status: string) => (status in RUN_STATUS ? t(RUN_STATUS[status] as MessageId) : status);

/** What is wrong with a broken link of the access log's hash chains. */
const LINK_PROBLEMS: Record<string, MessageId> = {
  edited: 'reportpages.retention.log.problem.edited',
  missing: 'reportpages.retention.log.problem.missing',
  reordered: 'reportpages.retention.log.problem.reordered',
  'before-base': 'reportpages.retention.log.problem.beforeBase',
  'base-moved': 'reportpages.retention.log.problem.baseMoved',
  'head-mismatch': 'reportpages.retention.log.problem.headMismatch',
  unchained: 'reportpages.retention.log.problem.unchained',
};
const linkProblem = (problem: string | undefined) => (problem === undefined ? '' : problem in LINK_PROBLEMS ? t(LINK_PROBLEMS[problem] as MessageId) : problem);

/** The retention dashboard: the access log's integrity, what is due, running retention now, the last runs. */
export function RetentionPage() {
  const t = useT();
  const library = useLibrary();
  const session = useSession();
  const lib = encodeURIComponent(library.id);
  const { language } = useLanguage();
  // Receipts state their rule and disposal in the page's language.
  const runs = useLoad(() => api<RetentionRuns>('GET', `/libraries/${lib}/retention/runs?lang=${language}`), [lib, language]);
  const due = useLoad(() => api<RecordSeries[]>('GET', `/libraries/${lib}/record-series/due?lang=${language}`), [lib, language]);

  return (
    <Page title={t('reportpages.retention.title')}>
      <p>{t('reportpages.retention.intro')}</p>
      {session.can('access-log.verify') && <LogStatus />}

      <section aria-labelledby="ret-due">
        <h2 id="ret-due">{t('reportpages.retention.dueHeading')}</h2>
        <h3>{t('reportpages.retention.outsideHeading')}</h3>
        <ErrorMessage error={due.error} />
        {due.loading && !due.data && <p className="loading">{t('common.loading')}</p>}
        {due.data && due.data.length === 0 && <p>{t('reportpages.retention.noneDue')}</p>}
        {due.data && due.data.length > 0 && (
          <div className="table-scroll" tabIndex={0}>
            <table>
              <caption>{t('reportpages.retention.dueCaption', { count: due.data.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('reportpages.retention.col.series')}</th>
                  <th scope="col">{t('reportpages.retention.col.medium')}</th>
                  <th scope="col">{t('reportpages.retention.col.keptAtMost')}</th>
                  <th scope="col">{t('reportpages.retention.col.destroyBefore')}</th>
                  <th scope="col">{t('reportpages.retention.col.overdueSince')}</th>
                  <th scope="col">{t('reportpages.retention.col.lastDisposal')}</th>
                </tr>
              </thead>
              <tbody>
                {due.data.map((s) => (
                  <tr key={s.code}>
                    <th scope="row">
                      {s.name}
                      {s.clause && <span className="hint"> ({s.clause})</span>}
                    </th>
                    <td>{s.medium}</td>
                    <td>{t('reportpages.retention.days', { days: s.retentionDays })}</td>
                    <td>{when(s.due.dueThrough)}</td>
                    <td className={s.due.overdueSince ? 'finding' : undefined}>
                      {s.due.overdueSince ? t('reportpages.retention.overdueSince', { since: when(s.due.overdueSince) }) : '—'}
                      <div className="hint">{s.due.reason in DUE_REASONS ? t(DUE_REASONS[s.due.reason] as MessageId) : s.due.reason}</div>
                    </td>
                    <td>
                      {s.lastDisposal
                        ? t('reportpages.retention.disposedThrough', { through: when(s.lastDisposal.disposedThrough), method: s.lastDisposal.method })
                        : t('reportpages.retention.noneConfirmed')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <h3>{t('reportpages.retention.inCarrelHeading')}</h3>
        <DryRun />
      </section>

      {session.can('retention.run') && <RunNow onRun={() => runs.reload()} />}

      <section aria-labelledby="ret-runs">
        <h2 id="ret-runs">{t('reportpages.retention.runsHeading')}</h2>
        <ErrorMessage error={runs.error} />
        {runs.loading && !runs.data && <p className="loading">{t('common.loading')}</p>}
        {runs.data && (
          <p>
            {runs.data.runs.length === 0
              ? t('reportpages.retention.runsIntroNone', { profile: runs.data.profile.id, version: runs.data.profile.version })
              : t('reportpages.retention.runsIntro', { profile: runs.data.profile.id, version: runs.data.profile.version, count: runs.data.runs.length })}
          </p>
        )}
        {runs.data?.runs.map((run, index) => (
          <details key={run.id} className="office-run" open={index === 0}>
            <summary>
              {tRich('reportpages.retention.runSummary', {
                at: when(run.asOf),
                status: runStatus(run.status),
                disposed: run.receipts.reduce((s, r) => s + r.disposed, 0),
                kept: run.receipts.reduce((s, r) => s + r.kept, 0),
                badge: (chunks) => <span className={run.status === 'finished' ? 'badge' : 'badge warn'}>{chunks}</span>,
              })}
            </summary>
            <p className="hint">
              {run.finishedAt
                ? t('reportpages.retention.runFinished', { id: run.id, started: when(run.startedAt), finished: when(run.finishedAt), version: run.profileVersion })
                : t('reportpages.retention.runUnfinished', { id: run.id, started: when(run.startedAt), version: run.profileVersion })}
            </p>
            <Receipts caption={t('reportpages.retention.receiptsCaption', { at: when(run.asOf) })} receipts={run.receipts} />
          </details>
        ))}
      </section>
    </Page>
  );
}

type ReceiptRow = Pick<RetentionReceipt, 'category' | 'rule' | 'clause' | 'disposal' | 'disposed' | 'kept' | 'held'> & { skipped?: { reason: string; nextSweepAfter: string } };

function Receipts({ caption, receipts }: { caption: string; receipts: ReceiptRow[] }) {
  const t = useT();
  return (
    <div className="table-scroll" tabIndex={0}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('reportpages.retention.col.category')}</th>
            <th scope="col">{t('reportpages.retention.col.rule')}</th>
            <th scope="col">{t('reportpages.retention.col.clause')}</th>
            <th scope="col">{t('reportpages.retention.col.disposal')}</th>
            <th scope="col" className="num">
              {t('reportpages.retention.col.disposedOf')}
            </th>
            <th scope="col" className="num">
              {t('reportpages.retention.col.kept')}
            </th>
            <th scope="col" className="num">
              {t('reportpages.retention.col.underLegalHold')}
            </th>
          </tr>
        </thead>
        <tbody>
          {receipts.map((r) => (
            <tr key={r.category}>
              <th scope="row">{categoryName(r.category)}</th>
              <td>{r.rule}</td>
              <td>{r.clause}</td>
              <td>{r.disposal}</td>
              {r.skipped ? (
                // A category swept on its own schedule that is not due: nothing was counted, which is not zero.
                <td className="num" colSpan={3}>
                  {t('reportpages.retention.notSwept', { at: when(r.skipped.nextSweepAfter) })}
                </td>
              ) : (
                <>
                  <td className="num">{count(r.disposed)}</td>
                  <td className="num">{count(r.kept)}</td>
                  <td className="num">{count(r.held)}</td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The access log's hash chains, verified when the page opens. */
function LogStatus() {
  const t = useT();
  const check = useLoad(() => api<Verification>('GET', '/access-log/verification'), []);
  const strong = (chunks: ReactNode[]) => <strong>{chunks}</strong>;
  return (
    <section aria-labelledby="ret-log">
      <h2 id="ret-log">{t('reportpages.retention.log.heading')}</h2>
      <ErrorMessage error={check.error} />
      {check.loading && <p className="loading">{t('reportpages.retention.log.verifying')}</p>}
      {check.data &&
        (check.data.ok ? (
          <div className="notice" role="status">
            <p>{tRich('reportpages.retention.log.intact', { strong, entries: check.data.entries, chains: check.data.chains.length, at: when(check.data.verifiedAt) })}</p>
          </div>
        ) : (
          <div className="error" role="alert">
            <p>
              {tRich('reportpages.retention.log.broken', {
                strong,
                links: check.data.broken.length,
                problem: linkProblem(check.data.firstBroken?.problem),
                detail: check.data.firstBroken?.detail ?? '',
              })}
            </p>
          </div>
        ))}
      {check.data && (
        <p className="hint">
          {t('reportpages.retention.log.chains', {
            chains: check.data.chains
              .map((c) =>
                c.head
                  ? t('reportpages.retention.log.chainWithHead', { chain: c.chain, entries: c.entries, seq: c.head.seq, hash: c.head.hash.slice(0, 16) })
                  : t('reportpages.retention.log.chain', { chain: c.chain, entries: c.entries }),
              )
              .join('; '),
          })}
        </p>
      )}
      <button type="button" className="secondary" onClick={check.reload} disabled={check.loading}>
        {t('reportpages.retention.log.verifyAgain')}
      </button>
    </section>
  );
}

/** What a run would dispose of now: the engine run dry (nothing changes, no receipt). */
function DryRun() {
  const t = useT();
  const library = useLibrary();
  const { run, busy, error } = useAction();
  const [answer, setAnswer] = useState<RetentionRunAnswer | undefined>(undefined);
  const check = async () => {
    const result = await run(() => api<RetentionRunAnswer>('POST', '/retention/runs', { libraryId: library.id, dryRun: true }));
    if (result) setAnswer(result);
  };
  const mine = answer?.libraries.find((l) => l.libraryId === library.id);
  const skipped = mine?.categories.filter((c) => c.skipped).length ?? 0;
  return (
    <div>
      <p>{t('reportpages.retention.dryRun.intro')}</p>
      <button type="button" className="secondary" onClick={() => void check()} disabled={busy}>
        {t('reportpages.retention.dryRun.check')}
      </button>
      <ErrorMessage error={error} />
      {mine && (
        <>
          <p role="status">
            {t('reportpages.retention.dryRun.result', {
              disposed: mine.categories.reduce((s, c) => s + c.disposed, 0),
              kept: mine.categories.reduce((s, c) => s + c.kept, 0),
              at: when(answer?.asOf),
            })}
            {skipped > 0 ? ` ${t('reportpages.retention.dryRun.skipped', { count: skipped })}` : ''}
          </p>
          <Receipts caption={t('reportpages.retention.dryRun.caption')} receipts={mine.categories} />
        </>
      )}
    </div>
  );
}

function RunNow({ onRun }: { onRun: () => void }) {
  const t = useT();
  const library = useLibrary();
  const { run, busy, error } = useAction();
  const [done, setDone] = useState<string | undefined>(undefined);
  const heading = useFocusTarget<HTMLHeadingElement>();
  const start = async () => {
    setDone(undefined);
    const result = await run(() => api<RetentionRunAnswer>('POST', '/retention/runs', { libraryId: library.id }));
    const mine = result?.libraries.find((l) => l.libraryId === library.id);
    if (result && mine) {
      const counts = { at: when(result.asOf), disposed: mine.categories.reduce((s, c) => s + c.disposed, 0), kept: mine.categories.reduce((s, c) => s + c.kept, 0) };
      setDone(mine.runId ? t('reportpages.retention.run.doneWithId', { ...counts, runId: mine.runId }) : t('reportpages.retention.run.done', counts));
      onRun();
      heading.focus();
    }
  };
  return (
    <section aria-labelledby="ret-run">
      <h2 id="ret-run" ref={heading.ref} tabIndex={-1}>
        {t('reportpages.retention.run.heading')}
      </h2>
      <p>{t('reportpages.retention.run.intro')}</p>
      <Confirm
        label={t('reportpages.retention.run.heading')}
        question={<p>{t('reportpages.retention.run.question', { library: library.name })}</p>}
        confirmLabel={t('reportpages.retention.run.confirm')}
        onConfirm={start}
        busy={busy}
        danger
      />
      <ErrorMessage error={error} />
      <Notice>{done}</Notice>
      {busy && <p className="loading">{t('reportpages.retention.run.running', { day: day(new Date().toISOString()) })}</p>}
    </section>
  );
}
