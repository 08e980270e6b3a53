import { Link } from 'react-router';
import { api } from '../api';
import { tRich, useT } from '../i18n';
import { count, day, ErrorMessage, money, Page, useLoad } from '../ui/components';
import { FineList, HoldList, isOverdue, LoanList } from './parts';
import type { MyRecord } from './types';

/** `/me`: what the patron has out (overdue marked), what they are waiting for, and what they owe. */
export function Overview() {
  const t = useT();
  const record = useLoad(() => api<MyRecord>('GET', '/me'), []);
  const data = record.data;
  const out = data ? data.loans.filter((l) => l.status === 'active' || l.status === 'lost') : [];
  const overdue = out.filter((l) => isOverdue(l));
  const holds = data ? data.holds.filter((h) => h.status === 'pending' || h.status === 'ready') : [];
  const ready = holds.filter((h) => h.status === 'ready');
  const owed = data ? data.fines.filter((f) => f.status === 'open') : [];
  // Due soonest first: what needs doing comes first.
  const loans = [...out].sort((a, b) => a.dueAt.localeCompare(b.dueAt));

  return (
    <Page title={t('portal.overview.title')}>
      {record.loading && !data && <p className="loading">{t('portal.overview.loading')}</p>}
      <ErrorMessage error={record.error} />
      {data && (
        <>
          <p>{tRich('portal.overview.hello', { name: data.patron.name, until: day(data.patron.expiresAt), hint: (chunks) => <span className="hint">{chunks}</span> })}</p>
          <ul className="portal-summary" aria-label={t('portal.overview.atAGlance')}>
            <li>{tRich('portal.overview.checkedOut', { count: out.length, n: count(out.length), figure: (chunks) => <span className="figure">{chunks}</span> })}</li>
            <li>
              {tRich('portal.overview.overdue', {
                count: overdue.length,
                n: count(overdue.length),
                figure: (chunks) => <span className={`figure${overdue.length > 0 ? ' warn-figure' : ''}`}>{chunks}</span>,
              })}
            </li>
            <li>
              {tRich('portal.overview.holds', {
                count: holds.length,
                n: count(holds.length),
                ready: ready.length,
                figure: (chunks) => <span className="figure">{chunks}</span>,
              })}
            </li>
            <li>
              {tRich('portal.overview.owed', {
                amount: money(data.balanceCents),
                figure: (chunks) => <span className={`figure${data.balanceCents > 0 ? ' warn-figure' : ''}`}>{chunks}</span>,
              })}
            </li>
          </ul>

          <section className="portal-section" aria-labelledby="overview-loans">
            <h2 id="overview-loans">{t('portal.overview.loans')}</h2>
            <LoanList loans={loans} empty={t('portal.overview.noLoans')} />
          </section>

          <section className="portal-section" aria-labelledby="overview-holds">
            <h2 id="overview-holds">{t('portal.overview.holdsHeading')}</h2>
            <HoldList holds={holds} empty={t('portal.overview.noHolds')} />
          </section>

          <section className="portal-section" aria-labelledby="overview-fines">
            <h2 id="overview-fines">{t('portal.overview.fines')}</h2>
            <FineList fines={owed} empty={t('portal.overview.noFines')} />
            {owed.length > 0 && <p>{tRich('portal.overview.totalOwed', { amount: money(data.balanceCents), b: (chunks) => <strong>{chunks}</strong> })}</p>}
          </section>

          <section className="portal-section" aria-labelledby="overview-more">
            <h2 id="overview-more">{t('portal.overview.privacy')}</h2>
            <ul>
              <li>{tRich('portal.overview.seeData', { link: (chunks) => <Link to="/me/data">{chunks}</Link> })}</li>
              <li>{tRich('portal.overview.choosePrivacy', { link: (chunks) => <Link to="/me/privacy">{chunks}</Link> })}</li>
              <li>{tRich('portal.overview.whoLooked', { link: (chunks) => <Link to="/me/who-looked">{chunks}</Link> })}</li>
            </ul>
          </section>
        </>
      )}
    </Page>
  );
}
