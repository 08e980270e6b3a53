import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { api, query } from '../api';
import { t, tRich, useT } from '../i18n';
import { useSession } from '../session';
import { count, ErrorMessage, Field, Notice, Page, Select, useAction, useLoad } from '../ui/components';
import { categoryName, Confirm, dayBound, instrumentName, PERMITS, problemAbout, REASONS, REQUEST_STATUS, TextArea, useFocusTarget, useLibrary, when, YesNo } from './common';
import type { LegalHold, LegalRequest, Release } from './types';
// The server's own canonical form, whose SHA-256 the manifest keeps: the saved file is exactly this text of
// the export, so `sha256sum` of the file equals the fingerprint the register shows.
import { canonicalJson } from '../../../src/domain/disclosure';

const yesNo = (value: boolean | null) => (value === null ? '—' : value ? t('office.request.yes') : t('office.request.no'));

/** Who did something: "you" for the staff member reading, else the account's id (the register keeps ids). */
function useWho() {
  const session = useSession();
  return (id: string | null) =>
    id === null ? '—' : id === session.actor?.id ? t('office.request.who.you') : id === 'system' ? t('office.request.who.system') : t('office.request.who.staff', { id: id.slice(0, 8) });
}

/** Whether and when the patrons are told, from the profile's rule, the gag and the state. */
function patronNotice(r: LegalRequest): string {
  if (r.rule.notifyPatron !== 'at-release') return t('office.request.notice.notTold');
  if (r.status === 'released') {
    if (r.gagUntil !== null && r.releasedAt !== null && r.gagUntil > r.releasedAt) return t('office.request.notice.toldAfterGag', { at: when(r.gagUntil) });
    return t('office.request.notice.toldAtRelease', { at: when(r.releasedAt) });
  }
  if (r.status === 'refused' || r.status === 'withdrawn') return t('office.request.notice.nothingReleased');
  if (r.gagged) return t('office.request.notice.ifReleasedAfterGag', { at: when(r.gagUntil) });
  return t('office.request.notice.ifReleased');
}

function gagStatus(r: LegalRequest): string {
  if (r.gagged) return t('office.request.gag.until', { at: when(r.gagUntil) });
  if (r.gagUntil !== null) return t('office.request.gag.ended', { at: when(r.gagUntil) });
  return t('office.request.gag.none');
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
  const t = useT();
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
      <Page title={t('office.request.title')}>
        <ErrorMessage error={loaded.error} />
        <p>
          <Link to="/office/legal-requests">{t('office.request.backToRegister')}</Link>
        </p>
      </Page>
    );
  if (!request)
    return (
      <Page title={t('office.request.title')}>
        <p className="loading">{t('office.request.loading')}</p>
      </Page>
    );

  const r = request;
  const open = r.status === 'received' || r.status === 'referred';
  const preservation = (holds.data ?? []).filter((h) => h.requestId === r.id);

  // The tab's title stays neutral (it shows in the browser's history and tab list); the agency is named below.
  return (
    <Page title={t('office.request.title')}>
      <p className="office-subtitle">{t('office.request.subtitle', { instrument: instrumentName(r.instrument), agency: r.agency })}</p>
      <p>
        <Link to="/office/legal-requests">{t('office.request.backToRegister')}</Link>
      </p>
      <Notice>{notice}</Notice>

      <section aria-labelledby="req-facts">
        <h2 id="req-facts">{t('office.request.facts')}</h2>
        <dl className="facts">
          <dt>{t('office.request.state')}</dt>
          <dd>
            <span className={`badge status-${r.status}`}>{REQUEST_STATUS[r.status] ?? r.status}</span>
          </dd>
          <dt>{t('office.request.instrument')}</dt>
          <dd>{instrumentName(r.instrument)}</dd>
          <dt>{t('office.request.agency')}</dt>
          <dd>{r.agency}</dd>
          <dt>{t('office.request.officer')}</dt>
          <dd>
            {r.officerName} ({r.officerId})
          </dd>
          <dt>{t('office.request.caseNumber')}</dt>
          <dd>{r.caseNumber ?? '—'}</dd>
          <dt>{t('office.request.received')}</dt>
          <dd>{t('office.request.atBy', { at: when(r.receivedAt), who: who(r.receivedBy) })}</dd>
          <dt>{t('office.request.patronsNamed')}</dt>
          <dd>{r.patronIds.length === 0 ? t('office.request.patronsNamed.none') : t('office.request.patronsNamed.count', { count: r.patronIds.length })}</dd>
          <dt>{t('office.request.categories')}</dt>
          <dd>{r.scopeCategories.map(categoryName).join(', ')}</dd>
          <dt>{t('office.request.period')}</dt>
          <dd>
            {r.scopeFrom || r.scopeTo
              ? t('office.request.period.fromTo', {
                  from: r.scopeFrom ? t('office.request.period.from', { at: when(r.scopeFrom) }) : t('office.request.period.fromStart'),
                  to: r.scopeTo ? t('office.request.period.to', { at: when(r.scopeTo) }) : t('office.request.period.toNow'),
                })
              : t('office.request.period.notLimited')}
          </dd>
          <dt>{t('office.request.gagOrder')}</dt>
          <dd>
            {r.gagged && <span className="badge warn">{t('office.request.gagOrder.badge')}</span>} {gagStatus(r)}
          </dd>
          <dt>{t('office.request.patronNotice')}</dt>
          <dd>{patronNotice(r)}</dd>
        </dl>
      </section>

      <section aria-labelledby="req-rule">
        <h2 id="req-rule">{t('office.request.rule')}</h2>
        <p>
          {tRich('office.request.rule.permits', {
            instrument: instrumentName(r.instrument).toLowerCase(),
            permits: PERMITS[r.rule.permits] ?? r.rule.permits,
            clause: r.rule.clause || t('office.request.rule.noClause'),
            strong: (chunks) => <strong>{chunks}</strong>,
          })}
          {r.rule.counselReviewRequired ? ` ${t('office.request.rule.counsel')}` : ''}
          {r.rule.note ? ` ${r.rule.note}` : ''}
        </p>
        {r.status !== 'released' && <p>{t('office.request.rule.wouldCarry', { categories: r.scopeCategories.map(categoryName).join(', ') })}</p>}
      </section>

      {session.can('legal-hold.manage') && (
        <section aria-labelledby="req-hold">
          <h2 id="req-hold">{t('office.request.hold')}</h2>
          <ErrorMessage error={holds.error} />
          {holds.data && preservation.length === 0 && <p>{t('office.request.hold.none')}</p>}
          {preservation.map((h) => (
            <p key={h.id}>
              {h.releasedAt === null ? (
                <>
                  <span className="badge warn">{t('office.request.hold.liveBadge')}</span>{' '}
                  {t('office.request.hold.live', { at: when(h.placedAt), categories: h.categories.map(categoryName).join(', '), count: h.patronIds.length })}
                </>
              ) : (
                <>
                  <span className="badge">{t('office.request.hold.releasedBadge')}</span>{' '}
                  {t('office.request.hold.released', { placed: when(h.placedAt), released: when(h.releasedAt) })}
                </>
              )}
            </p>
          ))}
        </section>
      )}

      <section aria-labelledby="req-review">
        <h2 id="req-review" ref={reviewHeading.ref} tabIndex={-1}>
          {t('office.request.review')}
        </h2>
        {r.reviewedAt ? (
          <dl className="facts">
            <dt>{t('office.request.review.properForm')}</dt>
            <dd>{yesNo(r.reviewProperForm)}</dd>
            <dt>{t('office.request.review.goodCause')}</dt>
            <dd>{yesNo(r.reviewGoodCause)}</dd>
            <dt>{t('office.request.notes')}</dt>
            <dd>{r.reviewNotes ?? '—'}</dd>
            <dt>{t('office.request.review.recorded')}</dt>
            <dd>{t('office.request.atBy', { at: when(r.reviewedAt), who: who(r.reviewedBy) })}</dd>
          </dl>
        ) : (
          <p>{r.rule.counselReviewRequired ? t('office.request.review.noneRequired') : t('office.request.review.none')}</p>
        )}
        {open && session.can('disclosure.decide') && <ReviewForm request={r} onDone={(next) => changed(next, t('office.request.review.done'))} again={r.reviewedAt !== null} />}
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
          {t('office.request.decision')}
        </h2>
        {r.decidedAt ? (
          <dl className="facts">
            <dt>{t('office.request.decision.decision')}</dt>
            <dd>{r.decision === 'approved' ? t('office.request.decision.approved') : t('office.request.decision.refused')}</dd>
            <dt>{t('office.request.decision.reason')}</dt>
            <dd>
              {REASONS[r.decisionReason ?? ''] ?? r.decisionReason} <span className="hint">({r.decisionReason})</span>
            </dd>
            <dt>{t('office.request.notes')}</dt>
            <dd>{r.decisionNotes ?? '—'}</dd>
            <dt>{t('office.request.decision.decided')}</dt>
            <dd>{t('office.request.atBy', { at: when(r.decidedAt), who: who(r.decidedBy) })}</dd>
          </dl>
        ) : r.status === 'withdrawn' ? (
          <p>{t('office.request.decision.withdrawnBefore')}</p>
        ) : (
          <p>{t('office.request.decision.notYet')}</p>
        )}
        {open && session.can('disclosure.decide') && (
          <DecisionForm
            request={r}
            onDone={(next) =>
              changed(
                next,
                next.status === 'approved' ? t('office.request.decision.approvedNotice') : t('office.request.decision.refusedNotice'),
                decisionHeading.focus,
              )
            }
          />
        )}
      </section>

      <section aria-labelledby="req-release">
        <h2 id="req-release" ref={releaseHeading.ref} tabIndex={-1}>
          {t('office.request.release')}
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
                setNotice(t('office.request.release.done'));
                loaded.reload();
                holds.reload();
                releaseHeading.focus();
              }}
            />
          ) : (
            <p>{t('office.request.release.director')}</p>
          )
        ) : (
          <p>{r.status === 'refused' || r.status === 'withdrawn' ? t('office.request.release.nothing') : t('office.request.release.notYet')}</p>
        )}
      </section>

      {((open || r.status === 'approved') && session.can('disclosure.decide')) || r.status === 'withdrawn' ? (
        <section aria-labelledby="req-withdraw">
          <h2 id="req-withdraw" ref={withdrawHeading.ref} tabIndex={-1}>
            {t('office.request.withdrawal')}
          </h2>
          {r.status === 'withdrawn' ? (
            <dl className="facts">
              <dt>{t('office.request.withdrawal.withdrawn')}</dt>
              <dd>{r.withdrawnAt ? t('office.request.atBy', { at: when(r.withdrawnAt), who: who(r.withdrawnBy) }) : t('office.request.withdrawal.undated')}</dd>
              <dt>{t('office.request.notes')}</dt>
              <dd>{r.withdrawalNotes ?? '—'}</dd>
            </dl>
          ) : (
            <WithdrawForm request={r} onDone={(next) => changed(next, t('office.request.withdrawal.done'), withdrawHeading.focus)} />
          )}
        </section>
      ) : null}
    </Page>
  );
}

function ReferForm({ request, onDone }: { request: LegalRequest; onDone: (message: string) => void }) {
  const t = useT();
  const { run, busy, error } = useAction();
  const refer = async () => {
    const done = await run(() => api('POST', `/legal-requests/${request.id}/referral`));
    if (done) onDone(t('office.request.refer.done'));
  };
  return (
    <div className="office-step">
      <p className="hint">{t('office.request.refer.hint')}</p>
      <button type="button" className="secondary" onClick={() => void refer()} disabled={busy}>
        {t('office.request.refer')}
      </button>
      <ErrorMessage error={error} />
    </div>
  );
}

function ReviewForm({ request, onDone, again }: { request: LegalRequest; onDone: (next: LegalRequest) => void; again: boolean }) {
  const t = useT();
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
    <form className="office-step" onSubmit={(e) => void submit(e)} aria-label={t('office.request.reviewForm.label')}>
      <h3>{again ? t('office.request.reviewForm.again') : t('office.request.reviewForm.title')}</h3>
      <YesNo legend={t('office.request.reviewForm.properForm')} name="properForm" value={properForm} onChange={setProperForm} />
      <YesNo legend={t('office.request.reviewForm.goodCause')} name="goodCause" value={goodCause} onChange={setGoodCause} />
      <TextArea
        label={t('office.request.reviewForm.notes')}
        hint={t('office.request.noPatronData')}
        name="reviewNotes" maxLength={2000} value={notes} onChange={(e) => setNotes(e.target.value)} error={problemAbout(error, 'notes')} />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {t('office.request.reviewForm.submit')}
      </button>
    </form>
  );
}

function DecisionForm({ request, onDone }: { request: LegalRequest; onDone: (next: LegalRequest) => void }) {
  const t = useT();
  const library = useLibrary();
  // What the profile answers for this instrument: a refused instrument is never approved, whoever asks.
  const refuseOnly = request.rule.permits === 'refuse';
  const [choice, setChoice] = useState<'approve' | 'refuse' | undefined>(undefined);
  const [notes, setNotes] = useState('');
  const [requires, setRequires] = useState('');
  const [gag, setGag] = useState<'keep' | 'set' | 'lift'>('keep');
  const [gagUntil, setGagUntil] = useState('');
  // A decision is asked for twice: a refusal lifts the legal hold at once, and neither is taken back.
  const [confirming, setConfirming] = useState(false);
  const { run, busy, error } = useAction();
  const choose = (next: 'approve' | 'refuse') => {
    setChoice(next);
    setConfirming(false);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!choice) return;
    if (!confirming) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    const body: Record<string, unknown> = { approve: choice === 'approve', notes: notes.trim() || null };
    if (choice === 'refuse' && requires) body.requires = requires;
    if (gag === 'lift') body.gagUntil = null;
    if (gag === 'set' && gagUntil) body.gagUntil = dayBound(gagUntil, library.timeZone, 'end');
    const next = await run(() => api<LegalRequest>('POST', `/legal-requests/${request.id}/decision`, body));
    if (next) onDone(next);
  };
  return (
    <form className="office-step" onSubmit={(e) => void submit(e)} aria-label={t('office.request.decisionForm.label')}>
      <h3>{t('office.request.decisionForm.title')}</h3>
      <p className="hint">{t('office.request.decisionForm.hint')}</p>
      {refuseOnly && <p className="office-rule refused">{t('office.request.decisionForm.refuseOnly', { clause: request.rule.clause })}</p>}
      <fieldset className="office-fieldset">
        <legend>{t('office.request.decisionForm.decision')}</legend>
        <div className="office-inline">
          {!refuseOnly && (
            <label className="check">
              <input type="radio" name="decision" required checked={choice === 'approve'} onChange={() => choose('approve')} />
              <span>{t('office.request.decisionForm.approve')}</span>
            </label>
          )}
          <label className="check">
            <input type="radio" name="decision" required checked={choice === 'refuse'} onChange={() => choose('refuse')} />
            <span>{t('office.request.decisionForm.refuse')}</span>
          </label>
        </div>
      </fieldset>
      {choice === 'refuse' && (
        <Select
          label={t('office.request.decisionForm.requires')}
          value={requires}
          onChange={(e) => setRequires(e.target.value)}
          options={[
            { value: '', label: t('office.request.decisionForm.requires.none') },
            { value: 'subpoena', label: t('office.request.decisionForm.requires.subpoena') },
            { value: 'court-order', label: t('office.request.decisionForm.requires.courtOrder') },
          ]}
        />
      )}
      <TextArea
        label={t('office.request.decisionForm.notes')}
        hint={t('office.request.noPatronData')}
        name="decisionNotes" maxLength={2000} value={notes} onChange={(e) => setNotes(e.target.value)} error={problemAbout(error, 'notes')} />
      <Select
        label={t('office.request.decisionForm.gag')}
        value={gag}
        onChange={(e) => setGag(e.target.value as typeof gag)}
        options={[
          { value: 'keep', label: request.gagUntil ? t('office.request.decisionForm.gag.keepUntil', { until: when(request.gagUntil) }) : t('office.request.decisionForm.gag.keepNone') },
          { value: 'set', label: request.gagUntil ? t('office.request.decisionForm.gag.move') : t('office.request.decisionForm.gag.set') },
          ...(request.gagUntil ? [{ value: 'lift', label: t('office.request.decisionForm.gag.lift') }] : []),
        ]}
      />
      {gag === 'set' && <Field label={t('office.request.decisionForm.gagUntil')} type="date" required value={gagUntil} onChange={(e) => setGagUntil(e.target.value)} error={problemAbout(error, 'gagUntil')} />}
      <ErrorMessage error={error} />
      {confirming && choice ? (
        <div className="confirm" role="group" aria-label={t('office.request.decisionForm.confirmLabel')}>
          <p>{choice === 'approve' ? t('office.request.decisionForm.confirmApprove') : t('office.request.decisionForm.confirmRefuse')}</p>
          <button type="submit" className={choice === 'refuse' ? 'danger' : undefined} disabled={busy} autoFocus>
            {t('office.request.decisionForm.confirmYes')}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>
            {t('office.request.decisionForm.confirmNo')}
          </button>
        </div>
      ) : (
        <button type="submit" disabled={busy}>
          {t('office.request.decisionForm.submit')}
        </button>
      )}
    </form>
  );
}

function ReleaseStep({ request, onDone }: { request: LegalRequest; onDone: (release: Release) => void }) {
  const t = useT();
  const { run, busy, error } = useAction();
  const release = async () => {
    const answer = await run(() => api<Release>('POST', `/legal-requests/${request.id}/release`));
    if (answer) onDone(answer);
  };
  return (
    <div className="office-step">
      <p>{tRich('office.request.releaseStep.intro', { at: when(request.decidedAt), strong: (chunks) => <strong>{chunks}</strong> })}</p>
      <Confirm
        label={t('office.request.releaseStep.label')}
        question={
          <p>
            {request.patronIds.length === 0
              ? t('office.request.releaseStep.questionNoPatron', { agency: request.agency })
              : t('office.request.releaseStep.question', { count: request.patronIds.length, agency: request.agency })}{' '}
            {t('office.request.releaseStep.cannotUndo')}
          </p>
        }
        confirmLabel={t('office.request.releaseStep.confirm')}
        onConfirm={release}
        busy={busy}
        danger
      />
      <ErrorMessage error={error} />
    </div>
  );
}

function ReleasedSummary({ request, saved, who }: { request: LegalRequest; saved: Saved | undefined; who: (id: string | null) => string }) {
  const t = useT();
  const manifest = request.manifest;
  if (!manifest) return null;
  const byCategory = new Map<string, number>();
  for (const record of manifest.records) byCategory.set(record.category, (byCategory.get(record.category) ?? 0) + 1);
  return (
    <div>
      <p>
        {!saved
          ? t('office.request.released', { at: when(request.releasedAt), who: who(request.releasedBy) })
          : saved.accounts
            ? t('office.request.released.accounts', { at: when(request.releasedAt), who: who(request.releasedBy), count: saved.count })
            : t('office.request.released.patrons', { at: when(request.releasedAt), who: who(request.releasedBy), count: saved.count })}
      </p>
      <div className="table-scroll" tabIndex={0}>
        <table>
          <caption>{t('office.request.manifest.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('office.request.manifest.category')}</th>
              <th scope="col" className="num">
                {t('office.request.manifest.records')}
              </th>
            </tr>
          </thead>
          <tbody>
            {manifest.categories.map((c) => (
              <tr key={c}>
                <th scope="row">{categoryName(c)}</th>
                <td className="num">{count(byCategory.get(c) ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl className="facts">
        <dt>{t('office.request.manifest.total')}</dt>
        <dd>{count(manifest.records.length)}</dd>
        <dt>{t('office.request.manifest.generated')}</dt>
        <dd>{when(manifest.generatedAt)}</dd>
        <dt>{t('office.request.manifest.fingerprint')}</dt>
        <dd className="office-hash">{manifest.sha256}</dd>
      </dl>
      {saved ? (
        <div className="office-warning" role="note" aria-label={t('office.request.exportFile.label')}>
          <p>
            {tRich('office.request.exportFile', {
              file: saved.fileName,
              strong: (chunks) => <strong>{chunks}</strong>,
              code: (chunks) => <code>{chunks}</code>,
            })}
          </p>
        </div>
      ) : (
        <p className="hint">{t('office.request.exportFile.gone')}</p>
      )}
    </div>
  );
}

function WithdrawForm({ request, onDone }: { request: LegalRequest; onDone: (next: LegalRequest) => void }) {
  const t = useT();
  const [notes, setNotes] = useState('');
  const { run, busy, error } = useAction();
  const withdraw = async () => {
    const next = await run(() => api<LegalRequest>('POST', `/legal-requests/${request.id}/withdrawal`, { notes: notes.trim() || null }));
    if (next) onDone(next);
  };
  return (
    <div className="office-step">
      <p className="hint">{t('office.request.withdrawForm.hint')}</p>
      <TextArea
        label={t('office.request.withdrawForm.notes')}
        hint={t('office.request.noPatronData')}
        name="withdrawNotes" maxLength={2000} value={notes} onChange={(e) => setNotes(e.target.value)} error={problemAbout(error, 'notes')} />
      <Confirm
        label={t('office.request.withdrawForm.label')}
        question={<p>{t('office.request.withdrawForm.question', { agency: request.agency })}</p>}
        confirmLabel={t('office.request.withdrawForm.confirm')}
        onConfirm={withdraw}
        busy={busy}
      />
      <ErrorMessage error={error} />
    </div>
  );
}
