import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { day, ErrorMessage, Field, Notice, Page, Table, TextArea, useAction, useLoad } from '../ui/components';
import { CATEGORIES, CheckboxGroup, cardNumbers, categoryName, libraryToday, plural, problemAbout, useFocusTarget, useLibrary, when } from './common';
import type { BreachRecorded, BreachView } from './types';

/**
 * The breach register (breach.manage, RR-6): the director records a breach of patron records (when it
 * happened and was found, the categories of records it exposed, every patron or those listed, what
 * happened and what the library is doing), confirms that the patrons will be told, and Carrel tells each
 * by the channel they chose, or by a letter to post for those who chose none. The register shows each
 * breach with how its notices went.
 */

interface Draft {
  occurredOn: string;
  discoveredOn: string;
  categories: string[];
  scope: 'all' | 'listed';
  cards: string;
  description: string;
  actions: string;
}

export function BreachesPage() {
  const library = useLibrary();
  const base = `/libraries/${encodeURIComponent(library.id)}`;
  const register = useLoad(() => api<BreachView[]>('GET', `${base}/breaches`), [base]);
  const today = libraryToday(library.timeZone);
  const empty: Draft = { occurredOn: '', discoveredOn: today, categories: [], scope: 'listed', cards: '', description: '', actions: '' };
  const [draft, setDraft] = useState<Draft>(empty);
  const [confirming, setConfirming] = useState(false);
  const [recorded, setRecorded] = useState<string | undefined>(undefined);
  const { run, busy, error } = useAction();
  const notice = useFocusTarget<HTMLDivElement>();
  const confirmHeading = useFocusTarget<HTMLHeadingElement>();
  const set = (key: 'occurredOn' | 'discoveredOn' | 'cards' | 'description' | 'actions') => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value }));
  const cards = cardNumbers(draft.cards);

  const review = (event: FormEvent) => {
    event.preventDefault();
    setRecorded(undefined);
    setConfirming(true);
    confirmHeading.focus();
  };
  const record = async () => {
    const answer = await run(() =>
      api<BreachRecorded>('POST', `${base}/breaches`, {
        occurredOn: draft.occurredOn,
        discoveredOn: draft.discoveredOn,
        categories: draft.categories,
        scope: draft.scope,
        ...(draft.scope === 'listed' ? { cardNumbers: cards } : {}),
        description: draft.description,
        actions: draft.actions,
      }),
    );
    setConfirming(false);
    if (answer) {
      setDraft(empty);
      setRecorded(
        `The breach is recorded. ${plural(answer.patrons, 'patron')} ${answer.patrons === 1 ? 'is' : 'are'} being told: ${plural(answer.queued, 'notice')} by email or text, ${plural(answer.letters, 'letter')} to post (under Notices).`,
      );
      register.reload();
      notice.focus();
    }
  };

  const who = draft.scope === 'all' ? 'every patron of the library' : plural(cards.length, 'patron');
  return (
    <Page title="Breaches">
      <p>
        When patron records of <strong>{library.name}</strong> have been exposed to someone who should not have them, record it here. Carrel tells each patron affected, by
        email or text as they chose, and lists a letter to post for each patron who chose neither. The notice says when it happened, which kinds of records, and what the library
        is doing; what happened stays in the register.
      </p>
      <div ref={notice.ref} tabIndex={-1}>
        <Notice>{recorded}</Notice>
      </div>

      <section aria-labelledby="breach-record" className="office-form">
        <h2 id="breach-record">Record a breach</h2>
        <form onSubmit={review}>
          <div className="office-inline">
            <Field label="When it happened" type="date" required max={today} value={draft.occurredOn} onChange={set('occurredOn')} error={problemAbout(error, 'occurredOn')} />
            <Field label="When the library found out" type="date" required max={today} value={draft.discoveredOn} onChange={set('discoveredOn')} error={problemAbout(error, 'discoveredOn')} />
          </div>
          <CheckboxGroup
            legend="Records exposed"
            hint="The categories of the data inventory the breach reached. Patrons are told these."
            options={CATEGORIES}
            value={draft.categories}
            onChange={(categories) => setDraft((d) => ({ ...d, categories }))}
            error={problemAbout(error, 'categories')}
          />
          <fieldset className="office-fieldset">
            <legend>Patrons affected</legend>
            <div className="office-inline">
              <label className="check">
                <input type="radio" name="breach-scope" checked={draft.scope === 'listed'} onChange={() => setDraft((d) => ({ ...d, scope: 'listed' }))} />
                <span>Only the patrons whose card numbers I list</span>
              </label>
              <label className="check">
                <input type="radio" name="breach-scope" checked={draft.scope === 'all'} onChange={() => setDraft((d) => ({ ...d, scope: 'all' }))} />
                <span>Every patron of the library</span>
              </label>
            </div>
            {draft.scope === 'listed' && (
              <TextArea
                label="Card numbers of the patrons affected"
                hint="One a line, or separated by commas or spaces."
                required
                autoComplete="off"
                value={draft.cards}
                onChange={set('cards')}
                error={problemAbout(error, 'cardNumbers')}
              />
            )}
          </fieldset>
          <TextArea
            label="What happened"
            hint="For the register: how the records were exposed and to whom. Not sent to patrons."
            rows={4}
            required
            value={draft.description}
            onChange={set('description')}
            error={problemAbout(error, 'description')}
          />
          <TextArea
            label="What the library is doing"
            hint="Sent to every patron affected, in these words."
            rows={3}
            required
            value={draft.actions}
            onChange={set('actions')}
            error={problemAbout(error, 'actions')}
          />
          {!confirming && <ErrorMessage error={error} />}
          {!confirming && (
            <button type="submit" disabled={busy}>
              Record the breach
            </button>
          )}
        </form>
        {confirming && (
          <div className="office-confirm" role="group" aria-labelledby="breach-confirm">
            <h3 id="breach-confirm" ref={confirmHeading.ref} tabIndex={-1}>
              Tell the patrons?
            </h3>
            <p>
              Recording this breach tells {who} at once: by email or text as each chose, or by a letter to post for those who chose neither. They are told it happened on{' '}
              {day(draft.occurredOn)}, that it reached {draft.categories.map(categoryName).join(', ') || 'no records named yet'}, and what the library is doing. The breach cannot be
              removed from the register.
            </p>
            <div className="actions">
              <button type="button" className="danger" disabled={busy} onClick={() => void record()}>
                Yes, record it and tell the patrons
              </button>
              <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(false)}>
                Go back and change it
              </button>
            </div>
          </div>
        )}
      </section>

      <section aria-labelledby="breach-register">
        <h2 id="breach-register">The register</h2>
        <ErrorMessage error={register.error} />
        {register.loading && !register.data && <p className="loading">Loading…</p>}
        {register.data &&
          (register.data.length === 0 ? (
            <p>No breach has been recorded.</p>
          ) : (
            <Table caption={plural(register.data.length, 'breach', 'breaches')} columns={['Happened', 'Records exposed', 'Patrons told', 'What happened, and what the library is doing', 'Their notices']}>
              {register.data.map((b) => (
                <tr key={b.id}>
                  <th scope="row">
                    {day(b.occurredOn)}
                    <div className="hint">Found {day(b.discoveredOn)}</div>
                    <div className="hint">Recorded {when(b.recordedAt)}</div>
                  </th>
                  <td>{b.categories.map(categoryName).join(', ')}</td>
                  <td>
                    {b.patronsAffected}
                    <div className="hint">{b.scope === 'all' ? 'Every patron' : 'Those listed'}</div>
                  </td>
                  <td>
                    <p className="breach-said">{b.description}</p>
                    <p className="breach-said">
                      <strong>Doing:</strong> {b.actions}
                    </p>
                  </td>
                  <td>
                    <ul className="breach-counts">
                      <li>{b.sent} sent</li>
                      <li>{b.waiting} waiting</li>
                      <li>{b.failed} failed</li>
                      <li>
                        {plural(b.letters, 'letter')}, {b.posted} posted
                      </li>
                    </ul>
                  </td>
                </tr>
              ))}
            </Table>
          ))}
      </section>
    </Page>
  );
}
