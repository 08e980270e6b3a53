import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api';
import { ErrorMessage, Field, Notice, Page, useAction, useLoad } from '../ui/components';
import { CATEGORIES, categoryName, CheckboxGroup, cardNumbers, Confirm, plural, problemAbout, TextArea, useFocusTarget, useLibrary, when } from './common';
import type { LegalHold } from './types';

const NO_CATEGORY = 'Tick at least one kind of record to keep.';

/** Legal holds (the director): what retention must keep for a legal matter, placed and released here. */
export function LegalHoldsPage() {
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
    <Page title="Legal holds">
      <p>
        While a legal hold is live, retention keeps every record of the named patrons in its categories and period, and their records cannot be deleted. Release it when the matter is
        over: the next retention run then disposes of what it kept. A legal request places its own hold from receipt to decision.
      </p>
      <Notice>{notice}</Notice>
      <section aria-labelledby="holds-list">
        <h2 id="holds-list" ref={listHeading.ref} tabIndex={-1}>
          {includeReleased ? 'All legal holds' : 'Live legal holds'}
        </h2>
        <label className="check">
          <input type="checkbox" checked={includeReleased} onChange={(e) => setIncludeReleased(e.target.checked)} />
          <span>Show released holds too</span>
        </label>
        <ErrorMessage error={list.error} />
        {list.loading && !list.data && <p className="loading">Loading…</p>}
        {list.data && list.data.length === 0 && <p>{includeReleased ? 'The library has no legal hold.' : 'No legal hold is live.'}</p>}
        {list.data && list.data.length > 0 && (
          <div className="table-scroll">
            <table>
              <caption>{plural(list.data.length, 'hold')}, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Placed</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Records kept</th>
                  <th scope="col">Period</th>
                  <th scope="col" className="num">
                    Patrons
                  </th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((h) => (
                  <HoldRow
                    key={h.id}
                    hold={h}
                    onReleased={(released) => {
                      setNotice(`The hold placed ${when(released.placedAt)} is released. The next retention run disposes of what it kept, under the usual rules.`);
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
          setNotice(`The hold is placed: retention keeps ${hold.categories.map((c) => categoryName(c).toLowerCase()).join(', ')} of ${plural(hold.patronIds.length, 'patron')} until you release it.`);
          list.reload();
        }}
      />
    </Page>
  );
}

function HoldRow({ hold, onReleased }: { hold: LegalHold; onReleased: (hold: LegalHold) => void }) {
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
            <Link to={`/office/legal-requests/${hold.requestId}`}>(its legal request)</Link>
          </>
        )}
      </td>
      <td>{hold.categories.map(categoryName).join(', ')}</td>
      <td>{hold.from || hold.to ? `${hold.from ? when(hold.from) : 'the start'} – ${hold.to ? when(hold.to) : 'now'}` : 'not limited'}</td>
      <td className="num">{hold.patronIds.length}</td>
      <td>
        {hold.releasedAt ? (
          <span className="badge">Released {when(hold.releasedAt)}</span>
        ) : (
          <>
            <span className="badge warn">Live</span>
            <div>
              <Confirm
                label="Release this hold"
                question={<p>Release the hold placed {when(hold.placedAt)}? The next retention run may then dispose of the records it kept.</p>}
                confirmLabel="Yes, release it"
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
      <h2 id="holds-place">Place a legal hold</h2>
      <form className="office-form" onSubmit={(e) => void submit(e)}>
        <TextArea
          label="Card numbers of the patrons"
          hint="One card number per line. Card numbers only, no names."
          name="holdPatrons"
          required
          autoComplete="off"
          spellCheck={false}
          value={cards}
          onChange={(e) => setCards(e.target.value)}
          error={problemAbout(error, 'patrons') ?? problemAbout(error, 'cardNumber')}
        />
        <CheckboxGroup
          legend="Records to keep"
          options={CATEGORIES}
          value={categories}
          onChange={setCategories}
          error={noCategory && categories.length === 0 ? NO_CATEGORY : problemAbout(error, 'categories')}
        />
        <fieldset className="office-fieldset">
          <legend>Period (optional)</legend>
          <p className="hint">Records whose life overlaps the period are kept. Leave a date empty for no limit on that side.</p>
          <div className="grid-2">
            <Field label="From" type="date" name="holdFrom" value={from} onChange={(e) => setFrom(e.target.value)} error={problemAbout(error, 'from')} />
            <Field label="To (included)" type="date" name="holdTo" value={to} onChange={(e) => setTo(e.target.value)} error={problemAbout(error, 'to')} />
          </div>
        </fieldset>
        <div className="office-warning" role="note" aria-label="No patron data in the reason">
          <p>
            <strong>No patron data in the reason.</strong> Say what the matter is (“litigation hold, county case”) without naming or describing a patron.
          </p>
        </div>
        <Field label="Reason for the hold" name="holdReason" required maxLength={500} autoComplete="off" value={reason} onChange={(e) => setReason(e.target.value)} error={problemAbout(error, 'reason')} />
        <ErrorMessage error={noCategory && categories.length === 0 ? new Error(NO_CATEGORY) : error} />
        <button type="submit" disabled={busy}>
          Place the hold
        </button>
      </form>
    </section>
  );
}
