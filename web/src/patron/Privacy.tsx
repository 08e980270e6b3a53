import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api';
import { pageLanguage, tRich, useT, type MessageId } from '../i18n';
import { aboutField, Checkbox, day, ErrorMessage, Notice, Page, Table, useAction, useLoad } from '../ui/components';
import { pinWords } from './DeleteAccount';
import { PinAgain } from './parts';
import { noticeChannelName, noticeKindName } from '../ui/words';
import { useSession } from '../session';
import { usePolicy } from './policy';
import type { NoticeChannel, OwnNotice, PrivacyView } from './types';
import { noticeStatus } from './words';

interface Choices {
  readingHistory: boolean;
  noticeChannel: NoticeChannel;
  mailingLists: boolean;
  photoConsent: boolean;
  noticeLanguage: NoticeLanguageChoice;
  policyMailings: boolean;
}

/** A language for notices, or null: the library's own. */
type NoticeLanguageChoice = 'en' | 'es' | null;

const choicesOf = (v: PrivacyView): Choices => ({
  readingHistory: v.readingHistory,
  noticeChannel: v.noticeChannel,
  mailingLists: v.mailingLists,
  photoConsent: v.photoConsent,
  noticeLanguage: v.noticeLanguage,
  policyMailings: v.policyMailings,
});

const CHANNELS: { value: NoticeChannel; label: MessageId; hint: MessageId }[] = [
  { value: 'none', label: 'account.privacy.channel.none', hint: 'account.privacy.channel.none.hint' },
  { value: 'email', label: 'account.privacy.channel.email', hint: 'account.privacy.channel.email.hint' },
  { value: 'text', label: 'account.privacy.channel.text', hint: 'account.privacy.channel.text.hint' },
  { value: 'both', label: 'account.privacy.channel.both', hint: 'account.privacy.channel.both.hint' },
];

/** The languages a patron may choose for notices; each written in itself, as the choice is read in it (the library's own, in the page's language). */
const LANGUAGES: { value: NoticeLanguageChoice; key: string; label: string | MessageId; lang?: string }[] = [
  { value: null, key: 'library', label: 'account.privacy.language.library' },
  { value: 'en', key: 'en', label: 'English', lang: 'en' },
  { value: 'es', key: 'es', label: 'Español', lang: 'es' },
];

/**
 * `/me/privacy`: the patron's choices (GET/PUT /me/privacy), and the notices the library sent them (GET /me/notices). Each is off until the patron turns it
 * on, each says in plain words what it means, and only what changed is sent. A refusal (notices to an
 * address that is not on file) shows beside the choice it is about, and changes nothing.
 */
export function Privacy() {
  const t = useT();
  const session = useSession();
  const loaded = useLoad(() => api<PrivacyView>('GET', '/me/privacy'), []);
  const policy = usePolicy(session.actor?.libraryId);
  const afterReturn = policy.data?.categories.find((c) => c.id === 'circulation')?.howLong.text;
  const policyLanguage = policy.data && policy.data.language !== pageLanguage() ? policy.data.language : undefined;
  const [view, setView] = useState<PrivacyView | undefined>(undefined);
  const [form, setForm] = useState<Choices | undefined>(undefined);
  // The message's id, so that it reads in the page's language even after a switch.
  const [saved, setSaved] = useState<MessageId | null>(null);
  // Turning reading history off deletes it: the PIN is typed again to confirm (issue 22, defect 8).
  const [pin, setPin] = useState('');
  const { run, busy, error } = useAction();

  useEffect(() => {
    if (loaded.data) {
      setView(loaded.data);
      setForm(choicesOf(loaded.data));
    }
  }, [loaded.data]);

  const change = <K extends keyof Choices>(key: K, value: Choices[K]) => {
    setSaved(null);
    setForm((f) => (f ? { ...f, [key]: value } : f));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!view || !form) return;
    setSaved(null);
    const before = choicesOf(view);
    const body: Partial<Choices> = {};
    for (const key of Object.keys(form) as (keyof Choices)[]) if (form[key] !== before[key]) (body as Record<string, unknown>)[key] = form[key];
    if (Object.keys(body).length === 0) {
      setSaved('account.privacy.nothingChanged');
      return;
    }
    const deleting = body.readingHistory === false;
    const answer = await run(() => api<PrivacyView>('PUT', '/me/privacy', deleting ? { ...body, pin } : body));
    if (deleting) setPin('');
    if (answer) {
      setView(answer);
      setForm(choicesOf(answer));
      setSaved('account.privacy.saved');
    }
  };

  const channelProblem = aboutField(error, 'noticeChannel');
  const deletingHistory = view?.readingHistory === true && form?.readingHistory === false;

  return (
    <Page title={t('account.privacy.title')}>
      <p>{t('account.privacy.intro')}</p>
      {loaded.loading && !view && <p className="loading">{t('account.privacy.loading')}</p>}
      <ErrorMessage error={loaded.error} />
      {view && form && (
        <form onSubmit={(e) => void submit(e)}>
          <fieldset className="portal-choice">
            <legend>{t('account.privacy.history')}</legend>
            {view.readingHistoryOffered ? (
              <>
                <Checkbox
                  label={t('account.privacy.history.keep')}
                  checked={form.readingHistory}
                  onChange={(v) => change('readingHistory', v)}
                  hint={
                    <>
                      <p>{t('account.privacy.history.on')}</p>
                      <p>{t('account.privacy.history.off')}</p>
                      {afterReturn && <p>{tRich('account.privacy.history.rule', { rule: <span lang={policyLanguage}>{afterReturn}</span> })}</p>}
                    </>
                  }
                />
                {view.readingHistory && <p className="since">{t('account.privacy.history.since', { since: day(view.readingHistorySince) })}</p>}
                {deletingHistory && (
                  <div className="portal-warning">
                    <p>{t('account.privacy.history.deleting')}</p>
                    <PinAgain label={t('account.privacy.history.pin')} hint={t('account.privacy.history.pin.hint')} value={pin} onChange={setPin} error={pinWords(t, error) ?? aboutField(error, 'pin')} />
                  </div>
                )}
              </>
            ) : (
              <p>{t('account.privacy.history.notOffered')}</p>
            )}
          </fieldset>

          <fieldset className="portal-choice" aria-describedby={channelProblem ? 'privacy-channel-error' : undefined}>
            <legend>{t('account.privacy.notices')}</legend>
            <p className="hint">{t('account.privacy.notices.hint')}</p>
            {CHANNELS.map((c) => (
              <div className="check" key={c.value}>
                <input
                  type="radio"
                  id={`privacy-channel-${c.value}`}
                  name="noticeChannel"
                  value={c.value}
                  checked={form.noticeChannel === c.value}
                  onChange={() => change('noticeChannel', c.value)}
                  aria-describedby={`privacy-channel-${c.value}-hint${channelProblem ? ' privacy-channel-error' : ''}`}
                  aria-invalid={channelProblem && form.noticeChannel === c.value ? true : undefined}
                />
                <div>
                  <label htmlFor={`privacy-channel-${c.value}`}>{t(c.label)}</label>
                  <p className="hint" id={`privacy-channel-${c.value}-hint`}>
                    {t(c.hint)}
                  </p>
                </div>
              </div>
            ))}
            {channelProblem && (
              <p className="field-error" id="privacy-channel-error">
                {tRich('account.privacy.channel.addIt', { problem: channelProblem, link: (chunks) => <Link to="/me/data">{chunks}</Link> })}
              </p>
            )}
          </fieldset>

          <fieldset className="portal-choice">
            <legend>{t('account.privacy.language')}</legend>
            {LANGUAGES.map((l) => (
              <div className="check" key={l.key}>
                <input
                  type="radio"
                  id={`privacy-language-${l.key}`}
                  name="noticeLanguage"
                  value={l.key}
                  checked={form.noticeLanguage === l.value}
                  onChange={() => change('noticeLanguage', l.value)}
                />
                <div>
                  <label htmlFor={`privacy-language-${l.key}`} lang={l.lang}>
                    {l.lang ? l.label : t(l.label as MessageId)}
                  </label>
                </div>
              </div>
            ))}
            {aboutField(error, 'noticeLanguage') && <p className="field-error">{aboutField(error, 'noticeLanguage')}</p>}
          </fieldset>

          <fieldset className="portal-choice">
            <legend>{t('account.privacy.policyMailings')}</legend>
            <Checkbox
              label={t('account.privacy.policyMailings.label')}
              checked={form.policyMailings}
              onChange={(v) => change('policyMailings', v)}
              hint={
                <>
                  <p>{t('account.privacy.policyMailings.on')}</p>
                  <p>{t('account.privacy.policyMailings.off')}</p>
                </>
              }
            />
          </fieldset>

          <fieldset className="portal-choice">
            <legend>{t('account.privacy.mailingLists')}</legend>
            <Checkbox
              label={t('account.privacy.mailingLists.label')}
              checked={form.mailingLists}
              onChange={(v) => change('mailingLists', v)}
              hint={
                <>
                  <p>{t('account.privacy.mailingLists.on')}</p>
                  <p>{t('account.privacy.mailingLists.off')}</p>
                </>
              }
            />
            {view.mailingLists && <p className="since">{t('account.privacy.mailingLists.since', { since: day(view.mailingListsSince) })}</p>}
          </fieldset>

          <fieldset className="portal-choice">
            <legend>{t('account.privacy.photos')}</legend>
            <Checkbox
              label={t('account.privacy.photos.label')}
              checked={form.photoConsent}
              onChange={(v) => change('photoConsent', v)}
              hint={
                <>
                  <p>{t('account.privacy.photos.on')}</p>
                  <p>{t('account.privacy.photos.off')}</p>
                </>
              }
            />
            {view.photoConsent && <p className="since">{t('account.privacy.photos.since', { since: day(view.photoConsentSince) })}</p>}
          </fieldset>

          {!pinWords(t, error) && <ErrorMessage error={error} />}
          <Notice>{saved ? t(saved) : null}</Notice>
          <div className="actions">
            <button type="submit" disabled={busy}>
              {t('account.privacy.submit')}
            </button>
          </div>
        </form>
      )}
      <MyNotices />
    </Page>
  );
}

/** The notices the library sent the patron (or is sending): what kind, how, when and how it went; what they said is not kept. */
function MyNotices() {
  const t = useT();
  const notices = useLoad(() => api<OwnNotice[]>('GET', '/me/notices'), []);
  return (
    <section aria-labelledby="my-notices" className="portal-notices">
      <h2 id="my-notices">{t('account.notices.heading')}</h2>
      <p>{t('account.notices.intro')}</p>
      <ErrorMessage error={notices.error} />
      {notices.loading && !notices.data && <p className="loading">{t('account.notices.loading')}</p>}
      {notices.data &&
        (notices.data.length === 0 ? (
          <p>{t('account.notices.none')}</p>
        ) : (
          <Table
            caption={t('account.notices.caption')}
            columns={[t('account.notices.col.notice'), t('account.notices.col.how'), t('account.notices.col.when'), t('account.notices.col.status')]}
          >
            {notices.data.map((n, i) => (
              <tr key={i}>
                <th scope="row">{noticeKindName(n.kind)}</th>
                <td>{noticeChannelName(n.channel)}</td>
                <td>{day(n.sentAt ?? n.createdAt)}</td>
                <td>{noticeStatus(n.status)}</td>
              </tr>
            ))}
          </Table>
        ))}
    </section>
  );
}
