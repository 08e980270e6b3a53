import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api';
import { aboutField, Checkbox, day, ErrorMessage, Notice, Page, Table, useAction, useLoad } from '../ui/components';
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

const CHANNELS: { value: NoticeChannel; label: string; hint: string }[] = [
  { value: 'none', label: 'No notices by email or text', hint: 'You see your due dates, holds and fines here and at the library desk.' },
  { value: 'email', label: 'By email', hint: 'Needs an email address in your details.' },
  { value: 'text', label: 'By text message', hint: 'Needs a phone number in your details.' },
  { value: 'both', label: 'Both email and text message', hint: 'Needs both an email address and a phone number in your details.' },
];

/** The languages a patron may choose for notices; each written in itself, as the choice is read in it. */
const LANGUAGES: { value: NoticeLanguageChoice; key: string; label: string; lang?: string }[] = [
  { value: null, key: 'library', label: 'The library’s usual language' },
  { value: 'en', key: 'en', label: 'English', lang: 'en' },
  { value: 'es', key: 'es', label: 'Español', lang: 'es' },
];

/**
 * `/me/privacy`: the patron's choices (GET/PUT /me/privacy), and the notices the library sent them (GET /me/notices). Each is off until the patron turns it
 * on, each says in plain words what it means, and only what changed is sent. A refusal (notices to an
 * address that is not on file) shows beside the choice it is about, and changes nothing.
 */
export function Privacy() {
  const session = useSession();
  const loaded = useLoad(() => api<PrivacyView>('GET', '/me/privacy'), []);
  const policy = usePolicy(session.actor?.libraryId);
  const afterReturn = policy.data?.categories.find((c) => c.id === 'circulation')?.howLong.text;
  const [view, setView] = useState<PrivacyView | undefined>(undefined);
  const [form, setForm] = useState<Choices | undefined>(undefined);
  const [saved, setSaved] = useState<string | null>(null);
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
      setSaved('Nothing has changed: there was nothing to save.');
      return;
    }
    const answer = await run(() => api<PrivacyView>('PUT', '/me/privacy', body));
    if (answer) {
      setView(answer);
      setForm(choicesOf(answer));
      setSaved('Your privacy settings are saved.');
    }
  };

  const channelProblem = aboutField(error, 'noticeChannel');
  const deletingHistory = view?.readingHistory === true && form?.readingHistory === false;

  return (
    <Page title="Privacy settings">
      <p>
        Every choice here is off until you turn it on, except emails about changes to the privacy policy, which go to everyone with an email address on file until they stop them.
        You can change any of them at any time. The library never sells your data.
      </p>
      {loaded.loading && !view && <p className="loading">Loading your settings…</p>}
      <ErrorMessage error={loaded.error} />
      {view && form && (
        <form onSubmit={(e) => void submit(e)}>
          <fieldset className="portal-choice">
            <legend>Reading history</legend>
            {view.readingHistoryOffered ? (
              <>
                <Checkbox
                  label="Keep my reading history"
                  checked={form.readingHistory}
                  onChange={(v) => change('readingHistory', v)}
                  hint={
                    <>
                      <p>On: the library keeps a list of the items you borrowed and returned, so you can look back at them under My data. Staff serving your account can see it too.</p>
                      <p>Off: no such list is kept. Turning it off deletes the list at once.</p>
                      {afterReturn && <p>This library’s rule for every loan: “{afterReturn}”</p>}
                    </>
                  }
                />
                {view.readingHistory && <p className="since">On since {day(view.readingHistorySince)}.</p>}
                {deletingHistory && (
                  <div className="portal-warning">
                    <p>Saving with this off deletes your reading history at once. It cannot be brought back.</p>
                  </div>
                )}
              </>
            ) : (
              <p>This library keeps no reading history for anyone, so there is nothing to turn on.</p>
            )}
          </fieldset>

          <fieldset className="portal-choice" aria-describedby={channelProblem ? 'privacy-channel-error' : undefined}>
            <legend>Notices</legend>
            <p className="hint">
              How the library may send you notices about your account, such as a hold ready to pick up or an item overdue. A notice the law requires, such as news of a security
              incident affecting your records, comes by post if you choose none.
            </p>
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
                  <label htmlFor={`privacy-channel-${c.value}`}>{c.label}</label>
                  <p className="hint" id={`privacy-channel-${c.value}-hint`}>
                    {c.hint}
                  </p>
                </div>
              </div>
            ))}
            {channelProblem && (
              <p className="field-error" id="privacy-channel-error">
                {channelProblem} <Link to="/me/data">Add it under My data</Link>.
              </p>
            )}
          </fieldset>

          <fieldset className="portal-choice">
            <legend>Language of notices</legend>
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
                    {l.label}
                  </label>
                </div>
              </div>
            ))}
            {aboutField(error, 'noticeLanguage') && <p className="field-error">{aboutField(error, 'noticeLanguage')}</p>}
          </fieldset>

          <fieldset className="portal-choice">
            <legend>Changes to the privacy policy</legend>
            <Checkbox
              label="Email me when the library changes its privacy policy"
              checked={form.policyMailings}
              onChange={(v) => change('policyMailings', v)}
              hint={
                <>
                  <p>On: when the policy changes, the library emails you what changed, if your email address is on file. Each email has a link to stop them.</p>
                  <p>Off: you are not emailed about changes. The policy is always on the library’s website.</p>
                </>
              }
            />
          </fieldset>

          <fieldset className="portal-choice">
            <legend>Mailing lists</legend>
            <Checkbox
              label="Send me the library’s newsletters and event mailings"
              checked={form.mailingLists}
              onChange={(v) => change('mailingLists', v)}
              hint={
                <>
                  <p>On: you are on the library’s own mailing lists for newsletters and news of events. Nobody else gets the lists.</p>
                  <p>Off: you get none of them. Turning it off later unsubscribes you from every list.</p>
                </>
              }
            />
            {view.mailingLists && <p className="since">Subscribed since {day(view.mailingListsSince)}.</p>}
          </fieldset>

          <fieldset className="portal-choice">
            <legend>Photos at library events</legend>
            <Checkbox
              label="The library may photograph or record me at its programs and events"
              checked={form.photoConsent}
              onChange={(v) => change('photoConsent', v)}
              hint={
                <>
                  <p>On: the library may take photos or recordings in which you appear at its programs and events, and use them.</p>
                  <p>Off: you have not agreed to be photographed or recorded at library programs and events.</p>
                </>
              }
            />
            {view.photoConsent && <p className="since">Allowed since {day(view.photoConsentSince)}.</p>}
          </fieldset>

          <ErrorMessage error={error} />
          <Notice>{saved}</Notice>
          <div className="actions">
            <button type="submit" disabled={busy}>
              Save privacy settings
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
  const notices = useLoad(() => api<OwnNotice[]>('GET', '/me/notices'), []);
  return (
    <section aria-labelledby="my-notices" className="portal-notices">
      <h2 id="my-notices">Notices</h2>
      <p>
        The notices the library sent you. The library keeps only what kind each was, how and when it went, and for a limited time; it does not keep what a notice said once it
        was sent.
      </p>
      <ErrorMessage error={notices.error} />
      {notices.loading && !notices.data && <p className="loading">Loading your notices…</p>}
      {notices.data &&
        (notices.data.length === 0 ? (
          <p>No notices.</p>
        ) : (
          <Table caption="Your notices, newest first" columns={['Notice', 'How', 'When', 'Status']}>
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
