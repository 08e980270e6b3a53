import { useParams } from 'react-router';
import { ApiError } from '../api';
import { tRich, useLanguage, useT } from '../i18n';
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

/**
 * The library's published privacy policy (public, no log-in): what is kept, why, how long, who sees it,
 * when it could be disclosed. The server says the policy in the page's language, so a switch of
 * language asks for it again; the page's own headings come from the `public` catalogue.
 */
export function PolicyPage() {
  const t = useT();
  const { language } = useLanguage();
  const { libraryId = '' } = useParams();
  const policy = useLoad(() => loadPolicy(libraryId, language), [libraryId, language]);
  const history = useLoad(() => loadPolicyHistory(libraryId, language), [libraryId, language]);

  if (policy.error) {
    const missing = policy.error instanceof ApiError && (policy.error.status === 404 || policy.error.status === 400);
    return (
      <Page title={missing ? t('public.policy.missingTitle') : t('public.policy.title')}>
        {missing ? <p>{t('public.policy.missingBody', { code: libraryId })}</p> : <ErrorMessage error={policy.error} />}
      </Page>
    );
  }
  if (!policy.data)
    return (
      <Page title={t('public.policy.title')}>
        <p className="loading">{t('public.policy.loading')}</p>
      </Page>
    );
  const p = policy.data;
  // Both lists are newest first already (the history route and the policy's own `history`).
  const versions = history.data?.versions ?? p.history;

  return (
    <Page title={t('public.policy.heading', { library: p.library.name })}>
      <div className="policy" lang={p.language}>
        <p className="policy-meta">
          {t('public.policy.meta', { name: p.policy.name, version: p.policy.version, date: day(p.policy.effective), jurisdiction: p.policy.jurisdiction })}{' '}
          <a href={policyPath(p.library.id, undefined, p.language)}>{t('public.policy.printable')}</a>
        </p>
        <nav aria-label={t('public.policy.toc')} className="policy-toc">
          <ul>
            <li>
              <a href="#what-we-keep">{t('public.policy.whatWeKeep')}</a>
            </li>
            <li>
              <a href="#who-sees">{t('public.policy.whoSees')}</a>
            </li>
            <li>
              <a href="#disclosure">{t('public.policy.disclosureShort')}</a>
            </li>
            <li>
              <a href="#rights">{t('public.policy.rights')}</a>
            </li>
            <li>
              <a href="#history">{t('public.policy.history')}</a>
            </li>
          </ul>
        </nav>
        {p.introduction.map((s, i) => (
          <p key={i}>
            <Said statement={s} />
          </p>
        ))}

        <section aria-labelledby="what-we-keep">
          <h2 id="what-we-keep">{t('public.policy.whatWeKeep')}</h2>
          {p.categories.map((c) => (
            <Category key={c.id} category={c} />
          ))}
          {p.recordsOutsideCarrel.length > 0 && (
            <>
              <h3>{t('public.policy.outside')}</h3>
              <ul>
                {p.recordsOutsideCarrel.map((r) => (
                  <li key={r.name}>
                    <strong>{r.name}</strong> ({r.medium}): <Said statement={r.howLong} />
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>{t('public.policy.statistics')}</h3>
          <p>
            <Said statement={p.statistics} />
          </p>
        </section>

        <section aria-labelledby="who-sees">
          <h2 id="who-sees">{t('public.policy.whoSees')}</h2>
          <ul>
            {p.access.map((s, i) => (
              <li key={i}>
                <Said statement={s} />
              </li>
            ))}
          </ul>
        </section>

        <section aria-labelledby="disclosure">
          <h2 id="disclosure">{t('public.policy.disclosure')}</h2>
          {p.disclosure.general.map((s, i) => (
            <p key={i}>
              <Said statement={s} />
            </p>
          ))}
          {/* On a phone the table scrolls sideways: the region takes the keyboard's focus so it can be scrolled without a mouse. */}
          <div className="table-scroll" role="region" aria-labelledby="policy-requests" tabIndex={0}>
            <table>
              <caption id="policy-requests">{t('public.policy.table.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('public.policy.table.request')}</th>
                  <th scope="col">{t('public.policy.table.action')}</th>
                  <th scope="col">{t('public.policy.table.counsel')}</th>
                  <th scope="col">{t('public.policy.table.told')}</th>
                </tr>
              </thead>
              <tbody>
                {p.disclosure.instruments.map((i) => (
                  <tr key={i.instrument}>
                    <th scope="row">{i.name}</th>
                    <td>
                      <Said statement={i.statement} />
                    </td>
                    <td>{i.permitted ? (i.counselReviewRequired ? t('public.policy.table.yes') : t('public.policy.table.no')) : '—'}</td>
                    <td>{i.permitted ? (i.patronTold ? t('public.policy.table.yesAfterwards') : t('public.policy.table.no')) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>

        <section aria-labelledby="rights">
          <h2 id="rights">{t('public.policy.rights')}</h2>
          <ul>
            {p.rights.map((s, i) => (
              <li key={i}>
                <Said statement={s} />
              </li>
            ))}
          </ul>
        </section>

        <section aria-labelledby="history">
          <h2 id="history">{t('public.policy.history')}</h2>
          <ErrorMessage error={history.error} />
          {versions.length === 0 ? <p>{t('public.policy.noVersion')}</p> : <History versions={versions} />}
        </section>

        <p className="policy-meta">{tRich('public.policy.footer', { fingerprint: p.policy.contentHash.slice(0, 16), code: (chunks) => <span className="policy-hash">{chunks}</span> })}</p>
      </div>
    </Page>
  );
}

function Category({ category: c }: { category: PrivacyPolicy['categories'][number] }) {
  const t = useT();
  const headingId = `category-${c.id}`;
  return (
    <section className="policy-category" aria-labelledby={headingId}>
      <h3 id={headingId}>{c.name}</h3>
      <dl className="facts">
        <dt>{t('public.policy.category.what')}</dt>
        <dd>{c.fields}</dd>
        <dt>{t('public.policy.category.why')}</dt>
        <dd>
          <Said statement={c.why} />
        </dd>
        <dt>{t('public.policy.category.howLong')}</dt>
        <dd>
          <Said statement={c.howLong} />
        </dd>
        <dt>{t('public.policy.category.then')}</dt>
        <dd>{c.disposal}</dd>
        <dt>{t('public.policy.whoSees')}</dt>
        <dd>{c.whoCanSee.text}</dd>
      </dl>
    </section>
  );
}

function History({ versions }: { versions: PolicyVersion[] }) {
  const t = useT();
  return (
    <ol className="policy-history" reversed>
      {versions.map((v) => (
        <li key={`${v.version}-${v.contentHash}`}>
          <p>
            {tRich('public.policy.version', { version: v.version, effective: day(v.effective), firstApplied: day(v.firstSeenAt), b: (chunks) => <strong>{chunks}</strong> })}{' '}
            {v.current && <span className="badge">{t('public.policy.inForce')}</span>}{' '}
            {v.changedWithoutNewVersion && <span className="badge warn">{t('public.policy.changedWithoutNewVersion')}</span>}
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
