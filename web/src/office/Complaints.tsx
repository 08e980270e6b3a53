import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import { day, ErrorMessage, Notice, Page, useAction, useLoad } from '../ui/components';
import { plural, problemAbout, TextArea, useFocusTarget, useLibrary, when } from './common';
import type { Complaint } from './types';

/**
 * Written complaints to the director (JC-VIII): each due for an answer in 30 days, overdue ones flagged.
 * The list opens no patron's summary (the API answers none in a list); the director opens one complaint's
 * summary at a time, and that read is logged on the patron's record. An answer updates its own card from
 * what the API answered: the list is not read again, so no other patron's record is touched.
 */
export function ComplaintsPage() {
  const library = useLibrary();
  const [openOnly, setOpenOnly] = useState(true);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const list = useLoad(() => api<Complaint[]>('GET', `/libraries/${encodeURIComponent(library.id)}/complaints${openOnly ? '?open=true' : ''}`), [library.id, openOnly]);
  const [complaints, setComplaints] = useState<Complaint[] | undefined>(undefined);
  // The card answered may leave the list (only open complaints shown): focus goes to the notice.
  const noticeTarget = useFocusTarget<HTMLDivElement>();

  useEffect(() => {
    setComplaints(list.data);
  }, [list.data]);

  const answered = (c: Complaint, answer: Complaint) => {
    setNotice(`The answer to the complaint received ${day(c.receivedAt)} is recorded.`);
    setComplaints((all) => (openOnly ? all?.filter((x) => x.id !== c.id) : all?.map((x) => (x.id === c.id ? answer : x))));
    noticeTarget.focus();
  };

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
      <div ref={noticeTarget.ref} tabIndex={-1} className="office-focus">
        <Notice>{notice}</Notice>
      </div>
      <ErrorMessage error={list.error} />
      {list.loading && !complaints && <p className="loading">Loading…</p>}
      {complaints && complaints.length === 0 && <p>{openOnly ? 'No complaint is waiting for an answer.' : 'The library has recorded no complaint.'}</p>}
      {complaints && complaints.length > 0 && <p>{plural(complaints.length, 'complaint')}, newest first.</p>}
      {complaints?.map((c) => <ComplaintCard key={c.id} complaint={c} onAnswered={(answer) => answered(c, answer)} />)}
    </Page>
  );
}

function ComplaintCard({ complaint: c, onAnswered }: { complaint: Complaint; onAnswered: (answer: Complaint) => void }) {
  const [summary, setSummary] = useState('');
  const { run, busy, error } = useAction();
  const opening = useAction();
  // The complaint with its texts, once the director opened it (GET /complaints/:id, logged).
  const [opened, setOpened] = useState<Complaint | undefined>(undefined);
  const anonymous = c.patronId === null;
  const shown = opened ?? c;
  // Sealed text not on the card yet: the summary, or an answer's summary written before this page opened.
  const sealed = (c.hasSummary && shown.summary === null) || (c.hasAnswerSummary && shown.answerSummary === null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await run(() => api<Complaint>('POST', `/complaints/${c.id}/answer`, { summary: anonymous ? null : summary.trim() || null }));
    if (answer) {
      setSummary('');
      // The answer carries the complaint's texts opened; the card shows the summary only if it was opened.
      if (opened) setOpened(answer);
      onAnswered(opened ? answer : { ...answer, summary: null });
    }
  };
  const open = async () => {
    const one = await opening.run(() => api<Complaint>('GET', `/complaints/${c.id}`));
    if (one) setOpened(one);
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
        {shown.summary !== null && (
          <>
            <dt>Summary</dt>
            <dd>{shown.summary}</dd>
          </>
        )}
        {c.answeredAt && (
          <>
            <dt>Answered</dt>
            <dd>{when(c.answeredAt)}</dd>
            <dt>Answer</dt>
            <dd>{shown.answerSummary ?? (c.hasAnswerSummary ? 'a summary, sealed (open the complaint to read it)' : '—')}</dd>
          </>
        )}
      </dl>
      {sealed && (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => void open()} disabled={opening.busy}>
            Open summary
          </button>
          <p className="hint">Opening it is logged as a look at the patron’s record.</p>
        </div>
      )}
      <ErrorMessage error={opening.error} />
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
