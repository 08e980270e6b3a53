import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { day, ErrorMessage, Notice, Page, useAction, useLoad } from '../ui/components';
import { plural, problemAbout, TextArea, useLibrary, when } from './common';
import type { Complaint } from './types';

/** Written complaints to the director (JC-VIII): each due for an answer in 30 days, overdue ones flagged. */
export function ComplaintsPage() {
  const library = useLibrary();
  const [openOnly, setOpenOnly] = useState(true);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const list = useLoad(() => api<Complaint[]>('GET', `/libraries/${encodeURIComponent(library.id)}/complaints${openOnly ? '?open=true' : ''}`), [library.id, openOnly]);

  return (
    <Page title="Complaints">
      <p>
        Written complaints about the library’s handling of patron records, recorded at any desk, answered by the director within 30 days. A complaint from a named patron keeps its
        summary sealed under that patron’s key; opening it here is logged as a look at their record.
      </p>
      <label className="check">
        <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} />
        <span>Only complaints not yet answered</span>
      </label>
      <Notice>{notice}</Notice>
      <ErrorMessage error={list.error} />
      {list.loading && !list.data && <p className="loading">Loading…</p>}
      {list.data && list.data.length === 0 && <p>{openOnly ? 'No complaint is waiting for an answer.' : 'The library has recorded no complaint.'}</p>}
      {list.data && list.data.length > 0 && <p>{plural(list.data.length, 'complaint')}, newest first.</p>}
      {list.data?.map((c) => (
        <ComplaintCard
          key={c.id}
          complaint={c}
          onAnswered={() => {
            setNotice(`The answer to the complaint received ${day(c.receivedAt)} is recorded.`);
            list.reload();
          }}
        />
      ))}
    </Page>
  );
}

function ComplaintCard({ complaint: c, onAnswered }: { complaint: Complaint; onAnswered: () => void }) {
  const [summary, setSummary] = useState('');
  const { run, busy, error } = useAction();
  const anonymous = c.patronId === null;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await run(() => api<Complaint>('POST', `/complaints/${c.id}/answer`, { summary: anonymous ? null : summary.trim() || null }));
    if (done) {
      setSummary('');
      onAnswered();
    }
  };
  const headingId = `complaint-${c.id}`;
  return (
    <section className="card office-complaint" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {c.topic} <span className="hint">({c.channel})</span>
      </h2>
      <dl className="facts">
        <dt>Received</dt>
        <dd>{when(c.receivedAt)}</dd>
        <dt>Answer due</dt>
        <dd>
          {day(c.dueAt)} {c.overdue && <span className="badge warn">Overdue</span>}
        </dd>
        <dt>From</dt>
        <dd>{anonymous ? 'anonymous (recorded by topic only)' : 'a named patron'}</dd>
        {c.summary !== null && (
          <>
            <dt>Summary</dt>
            <dd>{c.summary}</dd>
          </>
        )}
        {c.answeredAt && (
          <>
            <dt>Answered</dt>
            <dd>{when(c.answeredAt)}</dd>
            <dt>Answer</dt>
            <dd>{c.answerSummary ?? '—'}</dd>
          </>
        )}
      </dl>
      {!c.answeredAt && (
        <form onSubmit={(e) => void submit(e)} aria-label={`Answer the complaint received ${day(c.receivedAt)}`}>
          {anonymous ? (
            <p className="hint">An anonymous complaint’s answer is recorded without free text: record that it was answered.</p>
          ) : (
            <TextArea
              label="Summary of the answer (optional)"
              hint="Sealed under the patron’s key, like the complaint."
              maxLength={4000}
              value={summary}
              onChange={(e) => setSummary(e.target.value)}
              error={problemAbout(error, 'summary')}
            />
          )}
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy}>
            Record the answer
          </button>
        </form>
      )}
    </section>
  );
}
