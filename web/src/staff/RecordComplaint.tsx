import { useId, useState, type FormEvent } from 'react';
import { api } from '../api';
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

const CHANNELS = [
  { value: 'in-person', label: 'In person, at the desk' },
  { value: 'letter', label: 'Letter' },
  { value: 'email', label: 'Email' },
  { value: 'phone', label: 'Phone' },
  { value: 'web-form', label: 'Web form' },
];

export function RecordComplaint() {
  const session = useSession();
  return (
    <Page title="Record a complaint">
      <DeskNav />
      {session.can('complaints.record') ? <ComplaintForm /> : <NotForRole what="Recording complaints" />}
    </Page>
  );
}

function ComplaintForm() {
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
      <Notice>{recorded ? `Complaint recorded: the director answers it by ${day(recorded.dueAt)}.` : undefined}</Notice>
      {recorded && (
        <div className="card receipt">
          <h2>Complaint recorded</h2>
          <dl className="facts">
            <dt>Reference</dt>
            <dd className="record-id">{recorded.id}</dd>
            <dt>Topic</dt>
            <dd>{recorded.topic}</dd>
            <dt>Received</dt>
            <dd>{day(recorded.receivedAt)}</dd>
            <dt>The director answers by</dt>
            <dd>{day(recorded.dueAt)}</dd>
            <dt>Complainant</dt>
            <dd>{recorded.patronId ? 'The patron at the desk' : 'Anonymous'}</dd>
          </dl>
        </div>
      )}
      <form className="narrow inline-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`} noValidate>
        <h2 id={`${id}-title`}>{recorded ? 'Record another complaint' : 'The complaint'}</h2>
        {patron ? (
          <fieldset className="guardian">
            <legend>Who is complaining</legend>
            <div className="check">
              <input type="radio" id={`${id}-named`} name="who" checked={named} onChange={() => setNamed(true)} />
              <label htmlFor={`${id}-named`}>The patron at the desk: {patron.name}</label>
            </div>
            <div className="check">
              <input type="radio" id={`${id}-anonymous`} name="who" checked={!named} onChange={() => setNamed(false)} />
              <label htmlFor={`${id}-anonymous`}>Anonymous</label>
            </div>
          </fieldset>
        ) : (
          <p>No patron is open at the desk: the complaint is recorded as anonymous.</p>
        )}
        {!forPatron && (
          <p className="confirm" id={`${id}-anonymous-warning`}>
            An anonymous complaint carries no patron data: only its channel and topic code are kept, with no summary, and nobody can be told the answer.
          </p>
        )}
        <Select label="Received by" name="channel" value={channel} onChange={(e) => setChannel(e.target.value)} options={CHANNELS} error={aboutField(error, 'channel')} />
        <Field
          label="Topic code"
          name="topic"
          required
          autoComplete="off"
          hint="Lower-case letters, digits and hyphens, such as privacy or staff-conduct."
          value={topic}
          onChange={(e) => setTopic(e.target.value)}
          error={aboutField(error, 'topic')}
        />
        {forPatron && (
          <div className="field">
            <label htmlFor={`${id}-summary`}>Summary (optional)</label>
            <p className="hint" id={`${id}-summary-hint`}>
              Sealed with the patron’s record; the director opens it to answer.
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
          Record complaint
        </button>
      </form>
    </>
  );
}
