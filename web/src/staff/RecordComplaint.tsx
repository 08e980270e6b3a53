import { useId, useState, type FormEvent } from 'react';
import { api } from '../api';
import { useT, type MessageId } from '../i18n';
import { useSession } from '../session';
import { aboutField, day, ErrorMessage, Field, Notice, Page, Select, useAction } from '../ui/components';
import { useDesk } from './desk-context';
import { DeskNav, NotForRole } from './DeskNav';

/**
 * `/desk/complaint`: a written complaint recorded at the desk (JC-VIII), due for the director's answer.
 * From the patron open at the desk it may keep a summary, sealed with their record; an anonymous
 * complaint is recorded by its channel and topic code only: Carrel keeps no free text, and no patron
 * data, without a named patron.
 */

/** POST /complaints: the part of the answer the desk shows. */
interface ComplaintReceipt {
  id: string;
  receivedAt: string;
  channel: string;
  topic: string;
  dueAt: string;
  patronId: string | null;
}

const CHANNELS: { value: string; label: MessageId }[] = [
  { value: 'in-person', label: 'deskpages.complaint.channel.inPerson' },
  { value: 'letter', label: 'deskpages.complaint.channel.letter' },
  { value: 'email', label: 'deskpages.complaint.channel.email' },
  { value: 'phone', label: 'deskpages.complaint.channel.phone' },
  { value: 'web-form', label: 'deskpages.complaint.channel.webForm' },
];

export function RecordComplaint() {
  const session = useSession();
  const t = useT();
  return (
    <Page title={t('deskpages.complaint.title')}>
      <DeskNav />
      {session.can('complaints.record') ? <ComplaintForm /> : <NotForRole what={t('deskpages.complaint.notForRole')} />}
    </Page>
  );
}

function ComplaintForm() {
  const t = useT();
  const desk = useDesk();
  const id = useId();
  const { run, busy, error } = useAction();
  const [channel, setChannel] = useState('in-person');
  const [topic, setTopic] = useState('');
  const [summary, setSummary] = useState('');
  // Only the patron who presented their card is "the patron at the desk": one opened by a search for
  // collection or recovery is not here to complain, and their record is not bound to a complaint.
  const present = desk.presentedCard() !== undefined;
  const [named, setNamed] = useState(present && desk.account !== undefined);
  const [recorded, setRecorded] = useState<ComplaintReceipt | undefined>(undefined);
  const patron = present ? desk.account?.patron : undefined;
  const forPatron = named && patron !== undefined;
  const summaryProblem = aboutField(error, 'summary');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = summary.trim();
    const answer = await run(() =>
      api<ComplaintReceipt>('POST', '/complaints', {
        channel,
        topic: topic.trim(),
        ...(forPatron ? { patronId: patron.id, ...(text ? { summary: text } : {}) } : { ...(desk.library ? { libraryId: desk.library.id } : {}) }),
      }),
    );
    if (answer) {
      setRecorded(answer);
      setTopic('');
      setSummary('');
    }
  };

  return (
    <>
      <Notice>{recorded ? t('deskpages.complaint.recordedNotice', { due: day(recorded.dueAt) }) : undefined}</Notice>
      {recorded && (
        <div className="card receipt">
          <h2>{t('deskpages.complaint.recorded')}</h2>
          {/* No reference number: the office finds the complaint by its date and topic, never by a record id. */}
          <dl className="facts">
            <dt>{t('deskpages.complaint.topic.short')}</dt>
            <dd>{recorded.topic}</dd>
            <dt>{t('deskpages.complaint.received')}</dt>
            <dd>{day(recorded.receivedAt)}</dd>
            <dt>{t('deskpages.complaint.answerBy')}</dt>
            <dd>{day(recorded.dueAt)}</dd>
            <dt>{t('deskpages.complaint.complainant')}</dt>
            <dd>{recorded.patronId ? t('deskpages.complaint.thePatron') : t('deskpages.complaint.anonymous')}</dd>
          </dl>
        </div>
      )}
      <form className="narrow inline-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`} noValidate>
        <h2 id={`${id}-title`}>{recorded ? t('deskpages.complaint.another') : t('deskpages.complaint.heading')}</h2>
        {patron ? (
          <fieldset className="guardian">
            <legend>{t('deskpages.complaint.who')}</legend>
            <div className="check">
              <input type="radio" id={`${id}-named`} name="who" checked={named} onChange={() => setNamed(true)} />
              <label htmlFor={`${id}-named`}>{t('deskpages.complaint.namedPatron', { name: patron.name })}</label>
            </div>
            <div className="check">
              <input type="radio" id={`${id}-anonymous`} name="who" checked={!named} onChange={() => setNamed(false)} />
              <label htmlFor={`${id}-anonymous`}>{t('deskpages.complaint.anonymous')}</label>
            </div>
          </fieldset>
        ) : (
          <p>{t('deskpages.complaint.noPatron')}</p>
        )}
        {!forPatron && (
          <p className="confirm" id={`${id}-anonymous-warning`}>
            {t('deskpages.complaint.anonymousWarning')}
          </p>
        )}
        <Select
          label={t('deskpages.complaint.channel')}
          name="channel"
          value={channel}
          onChange={(e) => setChannel(e.target.value)}
          options={CHANNELS.map((c) => ({ value: c.value, label: t(c.label) }))}
          error={aboutField(error, 'channel')} />
        <Field
          label={t('deskpages.complaint.topic')}
          name="topic"
          required
          autoComplete="off"
          hint={t('deskpages.complaint.topic.hint')}
          value={topic}
          onChange={(e) => setTopic(e.target.value)}
          error={aboutField(error, 'topic')}
        />
        {forPatron && (
          <div className="field">
            <label htmlFor={`${id}-summary`}>{t('deskpages.complaint.summary')}</label>
            <p className="hint" id={`${id}-summary-hint`}>
              {t('deskpages.complaint.summary.hint')}
            </p>
            <textarea
              id={`${id}-summary`}
              name="summary"
              rows={4}
              maxLength={4000}
              value={summary}
              onChange={(e) => setSummary(e.target.value)}
              aria-describedby={[`${id}-summary-hint`, summaryProblem ? `${id}-summary-error` : ''].filter(Boolean).join(' ')}
              aria-invalid={summaryProblem ? true : undefined}
            />
            {summaryProblem && (
              <p className="field-error" id={`${id}-summary-error`}>
                {summaryProblem}
              </p>
            )}
          </div>
        )}
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('deskpages.complaint.submit')}
        </button>
      </form>
    </>
  );
}
