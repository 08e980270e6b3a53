import { useEffect, useRef, useState, type FormEvent } from 'react';
import { NOTICE_KINDS, NOTICE_LANGUAGES } from '../../../src/domain/notices';
import { api, query } from '../api';
import { useSession } from '../session';
import { ErrorMessage, Field, Notice, Select, Table, TextArea, useAction, useLoad, Page } from '../ui/components';
import { noticeChannelName, noticeKindName, noticeLanguageName } from '../ui/words';
import { Confirm, plural, problemAbout, useLibrary, when } from './common';
import type { Letter, NoticeCount, NoticeSettings, NoticeView, TemplatePreview, TemplateView } from './types';

/**
 * The library's notices (issue 17): the settings (when due-soon, overdue and card-expiry notices go, the
 * From and portal addresses, the default language) and the templates (notices.manage), with a preview
 * written for a fictional patron; the failed notices to retry (notices.read, notices.send); the letters
 * to print and post (notices.send). Staff never see what a sent notice said: Carrel forgets it once sent.
 */

/** A notice's status as staff read it. */
export const NOTICE_STATUS_WORDS: Record<string, string> = {
  queued: 'Waiting to be sent',
  sent: 'Sent',
  failed: 'Failed',
  letter: 'Letter to post',
  posted: 'Letter posted',
  cancelled: 'Cancelled',
};

/** Why a notice failed, in words (the code is a short stable word: a channel's reply, never the address). */
const FAILURE_WORDS: Record<string, string> = {
  NO_EMAIL_ADDRESS: 'No email address on file',
  NO_PHONE_NUMBER: 'No phone number on file',
};
const failureName = (code: string | null) => (code === null ? '—' : (FAILURE_WORDS[code] ?? `Refused by the mail or text service (${code})`));

/** What each field of a template is filled with. */
const FIELD_WORDS: Record<string, string> = {
  library: 'the library’s name',
  portalUrl: 'the address of the patron portal',
  count: 'how many items',
  dueDate: 'the due date',
  pickupBy: 'the last day to pick up',
  branch: 'the pick-up branch',
  titles: 'the titles of the items',
  expiresOn: 'the day the card expires',
  changes: 'what changed in the privacy policy',
  version: 'the policy’s version',
  breachWhen: 'the day of the incident',
  breachData: 'the kinds of records affected',
  breachActions: 'what the library is doing',
  unsubscribeUrl: 'the link to stop these emails',
};

export function NoticesPage() {
  const session = useSession();
  const library = useLibrary();
  const base = `/libraries/${encodeURIComponent(library.id)}`;
  const counts = useLoad(() => api<NoticeCount[]>('GET', `${base}/notices/counts`), [base]);
  const manage = session.can('notices.manage');
  const read = session.can('notices.read');
  const send = session.can('notices.send');
  const lettersWaiting = (counts.data ?? []).filter((c) => c.status === 'letter').reduce((n, c) => n + c.count, 0);

  return (
    <Page title="Notices">
      <div className="notices-page">
        <p>
          What <strong>{library.name}</strong> sends its patrons: holds ready, items due and overdue, cards expiring, changes to the privacy policy and security incidents. Each
          patron chooses how (email, text, both or none). Notices say as little as the library’s privacy policy allows; once a notice is sent, Carrel forgets what it said and keeps
          only its kind, how and when it went, for staff to answer “was I told?”.
        </p>
        <ErrorMessage error={counts.error} />
        {counts.data && <Counts counts={counts.data} />}
        {manage && <SettingsForm base={base} />}
        {manage && <Templates base={base} />}
        {read && <FailedNotices base={base} canRetry={send} onChanged={counts.reload} />}
        {send && <Letters waiting={lettersWaiting} base={base} onChanged={counts.reload} />}
      </div>
    </Page>
  );
}

/** How the library's notices went: a count for each kind and status. */
function Counts({ counts }: { counts: NoticeCount[] }) {
  const statuses = Object.keys(NOTICE_STATUS_WORDS).filter((s) => counts.some((c) => c.status === s));
  const kinds = NOTICE_KINDS.filter((k) => counts.some((c) => c.kind === k));
  const count = (kind: string, status: string) => counts.filter((c) => c.kind === kind && c.status === status).reduce((n, c) => n + c.count, 0);
  return (
    <section aria-labelledby="notices-counts">
      <h2 id="notices-counts">How notices went</h2>
      {kinds.length === 0 ? (
        <p>No notices yet.</p>
      ) : (
        <Table caption="Notices kept, by kind and status" columns={['Kind', ...statuses.map((s) => ({ label: NOTICE_STATUS_WORDS[s] ?? s, num: true as const }))]}>
          {kinds.map((k) => (
            <tr key={k}>
              <th scope="row">{noticeKindName(k)}</th>
              {statuses.map((s) => (
                <td key={s} className="num">
                  {count(k, s)}
                </td>
              ))}
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

interface SettingsDraft {
  dueSoonDays: string;
  overdue: [string, string, string];
  cardExpiringDays: string;
  fromAddress: string;
  portalUrl: string;
  defaultLanguage: string;
}

const draftOf = (s: NoticeSettings): SettingsDraft => ({
  dueSoonDays: String(s.dueSoonDays),
  overdue: [0, 1, 2].map((i) => (s.overdueDays[i] === undefined ? '' : String(s.overdueDays[i]))) as [string, string, string],
  cardExpiringDays: String(s.cardExpiringDays),
  fromAddress: s.fromAddress ?? '',
  portalUrl: s.portalUrl ?? '',
  defaultLanguage: s.defaultLanguage,
});

const ORDINALS = ['First', 'Second', 'Third'] as const;

function SettingsForm({ base }: { base: string }) {
  const loaded = useLoad(() => api<NoticeSettings>('GET', `${base}/notice-settings`), [base]);
  const [draft, setDraft] = useState<SettingsDraft | undefined>(undefined);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const { run, busy, error } = useAction();
  useEffect(() => {
    if (loaded.data) setDraft(draftOf(loaded.data));
  }, [loaded.data]);
  const set = (key: Exclude<keyof SettingsDraft, 'overdue'>) => (e: { target: { value: string } }) => {
    setSaved(undefined);
    setDraft((d) => (d ? { ...d, [key]: e.target.value } : d));
  };
  const setOverdue = (i: number) => (e: { target: { value: string } }) => {
    setSaved(undefined);
    setDraft((d) => (d ? { ...d, overdue: d.overdue.map((v, j) => (j === i ? e.target.value : v)) as SettingsDraft['overdue'] } : d));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    setSaved(undefined);
    const answer = await run(() =>
      api<NoticeSettings>('PATCH', `${base}/notice-settings`, {
        dueSoonDays: Number(draft.dueSoonDays),
        overdueDays: draft.overdue.filter((d) => d.trim() !== '').map(Number),
        cardExpiringDays: Number(draft.cardExpiringDays),
        fromAddress: draft.fromAddress.trim() === '' ? null : draft.fromAddress.trim(),
        portalUrl: draft.portalUrl.trim() === '' ? null : draft.portalUrl.trim(),
        defaultLanguage: draft.defaultLanguage,
      }),
    );
    if (answer) {
      setDraft(draftOf(answer));
      setSaved('The notice settings are saved.');
    }
  };
  const overdueProblem = problemAbout(error, 'overdueDays');
  return (
    <section aria-labelledby="notices-settings" className="office-form">
      <h2 id="notices-settings">Settings</h2>
      <ErrorMessage error={loaded.error} />
      {loaded.loading && !draft && <p className="loading">Loading…</p>}
      {draft && (
        <form onSubmit={(e) => void submit(e)} className="narrow">
          <Field
            label="Due-soon notice, days before the due date"
            hint="0 sends none."
            type="number"
            min={0}
            max={365}
            required
            value={draft.dueSoonDays}
            onChange={set('dueSoonDays')}
            error={problemAbout(error, 'dueSoonDays')}
          />
          <fieldset className="office-fieldset">
            <legend>Overdue notices, days after the due date</legend>
            <p className="hint">Up to three, each later than the one before. Leave a box empty for fewer.</p>
            {ORDINALS.map((o, i) => (
              <Field key={o} label={`${o} overdue notice`} type="number" min={1} max={365} value={draft.overdue[i]} onChange={setOverdue(i)} />
            ))}
            {overdueProblem && <p className="field-error">{overdueProblem}</p>}
          </fieldset>
          <Field
            label="Card-expiry notice, days before the card expires"
            hint="0 sends none."
            type="number"
            min={0}
            max={365}
            required
            value={draft.cardExpiringDays}
            onChange={set('cardExpiringDays')}
            error={problemAbout(error, 'cardExpiringDays')}
          />
          <Field
            label="From address"
            hint="The address the library’s email comes from, such as notices@library.example. Empty: the server’s own."
            type="email"
            autoComplete="off"
            value={draft.fromAddress}
            onChange={set('fromAddress')}
            error={problemAbout(error, 'fromAddress')}
          />
          <Field
            label="Portal address"
            hint="Where links in notices lead, starting with https://. Empty: this Carrel’s own address."
            type="url"
            autoComplete="off"
            value={draft.portalUrl}
            onChange={set('portalUrl')}
            error={problemAbout(error, 'portalUrl')}
          />
          <Select
            label="Default language"
            hint="For patrons who have not chosen a language of their own."
            value={draft.defaultLanguage}
            onChange={set('defaultLanguage')}
            options={NOTICE_LANGUAGES.map((l) => ({ value: l, label: noticeLanguageName(l) }))}
            error={problemAbout(error, 'defaultLanguage')}
          />
          <ErrorMessage error={error} />
          <Notice>{saved}</Notice>
          <button type="submit" disabled={busy}>
            Save settings
          </button>
        </form>
      )}
    </section>
  );
}

/** How long after the last keystroke the preview is asked for. */
const PREVIEW_AFTER_MS = 350;

function Templates({ base }: { base: string }) {
  const list = useLoad(() => api<TemplateView[]>('GET', `${base}/notice-templates`), [base]);
  const [kind, setKind] = useState<string>(NOTICE_KINDS[0]);
  const [language, setLanguage] = useState<string>(NOTICE_LANGUAGES[0]);
  const [draft, setDraft] = useState<{ subject: string; body: string } | undefined>(undefined);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const { run, busy, error, clear } = useAction();
  const template = list.data?.find((t) => t.kind === kind && t.language === language);

  // A new kind or language (or the list read again after a save) starts from the template in use.
  useEffect(() => {
    if (template) setDraft({ subject: template.subject, body: template.body });
  }, [template]);

  const path = `${base}/notice-templates/${encodeURIComponent(kind)}/${encodeURIComponent(language)}`;
  const preview = usePreview(path, draft);

  const choose = (next: { kind?: string; language?: string }) => {
    setSaved(undefined);
    clear();
    if (next.kind !== undefined) setKind(next.kind);
    if (next.language !== undefined) setLanguage(next.language);
  };
  const edit = (key: 'subject' | 'body') => (e: { target: { value: string } }) => {
    setSaved(undefined);
    setDraft((d) => (d ? { ...d, [key]: e.target.value } : d));
  };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    setSaved(undefined);
    const answer = await run(() => api<TemplateView>('PUT', path, draft));
    if (answer) {
      setSaved(`The ${noticeKindName(kind).toLowerCase()} template in ${noticeLanguageName(language)} is saved.`);
      list.reload();
    }
  };
  const reset = async () => {
    setSaved(undefined);
    const answer = await run(() => api<TemplateView>('DELETE', path));
    if (answer) {
      setDraft({ subject: answer.subject, body: answer.body });
      setSaved(`The ${noticeKindName(kind).toLowerCase()} template in ${noticeLanguageName(language)} is the one Carrel ships again.`);
      list.reload();
    }
  };

  return (
    <section aria-labelledby="notices-templates">
      <h2 id="notices-templates">Templates</h2>
      <p>
        Plain text only. A field in double braces, such as <code>{'{{dueDate}}'}</code>, is filled in for each patron; only the fields a kind offers may be used, and the
        library’s privacy policy may forbid some (titles, unless it allows them). Texts carry the body only.
      </p>
      <ErrorMessage error={list.error} />
      {list.loading && !list.data && <p className="loading">Loading…</p>}
      {list.data && draft && template && (
        <div className="notices-editor">
          <form onSubmit={(e) => void save(e)}>
            <div className="office-inline">
              <Select label="Kind of notice" value={kind} onChange={(e) => choose({ kind: e.target.value })} options={NOTICE_KINDS.map((k) => ({ value: k, label: noticeKindName(k) }))} />
              <Select
                label="Language"
                value={language}
                onChange={(e) => choose({ language: e.target.value })}
                options={NOTICE_LANGUAGES.map((l) => ({ value: l, label: noticeLanguageName(l) }))}
              />
            </div>
            <p className="hint">
              {template.custom ? `The library’s own, saved ${when(template.updatedAt)}.` : 'The template Carrel ships: the library has not changed it.'}
            </p>
            <Field label="Subject" autoComplete="off" required value={draft.subject} onChange={edit('subject')} error={problemAbout(error, 'subject')} />
            <TextArea label="Body" rows={9} required value={draft.body} onChange={edit('body')} error={problemAbout(error, 'body')} />
            <div className="notices-fields">
              <h3 id="notices-fields-offered">Fields this kind offers</h3>
              <ul aria-labelledby="notices-fields-offered">
                {template.fields.map((f) => (
                  <li key={f}>
                    <code>{`{{${f}}}`}</code> {FIELD_WORDS[f] ?? f}
                  </li>
                ))}
              </ul>
            </div>
            <ErrorMessage error={error} />
            <Notice>{saved}</Notice>
            <div className="actions">
              <button type="submit" disabled={busy}>
                Save template
              </button>
              {template.custom && (
                <Confirm
                  label="Reset to the shipped template"
                  question={<p>Go back to the template Carrel ships for this kind and language? The library’s own text is deleted.</p>}
                  confirmLabel="Yes, reset it"
                  onConfirm={reset}
                  busy={busy}
                />
              )}
            </div>
          </form>
          <section aria-labelledby="notices-preview" className="notices-preview">
            <h3 id="notices-preview">Preview</h3>
            <p className="hint">As a fictional patron would receive it. No real patron’s data is used.</p>
            <ErrorMessage error={preview.error} />
            {preview.data && (
              <>
                <div className="notices-letter" data-testid="template-preview">
                  <p>
                    <strong>{preview.data.subject}</strong>
                  </p>
                  <div className="notices-text">{preview.data.body}</div>
                </div>
                <div aria-live="polite">
                  {preview.data.problems.length > 0 && (
                    <div className="error">
                      <p>Saving this template would be refused:</p>
                      <ul>
                        {preview.data.problems.map((p, i) => (
                          <li key={i}>{p.message}</li>
                        ))}
                      </ul>
                    </div>
                  )}
                </div>
              </>
            )}
          </section>
        </div>
      )}
    </section>
  );
}

/** The preview of a draft, asked for a moment after the last change; an answer to an older draft is dropped. */
function usePreview(path: string, draft: { subject: string; body: string } | undefined) {
  const [state, setState] = useState<{ data?: TemplatePreview; error?: unknown }>({});
  const asked = useRef(0);
  useEffect(() => {
    if (!draft) return;
    const mine = ++asked.current;
    const wait = setTimeout(() => {
      api<TemplatePreview>('POST', `${path}/preview`, draft).then(
        (data) => mine === asked.current && setState({ data }),
        (error: unknown) => mine === asked.current && setState({ error }),
      );
    }, PREVIEW_AFTER_MS);
    return () => clearTimeout(wait);
  }, [path, draft]);
  return state;
}

function FailedNotices({ base, canRetry, onChanged }: { base: string; canRetry: boolean; onChanged: () => void }) {
  const failed = useLoad(() => api<NoticeView[]>('GET', `${base}/notices${query({ status: 'failed', limit: 200 })}`), [base]);
  const [done, setDone] = useState<string | undefined>(undefined);
  const { run, busy, error } = useAction();
  const changed = (text: string) => {
    setDone(text);
    failed.reload();
    onChanged();
  };
  const retry = async (n: NoticeView) => {
    const answer = await run(() => api<NoticeView>('POST', `/notices/${encodeURIComponent(n.id)}/retry`));
    if (answer) changed(`The ${noticeKindName(n.kind).toLowerCase()} notice is back in the queue.`);
  };
  const retryAll = async () => {
    const answer = await run(() => api<{ retried: number }>('POST', `${base}/notices/retry-failed`));
    if (answer) changed(`${plural(answer.retried, 'failed notice')} ${answer.retried === 1 ? 'is' : 'are'} back in the queue.`);
  };
  const rows = failed.data ?? [];
  return (
    <section aria-labelledby="notices-failed">
      <h2 id="notices-failed">Failed notices</h2>
      <p>Notices the mail or text service refused for good, or that had no address to go to. Retry one once the address is fixed, or all of them once the service is back.</p>
      <ErrorMessage error={failed.error} />
      {failed.loading && !failed.data && <p className="loading">Loading…</p>}
      <Notice>{done}</Notice>
      <ErrorMessage error={error} />
      {failed.data &&
        (rows.length === 0 ? (
          <p>No failed notices.</p>
        ) : (
          <>
            <Table caption={plural(rows.length, 'failed notice')} columns={['Kind', 'To', 'How', 'Why it failed', { label: 'Tries', num: true }, 'Queued', canRetry && 'Retry']}>
              {rows.map((n) => (
                <tr key={n.id}>
                  <th scope="row">{noticeKindName(n.kind)}</th>
                  <td>{n.recipient === 'guardian' ? 'A guardian' : 'The patron'}</td>
                  <td>{noticeChannelName(n.channel)}</td>
                  <td>{failureName(n.errorCode)}</td>
                  <td className="num">{n.attempts}</td>
                  <td>{when(n.createdAt)}</td>
                  {canRetry && (
                    <td>
                      <button type="button" className="secondary" disabled={busy} onClick={() => void retry(n)} aria-label={`Retry the ${noticeKindName(n.kind).toLowerCase()} notice of ${when(n.createdAt)}`}>
                        Retry
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </Table>
            {canRetry && (
              <div className="actions">
                <button type="button" disabled={busy} onClick={() => void retryAll()}>
                  Retry all failed
                </button>
              </div>
            )}
          </>
        ))}
    </section>
  );
}

/**
 * Letters to post: opened on request, since each letter shows a patron's name and address (a read the
 * access log records); printed on their own, one a page.
 */
function Letters({ base, waiting, onChanged }: { base: string; waiting: number; onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const [letters, setLetters] = useState<Letter[] | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const { run, busy, error } = useAction();
  const load = async () => {
    const answer = await run(() => api<Letter[]>('GET', `${base}/notices/letters`));
    if (answer) {
      setLetters(answer);
      setOpen(true);
    }
  };
  const posted = async (l: Letter) => {
    const answer = await run(() => api<NoticeView>('POST', `/notices/${encodeURIComponent(l.noticeId)}/posted`));
    if (answer) {
      setLetters((all) => all?.filter((x) => x.noticeId !== l.noticeId));
      setDone(`The letter to ${l.name} is marked posted; Carrel forgets what it said.`);
      onChanged();
    }
  };
  const print = () => {
    document.body.classList.add('printing-letters');
    window.addEventListener('afterprint', () => document.body.classList.remove('printing-letters'), { once: true });
    window.print();
  };
  return (
    <section aria-labelledby="notices-letters" className="notices-letters">
      <h2 id="notices-letters">Letters to post</h2>
      <p>
        A notice the law requires (a security incident) goes by post to a patron who chose no email or text. {plural(waiting, 'letter')} {waiting === 1 ? 'is' : 'are'} waiting.
        Opening them shows each patron’s name and address, and is logged.
      </p>
      <Notice>{done}</Notice>
      <ErrorMessage error={error} />
      {!open ? (
        <button type="button" disabled={busy || waiting === 0} onClick={() => void load()}>
          Open the letters to post
        </button>
      ) : letters && letters.length === 0 ? (
        <p>No letters are waiting.</p>
      ) : (
        letters && (
          <>
            <div className="actions">
              <button type="button" onClick={print}>
                Print the letters
              </button>
            </div>
            <ol className="notices-letter-list">
              {letters.map((l) => (
                <li key={l.noticeId} className="notices-letter">
                  <h3>{l.name}</h3>
                  <div className="notices-text">{l.address ?? 'No postal address on file'}</div>
                  <p className="hint">
                    {noticeKindName(l.kind)}, queued {when(l.createdAt)}
                  </p>
                  <p>
                    <strong>{l.subject}</strong>
                  </p>
                  <div className="notices-text">{l.body}</div>
                  <div className="actions">
                    <button type="button" className="secondary" disabled={busy} onClick={() => void posted(l)}>
                      Mark the letter to {l.name} posted
                    </button>
                  </div>
                </li>
              ))}
            </ol>
          </>
        )
      )}
    </section>
  );
}
