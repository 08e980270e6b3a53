import { useState } from 'react';
import { api } from '../api';
import { useSession } from '../session';
import { day, ErrorMessage, Notice, Page, useAction, useLoad } from '../ui/components';
import { categoryName, Confirm, plural, useFocusTarget, useLibrary, when } from './common';
import type { RecordSeries, RetentionReceipt, RetentionRunAnswer, RetentionRuns, Verification } from './types';

const DUE_REASONS: Record<string, string> = {
  'never-confirmed': 'no disposal ever confirmed',
  'confirmation-behind-cutoff': 'the last confirmed disposal is older than the retention allows',
  'confirmed-through-cutoff': 'disposal confirmed up to the cutoff',
  'within-retention-since-registered': 'registered too recently to be due',
};

/** The retention dashboard: the access log's integrity, what is due, running retention now, the last runs. */
export function RetentionPage() {
  const library = useLibrary();
  const session = useSession();
  const lib = encodeURIComponent(library.id);
  const runs = useLoad(() => api<RetentionRuns>('GET', `/libraries/${lib}/retention/runs`), [lib]);
  const due = useLoad(() => api<RecordSeries[]>('GET', `/libraries/${lib}/record-series/due`), [lib]);

  return (
    <Page title="Retention">
      <p>
        Carrel disposes of each kind of record when the library’s policy says so; every run leaves a receipt of what it disposed of and what it kept, and why. Records kept outside
        Carrel (camera footage, paper sheets) are disposed of by hand and confirmed.
      </p>
      {session.can('access-log.verify') && <LogStatus />}

      <section aria-labelledby="ret-due">
        <h2 id="ret-due">Due for disposal</h2>
        <h3>Records kept outside Carrel</h3>
        <ErrorMessage error={due.error} />
        {due.loading && !due.data && <p className="loading">Loading…</p>}
        {due.data && due.data.length === 0 && <p>No record series kept outside Carrel is due for disposal.</p>}
        {due.data && due.data.length > 0 && (
          <div className="table-scroll">
            <table>
              <caption>{plural(due.data.length, 'series', 'series')} due for disposal now</caption>
              <thead>
                <tr>
                  <th scope="col">Series</th>
                  <th scope="col">Medium</th>
                  <th scope="col">Kept at most</th>
                  <th scope="col">Destroy everything recorded before</th>
                  <th scope="col">Overdue since</th>
                  <th scope="col">Last confirmed disposal</th>
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
                    <td>{plural(s.retentionDays, 'day')}</td>
                    <td>{when(s.due.dueThrough)}</td>
                    <td className={s.due.overdueSince ? 'finding' : undefined}>
                      {s.due.overdueSince ? `Overdue since ${when(s.due.overdueSince)}` : '—'}
                      <div className="hint">{DUE_REASONS[s.due.reason] ?? s.due.reason}</div>
                    </td>
                    <td>{s.lastDisposal ? `through ${when(s.lastDisposal.disposedThrough)} (${s.lastDisposal.method})` : 'none confirmed'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <h3>Records in Carrel</h3>
        <DryRun />
      </section>

      {session.can('retention.run') && <RunNow onRun={() => runs.reload()} />}

      <section aria-labelledby="ret-runs">
        <h2 id="ret-runs">Last runs and their receipts</h2>
        <ErrorMessage error={runs.error} />
        {runs.loading && !runs.data && <p className="loading">Loading…</p>}
        {runs.data && (
          <p>
            Policy profile {runs.data.profile.id}, version {runs.data.profile.version}. {runs.data.runs.length === 0 ? 'No retention run is recorded yet.' : `The latest ${plural(runs.data.runs.length, 'run')}, newest first.`}
          </p>
        )}
        {runs.data?.runs.map((run, index) => (
          <details key={run.id} className="office-run" open={index === 0}>
            <summary>
              Run as of {when(run.asOf)}: <span className={run.status === 'finished' ? 'badge' : 'badge warn'}>{run.status}</span>, disposed of{' '}
              {run.receipts.reduce((s, r) => s + r.disposed, 0)}, kept {run.receipts.reduce((s, r) => s + r.kept, 0)}
            </summary>
            <p className="hint">
              Run {run.id}: started {when(run.startedAt)}, {run.finishedAt ? `finished ${when(run.finishedAt)}` : 'not finished'}; profile version {run.profileVersion}.
            </p>
            <Receipts caption={`Receipts of the run as of ${when(run.asOf)}`} receipts={run.receipts} />
          </details>
        ))}
      </section>
    </Page>
  );
}

type ReceiptRow = Pick<RetentionReceipt, 'category' | 'rule' | 'clause' | 'disposal' | 'disposed' | 'kept' | 'held'> & { skipped?: { reason: string; nextSweepAfter: string } };

function Receipts({ caption, receipts }: { caption: string; receipts: ReceiptRow[] }) {
  return (
    <div className="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Category</th>
            <th scope="col">Rule</th>
            <th scope="col">Clause</th>
            <th scope="col">Disposal</th>
            <th scope="col" className="num">
              Disposed of
            </th>
            <th scope="col" className="num">
              Kept
            </th>
            <th scope="col" className="num">
              Of which under legal hold
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
                  not swept (next after {when(r.skipped.nextSweepAfter)})
                </td>
              ) : (
                <>
                  <td className="num">{r.disposed}</td>
                  <td className="num">{r.kept}</td>
                  <td className="num">{r.held}</td>
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
  const check = useLoad(() => api<Verification>('GET', '/access-log/verification'), []);
  return (
    <section aria-labelledby="ret-log">
      <h2 id="ret-log">Access log</h2>
      <ErrorMessage error={check.error} />
      {check.loading && <p className="loading">Verifying the access log…</p>}
      {check.data &&
        (check.data.ok ? (
          <div className="notice" role="status">
            <p>
              <strong>Intact.</strong> {plural(check.data.entries, 'entry', 'entries')} in {plural(check.data.chains.length, 'chain')} verified {when(check.data.verifiedAt)}: no entry
              edited, missing or out of order.
            </p>
          </div>
        ) : (
          <div className="error" role="alert">
            <p>
              <strong>Broken.</strong> The access log does not verify ({plural(check.data.broken.length, 'broken link')}). First: {check.data.firstBroken?.problem} —{' '}
              {check.data.firstBroken?.detail}
            </p>
          </div>
        ))}
      {check.data && (
        <p className="hint">
          {check.data.chains.map((c) => `Chain ${c.chain}: ${plural(c.entries, 'entry', 'entries')}${c.head ? `, head ${c.head.seq} (${c.head.hash.slice(0, 16)}…)` : ''}`).join('; ')}.
          Keep the head’s hash elsewhere: a later truncation then shows.
        </p>
      )}
      <button type="button" className="secondary" onClick={check.reload} disabled={check.loading}>
        Verify again
      </button>
    </section>
  );
}

/** What a run would dispose of now: the engine run dry (nothing changes, no receipt). */
function DryRun() {
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
      <p>The engine can count what a run would dispose of now, without changing anything or leaving a receipt.</p>
      <button type="button" className="secondary" onClick={() => void check()} disabled={busy}>
        Check what is due now
      </button>
      <ErrorMessage error={error} />
      {mine && (
        <>
          <p role="status">
            A run now would dispose of {mine.categories.reduce((s, c) => s + c.disposed, 0)} records and keep{' '}
            {mine.categories.reduce((s, c) => s + c.kept, 0)} past their period for a reason (checked {when(answer?.asOf)}).
            {skipped > 0 ? ` ${plural(skipped, 'category', 'categories')} swept once a year ${skipped === 1 ? 'is' : 'are'} not due now, and not counted.` : ''}
          </p>
          <Receipts caption="What a run would do now (dry run)" receipts={mine.categories} />
        </>
      )}
    </div>
  );
}

function RunNow({ onRun }: { onRun: () => void }) {
  const library = useLibrary();
  const { run, busy, error } = useAction();
  const [done, setDone] = useState<string | undefined>(undefined);
  const heading = useFocusTarget<HTMLHeadingElement>();
  const start = async () => {
    setDone(undefined);
    const result = await run(() => api<RetentionRunAnswer>('POST', '/retention/runs', { libraryId: library.id }));
    const mine = result?.libraries.find((l) => l.libraryId === library.id);
    if (result && mine) {
      setDone(
        `Retention ran as of ${when(result.asOf)}: ${mine.categories.reduce((s, c) => s + c.disposed, 0)} records disposed of, ${mine.categories.reduce((s, c) => s + c.kept, 0)} kept for a reason${
          mine.runId ? ` (run ${mine.runId})` : ''
        }. Its receipt is below.`,
      );
      onRun();
      heading.focus();
    }
  };
  return (
    <section aria-labelledby="ret-run">
      <h2 id="ret-run" ref={heading.ref} tabIndex={-1}>
        Run retention now
      </h2>
      <p>
        The same run Carrel does every night, now. Whatever is past its retention is disposed of for good: patron–item links broken, records deleted, data keys shredded. Nothing under
        a legal hold is touched.
      </p>
      <Confirm
        label="Run retention now"
        question={<p>Run retention for {library.name} now? What it disposes of cannot be recovered.</p>}
        confirmLabel="Yes, run it"
        onConfirm={start}
        busy={busy}
        danger
      />
      <ErrorMessage error={error} />
      <Notice>{done}</Notice>
      {busy && <p className="loading">Running… (as of {day(new Date().toISOString())})</p>}
    </section>
  );
}
