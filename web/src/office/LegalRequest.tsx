import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { api, query } from '../api';
import { useSession } from '../session';
import { ErrorMessage, Field, Notice, Page, Select, useAction, useLoad } from '../ui/components';
import { categoryName, Confirm, dayBound, instrumentName, PERMITS, plural, problemAbout, REASONS, REQUEST_STATUS, TextArea, useFocusTarget, useLibrary, when, YesNo } from './common';
import type { LegalHold, LegalRequest, Release } from './types';
// The server's own canonical form, whose SHA-256 the manifest keeps: the saved file is exactly this text of
// the export, so `sha256sum` of the file equals the fingerprint the register shows.
import { canonicalJson } from '../../../src/domain/disclosure';

const yesNo = (value: boolean | null) => (value === null ? '—' : value ? 'yes' : 'no');

/** Who did something: "you" for the staff member reading, else the account's id (the register keeps ids). */
function useWho() {
  const session = useSession();
  return (id: string | null) => (id === null ? '—' : id === session.actor?.id ? 'you' : id === 'system' ? 'the system (operator)' : `staff account ${id.slice(0, 8)}`);
}

/** Whether and when the patrons are told, from the profile's rule, the gag and the state. */
function patronNotice(r: LegalRequest): string {
  if (r.rule.notifyPatron !== 'at-release') return 'The library’s policy does not tell patrons about a release on this instrument.';
  const told = 'the agency, the instrument, the date and the categories released (never the case number or the officer)';
  if (r.status === 'released') {
    if (r.gagUntil !== null && r.releasedAt !== null && r.gagUntil > r.releasedAt)
      return `The patrons released are told in their own record when the gag order ends (${when(r.gagUntil)}), not before: ${told}.`;
    return `The patrons released were told in their own record at release (${when(r.releasedAt)}): ${told}.`;
  }
  if (r.status === 'refused' || r.status === 'withdrawn') return 'Nothing was released, so no patron is told.';
  if (r.gagged) return `If records are released, the patrons are told in their own record once the gag order ends (${when(r.gagUntil)}), not before.`;
  return `If records are released, the patrons are told in their own record at release: ${told}.`;
}

function gagStatus(r: LegalRequest): string {
  if (r.gagged) return `Under a gag order until ${when(r.gagUntil)}: the patrons are not told, and only the director sees this request.`;
  if (r.gagUntil !== null) return `The gag order ended ${when(r.gagUntil)}.`;
  return 'No gag order.';
}


/** What the page keeps of a release once the file is saved: counts and the file's name, never the export. */
interface Saved {
  fileName: string;
  /** Patrons released, or (a public-records request) accounts listed. */
  count: number;
  accounts: boolean;
}

/** Saves the export as the file the agency is given (produced once, not stored by Carrel), and forgets it. */
function saveExport(release: Release): Saved {
  const fileName = `legal-disclosure-${release.requestId}.json`;
  const blob = new Blob([canonicalJson(release.export)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  const accounts = release.export.accounts !== undefined;
  return { fileName, count: (accounts ? release.export.accounts : release.export.patrons)?.length ?? 0, accounts };
}

/** One legal request (a new page for each request: nothing of the last one stays). */
export function LegalRequestPage() {
  const { requestId = '' } = useParams();
  return <RequestPage key={requestId} requestId={requestId} />;
}

/** One legal request: its facts, the hold it placed, and the steps review → decision → release, or withdrawal. */
function RequestPage({ requestId }: { requestId: string }) {
  const session = useSession();
  const library = useLibrary();
  const location = useLocation();
  const who = useWho();
  const loaded = useLoad(() => api<LegalRequest>('GET', `/legal-requests/${encodeURIComponent(requestId)}`), [requestId]);
  const holds = useLoad(
    () =>
      session.can('legal-hold.manage')
        ? api<LegalHold[]>('GET', `/libraries/${encodeURIComponent(library.id)}/legal-holds${query({ includeReleased: true, requestId })}`)
        : Promise.resolve([]),
    [library.id, requestId],
  );
  const [request, setRequest] = useState<LegalRequest | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>((location.state as { notice?: string } | null)?.notice);
  // What is left of the export once saved: counts only. The export itself is produced once, saved as a
  // file, and not kept here (Carrel keeps only its manifest).
  const [saved, setSaved] = useState<Saved | undefined>(undefined);
  // Where focus goes when a step's form or button goes away with the step done.
  const reviewHeading = useFocusTarget<HTMLHeadingElement>();
  const decisionHeading = useFocusTarget<HTMLHeadingElement>();
  const releaseHeading = useFocusTarget<HTMLHeadingElement>();
  const withdrawHeading = useFocusTarget<HTMLHeadingElement>();

  useEffect(() => {
    if (loaded.data) setRequest(loaded.data);
  }, [loaded.data]);

  const changed = (next: LegalRequest, message: string, focus?: () => void) => {
    setRequest(next);
    setNotice(message);
    holds.reload();
    focus?.();
  };

  if (loaded.error && !request)
    return (
      <Page title="Legal request">
        <ErrorMessage error={loaded.error} />
        <p>
          <Link to="/office/legal-requests">Back to the register</Link>
        </p>
      </Page>
    );
  if (!request)
    return (
      <Page title="Legal request">
        <p className="loading">Loading the request…</p>
      </Page>
    );

  const r = request;
  const open = r.status === 'received' || r.status === 'referred';
  const preservation = (holds.data ?? []).filter((h) => h.requestId === r.id);

  // The tab's title stays neutral (it shows in the browser's history and tab list); the agency is named below.
  return (
    <Page title="Legal request">
      <p className="office-subtitle">
        {instrumentName(r.instrument)} from {r.agency}
      </p>
      <p>
        <Link to="/office/legal-requests">Back to the register</Link>
      </p>
      <Notice>{notice}</Notice>

      <section aria-labelledby="req-facts">
        <h2 id="req-facts">The request</h2>
        <dl className="facts">
          <dt>State</dt>
          <dd>
            <span className={`badge status-${r.status}`}>{REQUEST_STATUS[r.status] ?? r.status}</span>
          </dd>
          <dt>Instrument</dt>
          <dd>{instrumentName(r.instrument)}</dd>
          <dt>Agency</dt>
          <dd>{r.agency}</dd>
          <dt>Officer</dt>
          <dd>
            {r.officerName} ({r.officerId})
          </dd>
          <dt>Case number</dt>
          <dd>{r.caseNumber ?? '—'}</dd>
          <dt>Received</dt>
          <dd>
            {when(r.receivedAt)} by {who(r.receivedBy)}
          </dd>
          <dt>Patrons named</dt>
          <dd>{r.patronIds.length === 0 ? 'none (a public-records request names none)' : plural(r.patronIds.length, 'patron')}</dd>
          <dt>Records asked for</dt>
          <dd>{r.scopeCategories.map(categoryName).join(', ')}</dd>
          <dt>Period</dt>
          <dd>
            {r.scopeFrom || r.scopeTo ? `${r.scopeFrom ? `from ${when(r.scopeFrom)}` : 'from the start'} ${r.scopeTo ? `to ${when(r.scopeTo)}` : 'to now'}` : 'not limited'}
          </dd>
          <dt>Gag order</dt>
          <dd>
            {r.gagged && <span className="badge warn">Gag order</span>} {gagStatus(r)}
          </dd>
          <dt>Patron notice</dt>
          <dd>{patronNotice(r)}</dd>
        </dl>
      </section>

      <section aria-labelledby="req-rule">
        <h2 id="req-rule">What the library’s policy allows</h2>
        <p>
          On a {instrumentName(r.instrument).toLowerCase()} the policy permits releasing <strong>{PERMITS[r.rule.permits] ?? r.rule.permits}</strong> ({r.rule.clause || 'no clause'}).
          {r.rule.counselReviewRequired ? ' Counsel must first find it in proper form and showing good cause.' : ''}
          {r.rule.note ? ` ${r.rule.note}` : ''}
        </p>
        {r.status !== 'released' && (
          <p>
            What a release would carry: of the records asked for ({r.scopeCategories.map(categoryName).join(', ')}), only those this instrument permits, only for the patrons named and
            the period named. Never a card number or a PIN. The register keeps a manifest of every record released.
          </p>
        )}
      </section>

      {session.can('legal-hold.manage') && (
        <section aria-labelledby="req-hold">
          <h2 id="req-hold">Preservation hold</h2>
          <ErrorMessage error={holds.error} />
          {holds.data && preservation.length === 0 && <p>No legal hold names this request.</p>}
          {preservation.map((h) => (
            <p key={h.id}>
              {h.releasedAt === null ? (
                <>
                  <span className="badge warn">Live</span> Since {when(h.placedAt)}, retention keeps the records asked for ({h.categories.map(categoryName).join(', ')}) of{' '}
                  {plural(h.patronIds.length, 'patron')}, and they cannot be deleted, until the request is released, refused or withdrawn.
                </>
              ) : (
                <>
                  <span className="badge">Released</span> Placed {when(h.placedAt)}, released {when(h.releasedAt)}: the next retention run disposes of what it kept, under the
                  usual rules.
                </>
              )}
            </p>
          ))}
        </section>
      )}

      <section aria-labelledby="req-review">
        <h2 id="req-review" ref={reviewHeading.ref} tabIndex={-1}>
          1. Counsel’s review
        </h2>
        {r.reviewedAt ? (
          <dl className="facts">
            <dt>In proper form</dt>
            <dd>{yesNo(r.reviewProperForm)}</dd>
            <dt>Shows good cause</dt>
            <dd>{yesNo(r.reviewGoodCause)}</dd>
            <dt>Notes</dt>
            <dd>{r.reviewNotes ?? '—'}</dd>
            <dt>Recorded</dt>
            <dd>
              {when(r.reviewedAt)} by {who(r.reviewedBy)}
            </dd>
          </dl>
        ) : (
          <p>No review recorded{r.rule.counselReviewRequired ? ': the library’s policy requires one before approval.' : '.'}</p>
        )}
        {open && session.can('disclosure.decide') && <ReviewForm request={r} onDone={(next) => changed(next, 'Counsel’s review is recorded.')} again={r.reviewedAt !== null} />}
        {r.status === 'received' && session.can('disclosure.receive') && (
          <ReferForm
            request={r}
            onDone={(message) => {
              // The referral answers a receipt, not the request: its state now, the rest on reload.
              setRequest({ ...r, status: 'referred' });
              setNotice(message);
              loaded.reload();
              reviewHeading.focus();
            }}
          />
        )}
      </section>

      <section aria-labelledby="req-decision">
        <h2 id="req-decision" ref={decisionHeading.ref} tabIndex={-1}>
          2. Decision
        </h2>
        {r.decidedAt ? (
          <dl className="facts">
            <dt>Decision</dt>
            <dd>{r.decision === 'approved' ? 'Approved' : 'Refused'}</dd>
            <dt>Reason</dt>
            <dd>
              {REASONS[r.decisionReason ?? ''] ?? r.decisionReason} <span className="hint">({r.decisionReason})</span>
            </dd>
            <dt>Notes</dt>
            <dd>{r.decisionNotes ?? '—'}</dd>
            <dt>Decided</dt>
            <dd>
              {when(r.decidedAt)} by {who(r.decidedBy)}
            </dd>
          </dl>
        ) : r.status === 'withdrawn' ? (
          <p>Withdrawn before a decision.</p>
        ) : (
          <p>Not decided yet.</p>
        )}
        {open && session.can('disclosure.decide') && (
          <DecisionForm
            request={r}
            onDone={(next) =>
              changed(
                next,
                next.status === 'approved' ? 'The request is approved. Release the records when ready.' : 'The request is refused. Nothing is released, and the hold on its records is lifted.',
                decisionHeading.focus,
              )
            }
          />
        )}
      </section>

      <section aria-labelledby="req-release">
        <h2 id="req-release" ref={releaseHeading.ref} tabIndex={-1}>
          3. Release
        </h2>
        {r.status === 'released' && r.manifest ? (
          <ReleasedSummary request={r} saved={saved} who={who} />
        ) : r.status === 'approved' ? (
          session.can('disclosure.release') ? (
            <ReleaseStep
              request={r}
              onDone={(answer) => {
                // Saved at once, then dropped: only its counts stay on the page.
                setSaved(saveExport(answer));
                // The answer is the new state: no release button while the register is read again.
                setRequest({ ...r, status: 'released', releasedAt: answer.manifest.generatedAt, releasedBy: session.actor?.id ?? null, manifest: answer.manifest });
                setNotice('The records are released. The export is saved as a file on this computer; the register keeps its manifest.');
                loaded.reload();
                holds.reload();
                releaseHeading.focus();
              }}
            />
          ) : (
            <p>Approved; the director releases the records.</p>
          )
        ) : (
          <p>{r.status === 'refused' || r.status === 'withdrawn' ? 'Nothing was released.' : 'Records are released only once the request is approved.'}</p>
        )}
      </section>

      {((open || r.status === 'approved') && session.can('disclosure.decide')) || r.status === 'withdrawn' ? (
        <section aria-labelledby="req-withdraw">
          <h2 id="req-withdraw" ref={withdrawHeading.ref} tabIndex={-1}>
            Withdrawal
          </h2>
          {r.status === 'withdrawn' ? (
            <dl className="facts">
              <dt>Withdrawn</dt>
              <dd>{r.withdrawnAt ? `${when(r.withdrawnAt)} by ${who(r.withdrawnBy)}` : 'yes (recorded before Carrel kept its date)'}</dd>
              <dt>Notes</dt>
              <dd>{r.withdrawalNotes ?? '—'}</dd>
            </dl>
          ) : (
            <WithdrawForm request={r} onDone={(next) => changed(next, 'The withdrawal is recorded. Nothing is released, and the hold on its records is lifted.', withdrawHeading.focus)} />
          )}
        </section>
      ) : null}
    </Page>
  );
}

function ReferForm({ request, onDone }: { request: LegalRequest; onDone: (message: string) => void }) {
  const { run, busy, error } = useAction();
  const refer = async () => {
    const done = await run(() => api('POST', `/legal-requests/${request.id}/referral`));
    if (done) onDone('The request is referred to the director.');
  };
  return (
    <div className="office-step">
      <p className="hint">Requests the policy leaves to the director must be referred to them before a decision.</p>
      <button type="button" className="secondary" onClick={() => void refer()} disabled={busy}>
        Refer to the director
      </button>
      <ErrorMessage error={error} />
    </div>
  );
}

function ReviewForm({ request, onDone, again }: { request: LegalRequest; onDone: (next: LegalRequest) => void; again: boolean }) {
  const [properForm, setProperForm] = useState<boolean | undefined>(undefined);
  const [goodCause, setGoodCause] = useState<boolean | undefined>(undefined);
  const [notes, setNotes] = useState('');
  const { run, busy, error } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (properForm === undefined || goodCause === undefined) return;
    const next = await run(() => api<LegalRequest>('POST', `/legal-requests/${request.id}/review`, { properForm, goodCause, notes: notes.trim() || null }));
    if (next) {
      setNotes('');
      onDone(next);
    }
  };
  return (
    <form className="office-step" onSubmit={(e) => void submit(e)} aria-label="Counsel’s review">
      <h3>{again ? 'Record a new review (it replaces the one above)' : 'Record counsel’s review'}</h3>
      <YesNo legend="Is the instrument in proper form?" name="properForm" value={properForm} onChange={setProperForm} />
      <YesNo legend="Does it show good cause?" name="goodCause" value={goodCause} onChange={setGoodCause} />
      <TextArea label="Counsel’s notes (optional)" hint="No patron data." name="reviewNotes" maxLength={2000} value={notes} onChange={(e) => setNotes(e.target.value)} error={problemAbout(error, 'notes')} />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        Record the review
      </button>
    </form>
  );
}

function DecisionForm({ request, onDone }: { request: LegalRequest; onDone: (next: LegalRequest) => void }) {
  const library = useLibrary();
  // What the profile answers for this instrument: a refused instrument is never approved, whoever asks.
  const refuseOnly = request.rule.permits === 'refuse';
  const [choice, setChoice] = useState<'approve' | 'refuse' | undefined>(undefined);
  const [notes, setNotes] = useState('');
  const [requires, setRequires] = useState('');
  const [gag, setGag] = useState<'keep' | 'set' | 'lift'>('keep');
  const [gagUntil, setGagUntil] = useState('');
  const { run, busy, error } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!choice) return;
    const body: Record<string, unknown> = { approve: choice === 'approve', notes: notes.trim() || null };
    if (choice === 'refuse' && requires) body.requires = requires;
    if (gag === 'lift') body.gagUntil = null;
    if (gag === 'set' && gagUntil) body.gagUntil = dayBound(gagUntil, library.timeZone, 'end');
    const next = await run(() => api<LegalRequest>('POST', `/legal-requests/${request.id}/decision`, body));
    if (next) onDone(next);
  };
  return (
    <form className="office-step" onSubmit={(e) => void submit(e)} aria-label="Decision">
      <h3>Decide</h3>
      <p className="hint">An approval the library’s policy does not allow is refused with its reason and changes nothing; such a request can only be refused.</p>
      {refuseOnly && (
        <p className="office-rule refused">The library’s policy does not accept this instrument: it can only be refused ({request.rule.clause}).</p>
      )}
      <fieldset className="office-fieldset">
        <legend>Decision</legend>
        <div className="office-inline">
          {!refuseOnly && (
            <label className="check">
              <input type="radio" name="decision" required checked={choice === 'approve'} onChange={() => setChoice('approve')} />
              <span>Comply: approve the release</span>
            </label>
          )}
          <label className="check">
            <input type="radio" name="decision" required checked={choice === 'refuse'} onChange={() => setChoice('refuse')} />
            <span>Refuse</span>
          </label>
        </div>
      </fieldset>
      {choice === 'refuse' && (
        <Select
          label="Ask for another instrument (optional)"
          value={requires}
          onChange={(e) => setRequires(e.target.value)}
          options={[
            { value: '', label: 'No: refuse as it is' },
            { value: 'subpoena', label: 'A subpoena is required' },
            { value: 'court-order', label: 'A court order is required' },
          ]}
        />
      )}
      <TextArea label="Notes on the decision (optional)" hint="No patron data." name="decisionNotes" maxLength={2000} value={notes} onChange={(e) => setNotes(e.target.value)} error={problemAbout(error, 'notes')} />
      <Select
        label="Gag order"
        value={gag}
        onChange={(e) => setGag(e.target.value as typeof gag)}
        options={[
          { value: 'keep', label: request.gagUntil ? `Keep as it is (until ${when(request.gagUntil)})` : 'Keep as it is (none)' },
          { value: 'set', label: request.gagUntil ? 'Move its end' : 'The instrument carries one: set its end' },
          ...(request.gagUntil ? [{ value: 'lift', label: 'Lift it' }] : []),
        ]}
      />
      {gag === 'set' && <Field label="Gag order through" type="date" required value={gagUntil} onChange={(e) => setGagUntil(e.target.value)} error={problemAbout(error, 'gagUntil')} />}
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        Record the decision
      </button>
    </form>
  );
}

function ReleaseStep({ request, onDone }: { request: LegalRequest; onDone: (release: Release) => void }) {
  const { run, busy, error } = useAction();
  const release = async () => {
    const answer = await run(() => api<Release>('POST', `/legal-requests/${request.id}/release`));
    if (answer) onDone(answer);
  };
  return (
    <div className="office-step">
      <p>
        Approved {when(request.decidedAt)}. Releasing produces the export <strong>once</strong>: Carrel saves it to this computer as a file and keeps only its manifest (which records,
        which categories, and a fingerprint of the file). Each patron released is logged as an access for legal disclosure.
      </p>
      <Confirm
        label="Release the records"
        question={
          <p>
            {request.patronIds.length === 0
              ? `Release to ${request.agency} now what this request may obtain? It names no patron: a public-records request lists the overdue adult accounts as they stand at release.`
              : `Release the records of ${plural(request.patronIds.length, 'patron')} to ${request.agency} now?`}{' '}
            This cannot be undone, and the export cannot be produced again.
          </p>
        }
        confirmLabel="Release and save the export"
        onConfirm={release}
        busy={busy}
        danger
      />
      <ErrorMessage error={error} />
    </div>
  );
}

function ReleasedSummary({ request, saved, who }: { request: LegalRequest; saved: Saved | undefined; who: (id: string | null) => string }) {
  const manifest = request.manifest;
  if (!manifest) return null;
  const byCategory = new Map<string, number>();
  for (const record of manifest.records) byCategory.set(record.category, (byCategory.get(record.category) ?? 0) + 1);
  return (
    <div>
      <p>
        Released {when(request.releasedAt)} by {who(request.releasedBy)}
        {saved ? `: the records of ${saved.accounts ? plural(saved.count, 'overdue account') : plural(saved.count, 'patron')}` : ''}.
      </p>
      <div className="table-scroll">
        <table>
          <caption>What was released (the manifest the register keeps)</caption>
          <thead>
            <tr>
              <th scope="col">Record category</th>
              <th scope="col" className="num">
                Records
              </th>
            </tr>
          </thead>
          <tbody>
            {manifest.categories.map((c) => (
              <tr key={c}>
                <th scope="row">{categoryName(c)}</th>
                <td className="num">{byCategory.get(c) ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl className="facts">
        <dt>Records in all</dt>
        <dd>{manifest.records.length}</dd>
        <dt>Export generated</dt>
        <dd>{when(manifest.generatedAt)}</dd>
        <dt>Fingerprint (SHA-256)</dt>
        <dd className="office-hash">{manifest.sha256}</dd>
      </dl>
      {saved ? (
        <div className="office-warning" role="note" aria-label="The export file">
          <p>
            The export is saved on this computer as <strong>{saved.fileName}</strong>, and this page no longer holds it. Hand the file to the agency, then delete it from this
            computer. Its SHA-256 (<code>sha256sum {saved.fileName}</code>) equals the fingerprint above.
          </p>
        </div>
      ) : (
        <p className="hint">The export was produced once, at release; Carrel keeps only this manifest.</p>
      )}
    </div>
  );
}

function WithdrawForm({ request, onDone }: { request: LegalRequest; onDone: (next: LegalRequest) => void }) {
  const [notes, setNotes] = useState('');
  const { run, busy, error } = useAction();
  const withdraw = async () => {
    const next = await run(() => api<LegalRequest>('POST', `/legal-requests/${request.id}/withdrawal`, { notes: notes.trim() || null }));
    if (next) onDone(next);
  };
  return (
    <div className="office-step">
      <p className="hint">If the agency withdraws its request, record it here: nothing is released, and the hold on its records is lifted.</p>
      <TextArea label="Notes on the withdrawal (optional)" hint="No patron data." name="withdrawNotes" maxLength={2000} value={notes} onChange={(e) => setNotes(e.target.value)} error={problemAbout(error, 'notes')} />
      <Confirm
        label="Record the withdrawal"
        question={<p>Record that {request.agency} withdrew this request? It cannot be reopened.</p>}
        confirmLabel="Yes, record the withdrawal"
        onConfirm={withdraw}
        busy={busy}
      />
      <ErrorMessage error={error} />
    </div>
  );
}
