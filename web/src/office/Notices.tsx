import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { NOTICE_KINDS, NOTICE_LANGUAGES } from '../../../src/domain/notices';
import { api, query } from '../api';
import { useSession } from '../session';
import { tRich, useT, wordFor, type MessageId } from '../i18n';
import { count as number, ErrorMessage, Field, Notice, Select, Table, TextArea, useAction, useLoad, Page } from '../ui/components';
import { noticeChannelName, noticeKindName, noticeLanguageName } from '../ui/words';
import { Confirm, problemAbout, useLibrary, when } from './common';
import type { Letter, NoticeCount, NoticeSettings, NoticeView, TemplatePreview, TemplateView } from './types';

/**
 * The library's notices (issue 17): the settings (when due-soon, overdue and card-expiry notices go, the
 * From and portal addresses, the default language) and the templates (notices.manage), with a preview
 * written for a fictional patron; the failed notices to retry (notices.read, notices.send); the letters
 * to print and post (notices.send). Staff never see what a sent notice said: Carrel forgets it once sent.
 */

/** A notice's status as staff read it. */
export const NOTICE_STATUS_WORDS: Record<string, MessageId> = {
  queued: 'officerecords.notices.status.queued',
  sent: 'officerecords.notices.status.sent',
  failed: 'officerecords.notices.status.failed',
  letter: 'officerecords.notices.status.letter',
  posted: 'officerecords.notices.status.posted',
  cancelled: 'officerecords.notices.status.cancelled',
};

/** Why a notice failed, in words (the code is a short stable word: a channel's reply, never the address). */
const FAILURE_WORDS: Record<string, MessageId> = {
  NO_EMAIL_ADDRESS: 'officerecords.notices.failure.noEmail',
  NO_PHONE_NUMBER: 'officerecords.notices.failure.noPhone',
};
function failureName(t: (id: MessageId, values?: Record<string, string>) => string, code: string | null): string {
  if (code === null) return '—';
  const id = FAILURE_WORDS[code];
  return id ? t(id) : t('officerecords.notices.failure.refused', { code });
}

/** What each field of a template is filled with. */
const FIELD_WORDS: Record<string, MessageId> = {
  library: 'officerecords.notices.field.library',
  portalUrl: 'officerecords.notices.field.portalUrl',
  count: 'officerecords.notices.field.count',
  dueDate: 'officerecords.notices.field.dueDate',
  pickupBy: 'officerecords.notices.field.pickupBy',
  branch: 'officerecords.notices.field.branch',
  titles: 'officerecords.notices.field.titles',
  expiresOn: 'officerecords.notices.field.expiresOn',
  changes: 'officerecords.notices.field.changes',
  version: 'officerecords.notices.field.version',
  breachWhen: 'officerecords.notices.field.breachWhen',
  breachData: 'officerecords.notices.field.breachData',
  breachActions: 'officerecords.notices.field.breachActions',
  unsubscribeUrl: 'officerecords.notices.field.unsubscribeUrl',
};

const bold = (chunks: ReactNode[]) => <strong>{chunks}</strong>;
const code = (chunks: ReactNode[]) => <code>{chunks}</code>;

export function NoticesPage() {
  const t = useT();
  const session = useSession();
  const library = useLibrary();
  const base = `/libraries/${encodeURIComponent(library.id)}`;
  const counts = useLoad(() => api<NoticeCount[]>('GET', `${base}/notices/counts`), [base]);
  const manage = session.can('notices.manage');
  const read = session.can('notices.read');
  const send = session.can('notices.send');
  const lettersWaiting = (counts.data ?? []).filter((c) => c.status === 'letter').reduce((n, c) => n + c.count, 0);

  return (
    <Page title={t('officerecords.notices.title')}>
      <div className="notices-page">
        <p>{tRich('officerecords.notices.intro', { b: bold, library: library.name })}</p>
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
  const t = useT();
  const statuses = Object.keys(NOTICE_STATUS_WORDS).filter((s) => counts.some((c) => c.status === s));
  const kinds = NOTICE_KINDS.filter((k) => counts.some((c) => c.kind === k));
  const count = (kind: string, status: string) => counts.filter((c) => c.kind === kind && c.status === status).reduce((n, c) => n + c.count, 0);
  return (
    <section aria-labelledby="notices-counts">
      <h2 id="notices-counts">{t('officerecords.notices.counts')}</h2>
      {kinds.length === 0 ? (
        <p>{t('officerecords.notices.counts.none')}</p>
      ) : (
        <Table
          caption={t('officerecords.notices.counts.caption')}
          columns={[
            t('officerecords.notices.kind'),
            ...statuses.map((s) => {
              const id = NOTICE_STATUS_WORDS[s];
              return { label: id ? t(id) : s, num: true as const };
            }),
          ]}
        >
          {kinds.map((k) => (
            <tr key={k}>
              <th scope="row">{noticeKindName(k)}</th>
              {statuses.map((s) => (
                <td key={s} className="num">
                  {number(count(k, s))}
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

const ORDINALS: readonly MessageId[] = ['officerecords.notices.settings.overdue.first', 'officerecords.notices.settings.overdue.second', 'officerecords.notices.settings.overdue.third'];

function SettingsForm({ base }: { base: string }) {
  const t = useT();
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
      setSaved(t('officerecords.notices.settings.saved'));
    }
  };
  const overdueProblem = problemAbout(error, 'overdueDays');
  return (
    <section aria-labelledby="notices-settings" className="office-form">
      <h2 id="notices-settings">{t('officerecords.notices.settings')}</h2>
      <ErrorMessage error={loaded.error} />
      {loaded.loading && !draft && <p className="loading">{t('common.loading')}</p>}
      {draft && (
        <form onSubmit={(e) => void submit(e)} className="narrow">
          <Field
            label={t('officerecords.notices.settings.dueSoon')}
            hint={t('officerecords.notices.settings.noneIfZero')}
            type="number"
            min={0}
            max={365}
            required
            value={draft.dueSoonDays}
            onChange={set('dueSoonDays')}
            error={problemAbout(error, 'dueSoonDays')}
          />
          <fieldset className="office-fieldset">
            <legend>{t('officerecords.notices.settings.overdue')}</legend>
            <p className="hint">{t('officerecords.notices.settings.overdue.hint')}</p>
            {ORDINALS.map((o, i) => (
              <Field key={o} label={t(o)} type="number" min={1} max={365} value={draft.overdue[i]} onChange={setOverdue(i)} />
            ))}
            {overdueProblem && <p className="field-error">{overdueProblem}</p>}
          </fieldset>
          <Field
            label={t('officerecords.notices.settings.cardExpiring')}
            hint={t('officerecords.notices.settings.noneIfZero')}
            type="number"
            min={0}
            max={365}
            required
            value={draft.cardExpiringDays}
            onChange={set('cardExpiringDays')}
            error={problemAbout(error, 'cardExpiringDays')}
          />
          <Field
            label={t('officerecords.notices.settings.from')}
            hint={t('officerecords.notices.settings.from.hint')}
            type="email"
            autoComplete="off"
            value={draft.fromAddress}
            onChange={set('fromAddress')}
            error={problemAbout(error, 'fromAddress')}
          />
          <Field
            label={t('officerecords.notices.settings.portal')}
            hint={t('officerecords.notices.settings.portal.hint')}
            type="url"
            autoComplete="off"
            value={draft.portalUrl}
            onChange={set('portalUrl')}
            error={problemAbout(error, 'portalUrl')}
          />
          <Select
            label={t('officerecords.notices.settings.language')}
            hint={t('officerecords.notices.settings.language.hint')}
            value={draft.defaultLanguage}
            onChange={set('defaultLanguage')}
            options={NOTICE_LANGUAGES.map((l) => ({ value: l, label: noticeLanguageName(l) }))}
            error={problemAbout(error, 'defaultLanguage')}
          />
          <ErrorMessage error={error} />
          <Notice>{saved}</Notice>
          <button type="submit" disabled={busy}>
            {t('officerecords.notices.settings.save')}
          </button>
        </form>
      )}
    </section>
  );
}

/** How long after the last keystroke the preview is asked for. */
const PREVIEW_AFTER_MS = 350;

function Templates({ base }: { base: string }) {
  const t = useT();
  const list = useLoad(() => api<TemplateView[]>('GET', `${base}/notice-templates`), [base]);
  const [kind, setKind] = useState<string>(NOTICE_KINDS[0]);
  const [language, setLanguage] = useState<string>(NOTICE_LANGUAGES[0]);
  const [draft, setDraft] = useState<{ subject: string; body: string } | undefined>(undefined);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const { run, busy, error, clear } = useAction();
  const template = list.data?.find((x) => x.kind === kind && x.language === language);

  // A new kind or language (or the list read again after a save) starts from the template in use.
  useEffect(() => {
    if (template) setDraft({ subject: template.subject, body: template.body });
  }, [template]);

  const fieldWords = (field: string) => {
    return wordFor(FIELD_WORDS, field);
  };
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
      setSaved(t('officerecords.notices.templates.saved', { kind: noticeKindName(kind).toLowerCase(), language: noticeLanguageName(language) }));
      list.reload();
    }
  };
  const reset = async () => {
    setSaved(undefined);
    const answer = await run(() => api<TemplateView>('DELETE', path));
    if (answer) {
      setDraft({ subject: answer.subject, body: answer.body });
      setSaved(t('officerecords.notices.templates.wasReset', { kind: noticeKindName(kind).toLowerCase(), language: noticeLanguageName(language) }));
      list.reload();
    }
  };

  return (
    <section aria-labelledby="notices-templates">
      <h2 id="notices-templates">{t('officerecords.notices.templates')}</h2>
      <p>{tRich('officerecords.notices.templates.intro', { code, example: '{{dueDate}}' })}</p>
      <ErrorMessage error={list.error} />
      {list.loading && !list.data && <p className="loading">{t('common.loading')}</p>}
      {list.data && draft && template && (
        <div className="notices-editor">
          <form onSubmit={(e) => void save(e)}>
            <div className="office-inline">
              <Select label={t('officerecords.notices.templates.kind')} value={kind} onChange={(e) => choose({ kind: e.target.value })} options={NOTICE_KINDS.map((k) => ({ value: k, label: noticeKindName(k) }))} />
              <Select
                label={t('officerecords.notices.templates.language')}
                value={language}
                onChange={(e) => choose({ language: e.target.value })}
                options={NOTICE_LANGUAGES.map((l) => ({ value: l, label: noticeLanguageName(l) }))}
              />
            </div>
            <p className="hint">
              {template.custom ? t('officerecords.notices.templates.custom', { at: when(template.updatedAt) }) : t('officerecords.notices.templates.shipped')}
            </p>
            <Field label={t('officerecords.notices.templates.subject')} autoComplete="off" required value={draft.subject} onChange={edit('subject')} error={problemAbout(error, 'subject')} />
            <TextArea label={t('officerecords.notices.templates.body')} rows={9} required value={draft.body} onChange={edit('body')} error={problemAbout(error, 'body')} />
            <div className="notices-fields">
              <h3 id="notices-fields-offered">{t('officerecords.notices.templates.fields')}</h3>
              <ul aria-labelledby="notices-fields-offered">
                {template.fields.map((f) => (
                  <li key={f}>
                    <code>{`{{${f}}}`}</code> {fieldWords(f)}
                  </li>
                ))}
              </ul>
            </div>
            <ErrorMessage error={error} />
            <Notice>{saved}</Notice>
            <div className="actions">
              <button type="submit" disabled={busy}>
                {t('officerecords.notices.templates.save')}
              </button>
              {template.custom && (
                <Confirm
                  label={t('officerecords.notices.templates.reset')}
                  question={<p>{t('officerecords.notices.templates.reset.question')}</p>}
                  confirmLabel={t('officerecords.notices.templates.reset.yes')}
                  onConfirm={reset}
                  busy={busy}
                />
              )}
            </div>
          </form>
          <section aria-labelledby="notices-preview" className="notices-preview">
            <h3 id="notices-preview">{t('officerecords.notices.preview')}</h3>
            <p className="hint">{t('officerecords.notices.preview.hint')}</p>
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
                      <p>{t('officerecords.notices.preview.refused')}</p>
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
  const t = useT();
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
    if (answer) changed(t('officerecords.notices.failed.retried', { kind: noticeKindName(n.kind).toLowerCase() }));
  };
  const retryAll = async () => {
    const answer = await run(() => api<{ retried: number }>('POST', `${base}/notices/retry-failed`));
    if (answer) changed(t('officerecords.notices.failed.retriedAll', { count: answer.retried }));
  };
  const rows = failed.data ?? [];
  return (
    <section aria-labelledby="notices-failed">
      <h2 id="notices-failed">{t('officerecords.notices.failed')}</h2>
      <p>{t('officerecords.notices.failed.intro')}</p>
      <ErrorMessage error={failed.error} />
      {failed.loading && !failed.data && <p className="loading">{t('common.loading')}</p>}
      <Notice>{done}</Notice>
      <ErrorMessage error={error} />
      {failed.data &&
        (rows.length === 0 ? (
          <p>{t('officerecords.notices.failed.none')}</p>
        ) : (
          <>
            <Table
              caption={t('officerecords.notices.failed.count', { count: rows.length })}
              columns={[
                t('officerecords.notices.kind'),
                t('officerecords.notices.failed.to'),
                t('officerecords.notices.failed.how'),
                t('officerecords.notices.failed.why'),
                { label: t('officerecords.notices.failed.tries'), num: true },
                t('officerecords.notices.failed.queued'),
                canRetry && t('officerecords.notices.failed.retry'),
              ]}
            >
              {rows.map((n) => (
                <tr key={n.id}>
                  <th scope="row">{noticeKindName(n.kind)}</th>
                  <td>{n.recipient === 'guardian' ? t('officerecords.notices.failed.toGuardian') : t('officerecords.notices.failed.toPatron')}</td>
                  <td>{noticeChannelName(n.channel)}</td>
                  <td>{failureName(t, n.errorCode)}</td>
                  <td className="num">{number(n.attempts)}</td>
                  <td>{when(n.createdAt)}</td>
                  {canRetry && (
                    <td>
                      <button type="button" className="secondary" disabled={busy} onClick={() => void retry(n)} aria-label={t('officerecords.notices.failed.retryOne', { kind: noticeKindName(n.kind).toLowerCase(), at: when(n.createdAt) })}>
                        {t('officerecords.notices.failed.retry')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </Table>
            {canRetry && (
              <div className="actions">
                <button type="button" disabled={busy} onClick={() => void retryAll()}>
                  {t('officerecords.notices.failed.retryAll')}
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
  const t = useT();
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
      setDone(t('officerecords.notices.letters.posted', { name: l.name }));
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
      <h2 id="notices-letters">{t('officerecords.notices.letters')}</h2>
      <p>{t('officerecords.notices.letters.intro', { count: waiting })}</p>
      <Notice>{done}</Notice>
      <ErrorMessage error={error} />
      {!open ? (
        <button type="button" disabled={busy || waiting === 0} onClick={() => void load()}>
          {t('officerecords.notices.letters.open')}
        </button>
      ) : letters && letters.length === 0 ? (
        <p>{t('officerecords.notices.letters.none')}</p>
      ) : (
        letters && (
          <>
            <div className="actions">
              <button type="button" onClick={print}>
                {t('officerecords.notices.letters.print')}
              </button>
            </div>
            <ol className="notices-letter-list">
              {letters.map((l) => (
                <li key={l.noticeId} className="notices-letter">
                  <h3>{l.name}</h3>
                  <div className="notices-text">{l.address ?? t('officerecords.notices.letters.noAddress')}</div>
                  <p className="hint">
                    {t('officerecords.notices.letters.queued', { kind: noticeKindName(l.kind), at: when(l.createdAt) })}
                  </p>
                  <p>
                    <strong>{l.subject}</strong>
                  </p>
                  <div className="notices-text">{l.body}</div>
                  <div className="actions">
                    <button type="button" className="secondary" disabled={busy} onClick={() => void posted(l)}>
                      {t('officerecords.notices.letters.markPosted', { name: l.name })}
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
