import { Link } from 'react-router';
import { api } from '../api';
import { day, ErrorMessage, money, Page, useLoad } from '../ui/components';
import { FineList, HoldList, isOverdue, LoanList } from './parts';
import type { MyRecord } from './types';

/** `/me`: what the patron has out (overdue marked), what they are waiting for, and what they owe. */
export function Overview() {
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
    <Page title="My account">
      {record.loading && !data && <p className="loading">Loading your account…</p>}
      <ErrorMessage error={record.error} />
      {data && (
        <>
          <p>
            Hello, {data.patron.name}. <span className="hint">Your card is valid until {day(data.patron.expiresAt)}.</span>
          </p>
          <ul className="portal-summary" aria-label="At a glance">
            <li>
              <span className="figure">{out.length}</span> {out.length === 1 ? 'item' : 'items'} checked out
            </li>
            <li>
              <span className={`figure${overdue.length > 0 ? ' warn-figure' : ''}`}>{overdue.length}</span> overdue
            </li>
            <li>
              <span className="figure">{holds.length}</span> {holds.length === 1 ? 'hold' : 'holds'}
              {ready.length > 0 ? `, ${ready.length} ready` : ''}
            </li>
            <li>
              <span className={`figure${data.balanceCents > 0 ? ' warn-figure' : ''}`}>{money(data.balanceCents)}</span> owed
            </li>
          </ul>

          <section className="portal-section" aria-labelledby="overview-loans">
            <h2 id="overview-loans">Loans</h2>
            <LoanList loans={loans} empty="You have nothing checked out." />
          </section>

          <section className="portal-section" aria-labelledby="overview-holds">
            <h2 id="overview-holds">Holds</h2>
            <HoldList holds={holds} empty="You have no holds." />
          </section>

          <section className="portal-section" aria-labelledby="overview-fines">
            <h2 id="overview-fines">Fines</h2>
            <FineList fines={owed} empty="You owe nothing." />
            {owed.length > 0 && (
              <p>
                Total owed: <strong>{money(data.balanceCents)}</strong>. Fines are paid at the library desk.
              </p>
            )}
          </section>

          <section className="portal-section" aria-labelledby="overview-more">
            <h2 id="overview-more">Your privacy</h2>
            <ul>
              <li>
                <Link to="/me/data">See and download everything the library keeps about you</Link>, correct it, or delete your account.
              </li>
              <li>
                <Link to="/me/privacy">Choose your privacy settings</Link>: every choice is off until you turn it on.
              </li>
              <li>
                <Link to="/me/who-looked">See who looked at your record</Link>, when and why.
              </li>
            </ul>
          </section>
        </>
      )}
    </Page>
  );
}
