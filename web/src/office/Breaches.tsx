import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../api';
import { tRich, useT } from '../i18n';
import { count, day, ErrorMessage, Field, Notice, Page, Table, TextArea, useAction, useLoad } from '../ui/components';
import { CATEGORIES, CheckboxGroup, cardNumbers, categoryName, libraryToday, problemAbout, useFocusTarget, useLibrary, when } from './common';
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

const bold = (chunks: ReactNode[]) => <strong>{chunks}</strong>;

export function BreachesPage() {
  const t = useT();
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
      setRecorded(t('officerecords.breaches.recorded', { patrons: answer.patrons, queued: answer.queued, letters: answer.letters }));
      register.reload();
      notice.focus();
    }
  };

  return (
    <Page title={t('officerecords.breaches.title')}>
      <p>{tRich('officerecords.breaches.intro', { b: bold, library: library.name })}</p>
      <div ref={notice.ref} tabIndex={-1}>
        <Notice>{recorded}</Notice>
      </div>

      <section aria-labelledby="breach-record" className="office-form">
        <h2 id="breach-record">{t('officerecords.breaches.record')}</h2>
        <form onSubmit={review}>
          <div className="office-inline">
            <Field label={t('officerecords.breaches.occurredOn')} type="date" required max={today} value={draft.occurredOn} onChange={set('occurredOn')} error={problemAbout(error, 'occurredOn')} />
            <Field label={t('officerecords.breaches.discoveredOn')} type="date" required max={today} value={draft.discoveredOn} onChange={set('discoveredOn')} error={problemAbout(error, 'discoveredOn')} />
          </div>
          <CheckboxGroup
            legend={t('officerecords.breaches.categories')}
            hint={t('officerecords.breaches.categories.hint')}
            options={CATEGORIES}
            value={draft.categories}
            onChange={(categories) => setDraft((d) => ({ ...d, categories }))}
            error={problemAbout(error, 'categories')}
          />
          <fieldset className="office-fieldset">
            <legend>{t('officerecords.breaches.scope')}</legend>
            <div className="office-inline">
              <label className="check">
                <input type="radio" name="breach-scope" checked={draft.scope === 'listed'} onChange={() => setDraft((d) => ({ ...d, scope: 'listed' }))} />
                <span>{t('officerecords.breaches.scope.listed')}</span>
              </label>
              <label className="check">
                <input type="radio" name="breach-scope" checked={draft.scope === 'all'} onChange={() => setDraft((d) => ({ ...d, scope: 'all' }))} />
                <span>{t('officerecords.breaches.scope.all')}</span>
              </label>
            </div>
            {draft.scope === 'listed' && (
              <TextArea
                label={t('officerecords.breaches.cards')}
                hint={t('officerecords.breaches.cards.hint')}
                required
                autoComplete="off"
                value={draft.cards}
                onChange={set('cards')}
                error={problemAbout(error, 'cardNumbers')}
              />
            )}
          </fieldset>
          <TextArea
            label={t('officerecords.breaches.description')}
            hint={t('officerecords.breaches.description.hint')}
            rows={4}
            required
            value={draft.description}
            onChange={set('description')}
            error={problemAbout(error, 'description')}
          />
          <TextArea
            label={t('officerecords.breaches.actions')}
            hint={t('officerecords.breaches.actions.hint')}
            rows={3}
            required
            value={draft.actions}
            onChange={set('actions')}
            error={problemAbout(error, 'actions')}
          />
          {!confirming && <ErrorMessage error={error} />}
          {!confirming && (
            <button type="submit" disabled={busy}>
              {t('officerecords.breaches.submit')}
            </button>
          )}
        </form>
        {confirming && (
          <div className="office-confirm" role="group" aria-labelledby="breach-confirm">
            <h3 id="breach-confirm" ref={confirmHeading.ref} tabIndex={-1}>
              {t('officerecords.breaches.confirm')}
            </h3>
            <p>
              {t('officerecords.breaches.confirm.question', {
                scope: draft.scope,
                count: cards.length,
                happened: day(draft.occurredOn),
                categories: draft.categories.map(categoryName).join(', ') || t('officerecords.breaches.confirm.noCategories'),
              })}
            </p>
            <div className="actions">
              <button type="button" className="danger" disabled={busy} onClick={() => void record()}>
                {t('officerecords.breaches.confirm.yes')}
              </button>
              <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(false)}>
                {t('officerecords.breaches.confirm.back')}
              </button>
            </div>
          </div>
        )}
      </section>

      <section aria-labelledby="breach-register">
        <h2 id="breach-register">{t('officerecords.breaches.register')}</h2>
        <ErrorMessage error={register.error} />
        {register.loading && !register.data && <p className="loading">{t('common.loading')}</p>}
        {register.data &&
          (register.data.length === 0 ? (
            <p>{t('officerecords.breaches.register.none')}</p>
          ) : (
            <Table
              caption={t('officerecords.breaches.register.count', { count: register.data.length })}
              columns={[
                t('officerecords.breaches.col.happened'),
                t('officerecords.breaches.categories'),
                t('officerecords.breaches.col.told'),
                t('officerecords.breaches.col.said'),
                t('officerecords.breaches.col.notices'),
              ]}
            >
              {register.data.map((b) => (
                <tr key={b.id}>
                  <th scope="row">
                    {day(b.occurredOn)}
                    <div className="hint">{t('officerecords.breaches.found', { day: day(b.discoveredOn) })}</div>
                    <div className="hint">{t('officerecords.breaches.recordedAt', { at: when(b.recordedAt) })}</div>
                  </th>
                  <td>{b.categories.map(categoryName).join(', ')}</td>
                  <td>
                    {count(b.patronsAffected)}
                    <div className="hint">{b.scope === 'all' ? t('officerecords.breaches.told.all') : t('officerecords.breaches.told.listed')}</div>
                  </td>
                  <td>
                    <p className="breach-said">{b.description}</p>
                    <p className="breach-said">{tRich('officerecords.breaches.doing', { b: bold, actions: b.actions })}</p>
                  </td>
                  <td>
                    <ul className="breach-counts">
                      <li>{t('officerecords.breaches.sent', { count: b.sent })}</li>
                      <li>{t('officerecords.breaches.waiting', { count: b.waiting })}</li>
                      <li>{t('officerecords.breaches.failed', { count: b.failed })}</li>
                      <li>{t('officerecords.breaches.letters', { letters: b.letters, posted: b.posted })}</li>
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
