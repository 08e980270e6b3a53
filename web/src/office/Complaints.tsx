import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import { useT, type MessageId } from '../i18n';
import { day, ErrorMessage, Notice, Page, useAction, useLoad } from '../ui/components';
import { problemAbout, TextArea, useFocusTarget, useLibrary, when } from './common';
import type { Complaint } from './types';
import { usePaged } from '../ui/Pager';

/**
 * Written complaints to the director (JC-VIII): each due for an answer in 30 days, overdue ones flagged.
 * The list opens no patron's summary (the API answers none in a list); the director opens one complaint's
 * summary at a time, and that read is logged on the patron's record. An answer updates its own card from
 * what the API answered: the list is not read again, so no other patron's record is touched.
 */
/** How a complaint came in (src/domain/complaints.ts COMPLAINT_CHANNELS), in words; an unknown code as it is. */
const CHANNELS: Record<string, MessageId> = {
  letter: 'officerecords.complaints.channel.letter',
  email: 'officerecords.complaints.channel.email',
  'in-person': 'officerecords.complaints.channel.inPerson',
  'web-form': 'officerecords.complaints.channel.webForm',
  phone: 'officerecords.complaints.channel.phone',
};

export function ComplaintsPage() {
  const t = useT();
  const library = useLibrary();
  const [openOnly, setOpenOnly] = useState(true);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const list = useLoad(() => api<Complaint[]>('GET', `/libraries/${encodeURIComponent(library.id)}/complaints${openOnly ? '?open=true' : ''}`), [library.id, openOnly]);
  const [complaints, setComplaints] = useState<Complaint[] | undefined>(undefined);
  const { shown, pager } = usePaged(complaints);
  // The card answered may leave the list (only open complaints shown): focus goes to the notice.
  const noticeTarget = useFocusTarget<HTMLDivElement>();

  useEffect(() => {
    setComplaints(list.data);
  }, [list.data]);

  const answered = (c: Complaint, answer: Complaint) => {
    setNotice(t('officerecords.complaints.answeredNotice', { received: day(c.receivedAt) }));
    setComplaints((all) => (openOnly ? all?.filter((x) => x.id !== c.id) : all?.map((x) => (x.id === c.id ? answer : x))));
    noticeTarget.focus();
  };

  return (
    <Page title={t('officerecords.complaints.title')}>
      <p>{t('officerecords.complaints.intro')}</p>
      <label className="check">
        <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} />
        <span>{t('officerecords.complaints.openOnly')}</span>
      </label>
      <div ref={noticeTarget.ref} tabIndex={-1} className="office-focus">
        <Notice>{notice}</Notice>
      </div>
      <ErrorMessage error={list.error} />
      {list.loading && !complaints && <p className="loading">{t('common.loading')}</p>}
      {complaints && complaints.length === 0 && <p>{openOnly ? t('officerecords.complaints.noneOpen') : t('officerecords.complaints.none')}</p>}
      {complaints && complaints.length > 0 && <p>{t('officerecords.complaints.count', { count: complaints.length })}</p>}
      {shown.map((c) => (
        <ComplaintCard key={c.id} complaint={c} onAnswered={(answer) => answered(c, answer)} />
      ))}
      {pager}
    </Page>
  );
}

function ComplaintCard({ complaint: c, onAnswered }: { complaint: Complaint; onAnswered: (answer: Complaint) => void }) {
  const t = useT();
  const [summary, setSummary] = useState('');
  const { run, busy, error } = useAction();
  const opening = useAction();
  // The complaint with its texts, once the director opened it (GET /complaints/:id, logged).
  const [opened, setOpened] = useState<Complaint | undefined>(undefined);
  const anonymous = c.patronId === null;
  const channel = CHANNELS[c.channel];
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
        {c.topic} <span className="hint">({channel ? t(channel) : c.channel})</span>
      </h2>
      <dl className="facts">
        <dt>{t('officerecords.complaints.received')}</dt>
        <dd>{when(c.receivedAt)}</dd>
        <dt>{t('officerecords.complaints.answerDue')}</dt>
        <dd>
          {day(c.dueAt)} {c.overdue && <span className="badge warn">{t('officerecords.complaints.overdue')}</span>}
        </dd>
        <dt>{t('officerecords.complaints.from')}</dt>
        <dd>{anonymous ? t('officerecords.complaints.fromAnonymous') : t('officerecords.complaints.fromNamed')}</dd>
        {shown.summary !== null && (
          <>
            <dt>{t('officerecords.complaints.summary')}</dt>
            <dd>{shown.summary}</dd>
          </>
        )}
        {c.answeredAt && (
          <>
            <dt>{t('officerecords.complaints.answered')}</dt>
            <dd>{when(c.answeredAt)}</dd>
            <dt>{t('officerecords.complaints.answer')}</dt>
            <dd>{shown.answerSummary ?? (c.hasAnswerSummary ? t('officerecords.complaints.answerSealed') : '—')}</dd>
          </>
        )}
      </dl>
      {sealed && (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => void open()} disabled={opening.busy}>
            {t('officerecords.complaints.openSummary')}
          </button>
          <p className="hint">{t('officerecords.complaints.openSummary.hint')}</p>
        </div>
      )}
      <ErrorMessage error={opening.error} />
      {!c.answeredAt && (
        <form onSubmit={(e) => void submit(e)} aria-label={t('officerecords.complaints.answerForm', { received: day(c.receivedAt) })}>
          {anonymous ? (
            <p className="hint">{t('officerecords.complaints.anonymousAnswer')}</p>
          ) : (
            <TextArea
              label={t('officerecords.complaints.answerSummary')}
              hint={t('officerecords.complaints.answerSummary.hint')}
              maxLength={4000}
              value={summary}
              onChange={(e) => setSummary(e.target.value)}
              error={problemAbout(error, 'summary')}
            />
          )}
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy}>
            {t('officerecords.complaints.recordAnswer')}
          </button>
        </form>
      )}
    </section>
  );
}
