import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api';
import { tRich, useT, type MessageId } from '../i18n';
import { ErrorMessage, Field, Notice, Page, useAction, useLoad } from '../ui/components';
import { CATEGORIES, categoryName, CheckboxGroup, cardNumbers, Confirm, problemAbout, TextArea, useFocusTarget, useLibrary, when } from './common';
import type { LegalHold } from './types';

const NO_CATEGORY: MessageId = 'office.holds.noCategory';

/** Legal holds (the director): what retention must keep for a legal matter, placed and released here. */
export function LegalHoldsPage() {
  const t = useT();
  const library = useLibrary();
  const [includeReleased, setIncludeReleased] = useState(false);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  // A released hold's row (and its buttons) goes from the list of live holds: focus goes to the list's heading.
  const listHeading = useFocusTarget<HTMLHeadingElement>();
  const list = useLoad(
    () => api<LegalHold[]>('GET', `/libraries/${encodeURIComponent(library.id)}/legal-holds${includeReleased ? '?includeReleased=true' : ''}`),
    [library.id, includeReleased],
  );

  return (
    <Page title={t('office.holds.title')}>
      <p>{t('office.holds.intro')}</p>
      <Notice>{notice}</Notice>
      <section aria-labelledby="holds-list">
        <h2 id="holds-list" ref={listHeading.ref} tabIndex={-1}>
          {includeReleased ? t('office.holds.all') : t('office.holds.live')}
        </h2>
        <label className="check">
          <input type="checkbox" checked={includeReleased} onChange={(e) => setIncludeReleased(e.target.checked)} />
          <span>{t('office.holds.showReleased')}</span>
        </label>
        <ErrorMessage error={list.error} />
        {list.loading && !list.data && <p className="loading">{t('office.holds.loading')}</p>}
        {list.data && list.data.length === 0 && <p>{includeReleased ? t('office.holds.none') : t('office.holds.noneLive')}</p>}
        {list.data && list.data.length > 0 && (
          <div className="table-scroll" tabIndex={0}>
            <table>
              <caption>{t('office.holds.caption', { count: list.data.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('office.holds.col.placed')}</th>
                  <th scope="col">{t('office.holds.col.reason')}</th>
                  <th scope="col">{t('office.holds.col.records')}</th>
                  <th scope="col">{t('office.holds.col.period')}</th>
                  <th scope="col" className="num">
                    {t('office.holds.col.patrons')}
                  </th>
                  <th scope="col">{t('office.holds.col.state')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((h) => (
                  <HoldRow
                    key={h.id}
                    hold={h}
                    onReleased={(released) => {
                      setNotice(t('office.holds.released', { placed: when(released.placedAt) }));
                      list.reload();
                      listHeading.focus();
                    }}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <PlaceHold
        onPlaced={(hold) => {
          setNotice(
            t('office.holds.placed', { records: hold.categories.map((c) => categoryName(c).toLowerCase()).join(', '), count: hold.patronIds.length }),
          );
          list.reload();
        }}
      />
    </Page>
  );
}

function HoldRow({ hold, onReleased }: { hold: LegalHold; onReleased: (hold: LegalHold) => void }) {
  const t = useT();
  const { run, busy, error } = useAction();
  const release = async () => {
    const released = await run(() => api<LegalHold>('POST', `/legal-holds/${hold.id}/release`));
    if (released) onReleased(released);
  };
  return (
    <tr>
      <th scope="row">{when(hold.placedAt)}</th>
      <td>
        {hold.reason}
        {hold.requestId && (
          <>
            {' '}
            <Link to={`/office/legal-requests/${hold.requestId}`}>{t('office.holds.itsRequest')}</Link>
          </>
        )}
      </td>
      <td>{hold.categories.map(categoryName).join(', ')}</td>
      <td>
        {hold.from || hold.to
          ? t('office.holds.period', { from: hold.from ? when(hold.from) : t('office.holds.period.start'), to: hold.to ? when(hold.to) : t('office.holds.period.now') })
          : t('office.holds.period.notLimited')}
      </td>
      <td className="num">{hold.patronIds.length}</td>
      <td>
        {hold.releasedAt ? (
          <span className="badge">{t('office.holds.releasedAt', { at: when(hold.releasedAt) })}</span>
        ) : (
          <>
            <span className="badge warn">{t('office.holds.liveBadge')}</span>
            <div>
              <Confirm
                label={t('office.holds.release')}
                question={<p>{t('office.holds.release.question', { placed: when(hold.placedAt) })}</p>}
                confirmLabel={t('office.holds.release.confirm')}
                onConfirm={release}
                busy={busy}
              />
            </div>
            <ErrorMessage error={error} />
          </>
        )}
      </td>
    </tr>
  );
}

function PlaceHold({ onPlaced }: { onPlaced: (hold: LegalHold) => void }) {
  const t = useT();
  const library = useLibrary();
  const [cards, setCards] = useState('');
  const [categories, setCategories] = useState<string[]>([]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [noCategory, setNoCategory] = useState(false);
  const { run, busy, error } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (categories.length === 0) {
      setNoCategory(true);
      return;
    }
    setNoCategory(false);
    const hold = await run(() =>
      api<LegalHold>('POST', '/legal-holds', {
        libraryId: library.id,
        patrons: cardNumbers(cards).map((cardNumber) => ({ cardNumber })),
        categories,
        // Days are the library's, and `to` includes its day (the route reads dates so).
        from: from || null,
        to: to || null,
        reason: reason.trim(),
      }),
    );
    if (hold) {
      setCards('');
      setCategories([]);
      setFrom('');
      setTo('');
      setReason('');
      onPlaced(hold);
    }
  };

  return (
    <section aria-labelledby="holds-place">
      <h2 id="holds-place">{t('office.holds.place.title')}</h2>
      <form className="office-form" onSubmit={(e) => void submit(e)}>
        <TextArea
          label={t('office.holds.place.cards')}
          hint={t('office.holds.place.cards.hint')}
          name="holdPatrons"
          required
          autoComplete="off"
          spellCheck={false}
          value={cards}
          onChange={(e) => setCards(e.target.value)}
          error={problemAbout(error, 'patrons') ?? problemAbout(error, 'cardNumber')}
        />
        <CheckboxGroup
          legend={t('office.holds.place.categories')}
          options={CATEGORIES}
          value={categories}
          onChange={setCategories}
          error={noCategory && categories.length === 0 ? t(NO_CATEGORY) : problemAbout(error, 'categories')}
        />
        <fieldset className="office-fieldset">
          <legend>{t('office.holds.place.period')}</legend>
          <p className="hint">{t('office.holds.place.period.hint')}</p>
          <div className="grid-2">
            <Field label={t('office.holds.place.from')} type="date" name="holdFrom" value={from} onChange={(e) => setFrom(e.target.value)} error={problemAbout(error, 'from')} />
            <Field label={t('office.holds.place.to')} type="date" name="holdTo" value={to} onChange={(e) => setTo(e.target.value)} error={problemAbout(error, 'to')} />
          </div>
        </fieldset>
        <div className="office-warning" role="note" aria-label={t('office.holds.place.noPatronData.label')}>
          <p>{tRich('office.holds.place.noPatronData', { strong: (chunks) => <strong>{chunks}</strong> })}</p>
        </div>
        <Field label={t('office.holds.place.reason')} name="holdReason" required maxLength={500} autoComplete="off" value={reason} onChange={(e) => setReason(e.target.value)} error={problemAbout(error, 'reason')} />
        <ErrorMessage error={noCategory && categories.length === 0 ? new Error(t(NO_CATEGORY)) : error} />
        <button type="submit" disabled={busy}>
          {t('office.holds.place.submit')}
        </button>
      </form>
    </section>
  );
}
