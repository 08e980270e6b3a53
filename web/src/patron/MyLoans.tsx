import { useState } from 'react';
import { api } from '../api';
import { day, ErrorMessage, Page, useAction, useLoad } from '../ui/components';
import type { MyLoan, RenewAllOutcome } from './types';

/**
 * `/me/loans`: the patron's current loans, the soonest due first (GET /me/loans). Each says whether it
 * can be renewed and, when not, every reason in words; Renew renews one, Renew all every one that can be
 * (the others keep their due dates and say why). The outcome is read out (aria-live).
 */
export function MyLoans() {
  const loans = useLoad(() => api<{ loans: MyLoan[] }>('GET', '/me/loans'), []);
  const action = useAction();
  const [said, setSaid] = useState<string>('');
  const [outcomes, setOutcomes] = useState<RenewAllOutcome[] | null>(null);

  const renew = async (loan: MyLoan) => {
    const done = await action.run(() => api<{ dueAt: string }>('POST', `/me/loans/${loan.loanId}/renew`));
    if (done) setSaid(`Renewed “${loan.title}”: now due ${day(done.dueAt)}.`);
    setOutcomes(null);
    loans.reload();
  };
  const renewAll = async () => {
    const done = await action.run(() => api<{ outcomes: RenewAllOutcome[] }>('POST', '/me/loans/renew-all'));
    if (done) {
      const renewed = done.outcomes.filter((o) => o.renewed).length;
      setSaid(`${renewed} of ${done.outcomes.length} renewed.`);
      setOutcomes(done.outcomes);
    }
    loans.reload();
  };

  const list = loans.data?.loans ?? [];
  return (
    <Page title="My loans">
      {loans.loading && !loans.data && <p className="loading">Loading…</p>}
      <ErrorMessage error={loans.error} />
      <ErrorMessage error={action.error} />
      <p aria-live="polite" className="portal-said">
        {said}
      </p>
      {outcomes && outcomes.length > 0 && (
        <section aria-labelledby="renew-all-heading">
          <h2 id="renew-all-heading">Renew all: what happened</h2>
          <ul className="portal-list" aria-label="Renew all outcomes">
            {outcomes.map((o) => (
              <li key={o.loanId}>
                <p className="portal-item-title">{o.title}</p>
                {o.renewed ? (
                  <p>Renewed: now due {day(o.dueAt)}.</p>
                ) : (
                  <>
                    <p>Not renewed: still due {day(o.dueAt)}.</p>
                    <ul className="portal-reasons">
                      {o.reasons.map((r) => (
                        <li key={r.code}>{r.message}</li>
                      ))}
                    </ul>
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {loans.data && list.length === 0 && <p className="portal-empty">You have nothing out on loan.</p>}
      {list.length > 0 && (
        <>
          <h2>{list.length === 1 ? '1 loan' : `${list.length} loans`}, the soonest due first</h2>
          <button type="button" onClick={() => void renewAll()} disabled={action.busy}>
            Renew all
          </button>
          <ul className="portal-list" aria-label="My loans">
            {list.map((loan) => (
              <li key={loan.loanId}>
                <p className="portal-item-title">{loan.title}</p>
                <dl className="portal-facts">
                  <dt>Due</dt>
                  <dd>
                    {day(loan.dueAt)}
                    {loan.overdue ? ' (overdue)' : ''}
                  </dd>
                  <dt>Renewed</dt>
                  <dd>{loan.renewals === 1 ? 'once' : `${loan.renewals} times`}</dd>
                </dl>
                {loan.renewable ? (
                  <button type="button" onClick={() => void renew(loan)} disabled={action.busy} aria-label={`Renew ${loan.title}`}>
                    Renew
                  </button>
                ) : (
                  <>
                    <p>Cannot be renewed now:</p>
                    <ul className="portal-reasons">
                      {loan.reasons.map((r) => (
                        <li key={r.code}>{r.message}</li>
                      ))}
                    </ul>
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}
