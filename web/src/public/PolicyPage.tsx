import { useParams } from 'react-router';
import { ApiError } from '../api';
import { day, ErrorMessage, Page, useLoad } from '../ui/components';
import { loadPolicy, loadPolicyHistory, policyPath, type PolicyVersion, type PrivacyPolicy, type Statement } from './policyApi';
import './policy.css';

/** The clauses a statement rests on, quietly after it. */
function Clauses({ of }: { of: Statement }) {
  if (of.clauses.length === 0) return null;
  return <span className="policy-clauses"> ({of.clauses.join(', ')})</span>;
}

function Said({ statement }: { statement: Statement }) {
  return (
    <>
      {statement.text}
      <Clauses of={statement} />
    </>
  );
}

/** The library's published privacy policy (public, no log-in): what is kept, why, how long, who sees it, when it could be disclosed. */
export function PolicyPage() {
  const { libraryId = '' } = useParams();
  const policy = useLoad(() => loadPolicy(libraryId), [libraryId]);
  const history = useLoad(() => loadPolicyHistory(libraryId), [libraryId]);

  if (policy.error) {
    const missing = policy.error instanceof ApiError && (policy.error.status === 404 || policy.error.status === 400);
    return (
      <Page title={missing ? 'No library has that code' : 'Privacy policy'}>
        {missing ? <p>No library has the code “{libraryId}”. Check the code on your library card or the library’s website.</p> : <ErrorMessage error={policy.error} />}
      </Page>
    );
  }
  if (!policy.data)
    return (
      <Page title="Privacy policy">
        <p className="loading">Loading the privacy policy…</p>
      </Page>
    );
  const p = policy.data;
  // Both lists are newest first already (the history route and the policy's own `history`).
  const versions = history.data?.versions ?? p.history;

  return (
    <Page title={`Privacy policy of ${p.library.name}`}>
      <div className="policy">
        <p className="policy-meta">
          {p.policy.name}, version {p.policy.version}, in force since {day(p.policy.effective)}. {p.policy.jurisdiction}.{' '}
          <a href={policyPath(p.library.id)}>The same policy as one page to print or save (HTML)</a>
        </p>
        <nav aria-label="On this page" className="policy-toc">
          <ul>
            <li>
              <a href="#what-we-keep">What we keep, why and for how long</a>
            </li>
            <li>
              <a href="#who-sees">Who can see it</a>
            </li>
            <li>
              <a href="#disclosure">When it could be disclosed</a>
            </li>
            <li>
              <a href="#rights">Your rights</a>
            </li>
            <li>
              <a href="#history">What changed and when</a>
            </li>
          </ul>
        </nav>
        {p.introduction.map((s, i) => (
          <p key={i}>
            <Said statement={s} />
          </p>
        ))}

        <section aria-labelledby="what-we-keep">
          <h2 id="what-we-keep">What we keep, why and for how long</h2>
          {p.categories.map((c) => (
            <Category key={c.id} category={c} />
          ))}
          {p.recordsOutsideCarrel.length > 0 && (
            <>
              <h3>Records kept outside the library system</h3>
              <ul>
                {p.recordsOutsideCarrel.map((r) => (
                  <li key={r.name}>
                    <strong>{r.name}</strong> ({r.medium}): <Said statement={r.howLong} />
                    {r.note ? ` ${r.note}` : ''}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>Statistics</h3>
          <p>
            <Said statement={p.statistics} />
          </p>
        </section>

        <section aria-labelledby="who-sees">
          <h2 id="who-sees">Who can see it</h2>
          <ul>
            {p.access.map((s, i) => (
              <li key={i}>
                <Said statement={s} />
              </li>
            ))}
          </ul>
        </section>

        <section aria-labelledby="disclosure">
          <h2 id="disclosure">When your records could be disclosed, and on what basis</h2>
          {p.disclosure.general.map((s, i) => (
            <p key={i}>
              <Said statement={s} />
            </p>
          ))}
          <div className="table-scroll">
            <table>
              <caption>What each kind of request can obtain</caption>
              <thead>
                <tr>
                  <th scope="col">Request</th>
                  <th scope="col">What the library does</th>
                  <th scope="col">Checked by the library’s lawyer first</th>
                  <th scope="col">You are told</th>
                </tr>
              </thead>
              <tbody>
                {p.disclosure.instruments.map((i) => (
                  <tr key={i.instrument}>
                    <th scope="row">{i.name}</th>
                    <td>
                      <Said statement={i.statement} />
                      {i.note ? <div className="hint">{i.note}</div> : null}
                    </td>
                    <td>{i.permitted ? (i.counselReviewRequired ? 'Yes' : 'No') : '—'}</td>
                    <td>{i.permitted ? (i.patronTold ? 'Yes, afterwards' : 'No') : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>

        <section aria-labelledby="rights">
          <h2 id="rights">Your rights</h2>
          <ul>
            {p.rights.map((s, i) => (
              <li key={i}>
                <Said statement={s} />
              </li>
            ))}
          </ul>
        </section>

        <section aria-labelledby="history">
          <h2 id="history">What changed and when</h2>
          <ErrorMessage error={history.error} />
          {versions.length === 0 ? <p>No version has been recorded yet.</p> : <History versions={versions} />}
        </section>

        <p className="policy-meta">
          This page is generated from the rules the library’s system enforces (version fingerprint <span className="policy-hash">{p.policy.contentHash.slice(0, 16)}</span>). Clause
          codes in brackets name the policy text each rule comes from.
        </p>
      </div>
    </Page>
  );
}

function Category({ category: c }: { category: PrivacyPolicy['categories'][number] }) {
  const headingId = `category-${c.id}`;
  return (
    <section className="policy-category" aria-labelledby={headingId}>
      <h3 id={headingId}>{c.name}</h3>
      <dl className="facts">
        <dt>What</dt>
        <dd>{c.fields.join(', ')}</dd>
        <dt>Why</dt>
        <dd>
          <Said statement={c.why} />
        </dd>
        <dt>How long</dt>
        <dd>
          <Said statement={c.howLong} />
        </dd>
        <dt>Then</dt>
        <dd>{c.disposal}</dd>
        <dt>Who can see it</dt>
        <dd>{c.whoCanSee.text}</dd>
      </dl>
      {c.note && <p className="hint">{c.note}</p>}
    </section>
  );
}

function History({ versions }: { versions: PolicyVersion[] }) {
  return (
    <ol className="policy-history" reversed>
      {versions.map((v) => (
        <li key={`${v.version}-${v.contentHash}`}>
          <p>
            <strong>Version {v.version}</strong>, effective {day(v.effective)}; first applied {day(v.firstSeenAt)}. {v.current && <span className="badge">In force</span>}{' '}
            {v.changedWithoutNewVersion && <span className="badge warn">Rules changed without a new version number</span>}
          </p>
          {v.changes.length > 0 ? (
            <ul>
              {v.changes.map((c, i) => (
                <li key={i}>{c.text}</li>
              ))}
            </ul>
          ) : null}
          {v.remarks.map((r, i) => (
            <p key={i} className="hint">
              {r}
            </p>
          ))}
        </li>
      ))}
    </ol>
  );
}
