import { useState } from 'react';
import { api } from '../api';
import { errorWords, pageLanguage, useT } from '../i18n';
import { day, ErrorMessage, Page, useAction, useLoad } from '../ui/components';
import type { MyLoan, RenewAllOutcome } from './types';

/** Why a loan cannot be renewed: the server's precise words on an English page, the catalogue's for its code on another. */
function reasonWords(reason: { code: string; message: string }): string {
  if (pageLanguage() === 'en') return reason.message;
  return errorWords(reason.code) ?? reason.message;
}

/**
 * `/me/loans`: the patron's current loans, the soonest due first (GET /me/loans). Each says whether it
 * can be renewed and, when not, every reason in words; Renew renews one, Renew all every one that can be
 * (the others keep their due dates and say why). The outcome is read out (aria-live).
 */
export function MyLoans() {
  const t = useT();
  const loans = useLoad(() => api<{ loans: MyLoan[] }>('GET', '/me/loans'), []);
  const action = useAction();
  const [said, setSaid] = useState<string>('');
  const [outcomes, setOutcomes] = useState<RenewAllOutcome[] | null>(null);

  const renew = async (loan: MyLoan) => {
    const done = await action.run(() => api<{ dueAt: string }>('POST', `/me/loans/${loan.loanId}/renew`));
    if (done) setSaid(t('portal.loans.renewedOne', { title: loan.title, due: day(done.dueAt) }));
    setOutcomes(null);
    loans.reload();
  };
  const renewAll = async () => {
    const done = await action.run(() => api<{ outcomes: RenewAllOutcome[] }>('POST', '/me/loans/renew-all'));
    if (done) {
      const renewed = done.outcomes.filter((o) => o.renewed).length;
      setSaid(t('portal.loans.renewedAll', { renewed, total: done.outcomes.length }));
      setOutcomes(done.outcomes);
    }
    loans.reload();
  };

  const list = loans.data?.loans ?? [];
  return (
    <Page title={t('portal.loans.title')}>
      {loans.loading && !loans.data && <p className="loading">{t('portal.loans.loading')}</p>}
      <ErrorMessage error={loans.error} />
      <ErrorMessage error={action.error} />
      <p aria-live="polite" className="portal-said">
        {said}
      </p>
      {outcomes && outcomes.length > 0 && (
        <section aria-labelledby="renew-all-heading">
          <h2 id="renew-all-heading">{t('portal.loans.renewAllHeading')}</h2>
          <ul className="portal-list" aria-label={t('portal.loans.renewAllOutcomes')}>
            {outcomes.map((o) => (
              <li key={o.loanId}>
                <p className="portal-item-title">{o.title}</p>
                {o.renewed ? (
                  <p>{t('portal.loans.outcomeRenewed', { due: day(o.dueAt) })}</p>
                ) : (
                  <>
                    <p>{t('portal.loans.outcomeNotRenewed', { due: day(o.dueAt) })}</p>
                    <ul className="portal-reasons">
                      {o.reasons.map((r) => (
                        <li key={r.code}>{reasonWords(r)}</li>
                      ))}
                    </ul>
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {loans.data && list.length === 0 && <p className="portal-empty">{t('portal.loans.none')}</p>}
      {list.length > 0 && (
        <>
          <h2>{t('portal.loans.heading', { count: list.length })}</h2>
          <button type="button" onClick={() => void renewAll()} disabled={action.busy}>
            {t('portal.loans.renewAll')}
          </button>
          <ul className="portal-list" aria-label={t('portal.loans.list')}>
            {list.map((loan) => (
              <li key={loan.loanId}>
                <p className="portal-item-title">{loan.title}</p>
                <dl className="portal-facts">
                  <dt>{t('portal.loans.due')}</dt>
                  <dd>
                    {loan.overdue ? t('portal.loans.dueOverdue', { due: day(loan.dueAt) }) : day(loan.dueAt)}
                  </dd>
                  <dt>{t('portal.loans.renewed')}</dt>
                  <dd>{t('portal.loans.renewedTimes', { count: loan.renewals })}</dd>
                </dl>
                {loan.renewable ? (
                  <button type="button" onClick={() => void renew(loan)} disabled={action.busy} aria-label={t('portal.loans.renewLabel', { title: loan.title })}>
                    {t('portal.loans.renew')}
                  </button>
                ) : (
                  <>
                    <p>{t('portal.loans.cannotRenew')}</p>
                    <ul className="portal-reasons">
                      {loan.reasons.map((r) => (
                        <li key={r.code}>{reasonWords(r)}</li>
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
