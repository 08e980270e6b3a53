import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import { pageLanguage, tRich, useT } from '../i18n';
import { useSession } from '../session';
import { aboutField, day, ErrorMessage, Field, money, Page, useAction, useLoad } from '../ui/components';
import { FineList, HoldList, LoanList, PaymentList, ServiceList } from './parts';
import { usePolicy } from './policy';
import type { Dependent, DependentRecord, PublishedPolicy } from './types';
import { categoryName, GUARDIAN_LEVEL_WORDS, patronStatus } from './words';

/** The published policy's sentence about guardians: the library's own words for the limit (in English or Spanish). */
function guardianStatement(policy: PublishedPolicy | undefined) {
  return policy?.access.find((s) => /guardian|tutor/i.test(s.text));
}

/**
 * `/me/dependents`, the guardian view: the children whose application the logged-in patron signed
 * (GET /me/dependents), and each child's record exactly as the library's profile lets a guardian see it,
 * without or with the child's card (POST /me/dependents/:minorId/record; the card number in the body).
 */
export function Dependents() {
  const t = useT();
  const session = useSession();
  const dependents = useLoad(() => api<Dependent[]>('GET', '/me/dependents'), []);
  const policy = usePolicy(session.actor?.libraryId);
  const statement = guardianStatement(policy.data);

  return (
    <Page title={t('account.dependents.title')}>
      <p>{t('account.dependents.intro')}</p>
      {statement && (
        <blockquote className="portal-policy" lang={policy.data && policy.data.language !== pageLanguage() ? policy.data.language : undefined}>
          <p>
            {statement.text} <span className="hint">({statement.clauses.join(', ')})</span>
          </p>
        </blockquote>
      )}
      {dependents.loading && !dependents.data && <p className="loading">{t('common.loading')}</p>}
      <ErrorMessage error={dependents.error} />
      {dependents.data && dependents.data.length === 0 && (
        <p className="portal-empty">{t('account.dependents.none')}</p>
      )}
      {dependents.data?.map((child) => <Child key={child.patronId} child={child} />)}
    </Page>
  );
}

function Child({ child }: { child: Dependent }) {
  const t = useT();
  const [cardNumber, setCardNumber] = useState('');
  const [shown, setShown] = useState<{ record: DependentRecord; withCard: boolean } | undefined>(undefined);
  const { run, busy, error } = useAction();
  const name = child.firstName;
  const headingId = `child-${child.patronId}`;

  const look = async (withCard: boolean) => {
    const number = cardNumber.trim();
    const record = await run(() => api<DependentRecord>('POST', `/me/dependents/${encodeURIComponent(child.patronId)}/record`, withCard ? { childCardNumber: number } : {}));
    if (record) {
      setShown({ record, withCard });
      if (record.cardAccepted) setCardNumber(''); // kept when it did not match, to be corrected
    }
  };

  const submitCard = (event: FormEvent) => {
    event.preventDefault();
    void look(true);
  };

  const cardProblem = aboutField(error, 'childCardNumber');
  // Every refusal is “not found”, whatever the reason (no link, a link that ended, nothing given): say so plainly.
  const refused = error instanceof ApiError && error.code === 'PATRON_NOT_FOUND';

  return (
    <section className="portal-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{name}</h2>
      <ul>
        <li>
          {child.withoutChildCard === 'none'
            ? t('account.dependents.withoutCard.nothing', { name })
            : t('account.dependents.withoutCard', { name, level: GUARDIAN_LEVEL_WORDS[child.withoutChildCard] })}
        </li>
        <li>
          {child.withChildCard === 'none'
            ? t('account.dependents.withCard.nothing', { name })
            : t('account.dependents.withCard', { name, level: GUARDIAN_LEVEL_WORDS[child.withChildCard] })}
        </li>
      </ul>
      <div className="portal-two">
        {child.withoutChildCard !== 'none' && (
          <div className="actions">
            <button type="button" onClick={() => void look(false)} disabled={busy}>
              {t('account.dependents.seeWithout', { name })}
            </button>
          </div>
        )}
        {child.withChildCard !== 'none' && (
          <form onSubmit={submitCard} noValidate>
            <Field
              label={t('account.dependents.cardNumber', { name })}
              hint={t('account.dependents.cardNumber.hint')}
              name="childCardNumber"
              inputMode="numeric"
              autoComplete="off"
              required
              value={cardNumber}
              onChange={(e) => setCardNumber(e.target.value)}
              error={cardProblem}
            />
            <div className="actions">
              <button type="submit" disabled={busy || cardNumber.trim() === ''}>
                {t('account.dependents.seeWith', { name })}
              </button>
            </div>
          </form>
        )}
      </div>
      {refused && (
        <p className="portal-warning">{t('account.dependents.refused', { name })}</p>
      )}
      <ErrorMessage error={error} />
      {shown && <ChildRecord name={name} record={shown.record} withCard={shown.withCard} cardMatched={!shown.withCard || shown.record.cardAccepted} />}
    </section>
  );
}

/** The record as the API answered it: only the sections the level shows are there, and only those are drawn. */
function ChildRecord({ name, record, withCard, cardMatched }: { name: string; record: DependentRecord; withCard: boolean; cardMatched: boolean }) {
  const t = useT();
  const r = record.registration;
  const overdueOnly = record.level === 'overdue-and-fines';
  return (
    <div className="portal-category" aria-live="polite">
      <h3>{withCard && cardMatched ? t('account.dependents.record.withCard', { name }) : t('account.dependents.record.withoutCard', { name })}</h3>
      {!cardMatched && <p className="portal-warning">{t('account.dependents.notTheCard', { name })}</p>}
      <p>
        {overdueOnly
          ? t('account.dependents.policyShowsOnly', { clause: record.clause, level: GUARDIAN_LEVEL_WORDS[record.level] })
          : t('account.dependents.policyShows', { clause: record.clause, level: GUARDIAN_LEVEL_WORDS[record.level] })}
      </p>
      {r && (
        <>
          <h4>{categoryName('registration')}</h4>
          <dl className="portal-facts">
            <dt>{t('account.field.name')}</dt>
            <dd>{r.name}</dd>
            <dt>{t('account.field.birthDate')}</dt>
            <dd>{day(r.birthDate)}</dd>
            <dt>{t('account.field.address')}</dt>
            <dd>{r.address ?? '—'}</dd>
            <dt>{t('account.field.email')}</dt>
            <dd>{r.email ?? '—'}</dd>
            <dt>{t('account.field.phone')}</dt>
            <dd>{r.phone ?? '—'}</dd>
            <dt>{t('account.field.cardStatus')}</dt>
            <dd>{patronStatus(r.status)}</dd>
            <dt>{t('account.field.validUntil')}</dt>
            <dd>{day(r.expiresAt)}</dd>
            <dt>{t('account.field.readingHistory')}</dt>
            <dd>{r.readingHistory ? t('account.dependents.historyKept') : t('account.data.notKept')}</dd>
          </dl>
        </>
      )}
      <h4>{overdueOnly ? t('account.dependents.overdue') : t('account.dependents.loans')}</h4>
      <LoanList loans={record.loans} label={t('account.dependents.loans')} empty={overdueOnly ? t('account.dependents.overdue.none') : t('account.dependents.loans.none')} />
      {record.history && (
        <>
          <h4>{t('account.dependents.returned')}</h4>
          <LoanList loans={record.history} past label={t('account.dependents.returned')} empty={t('account.dependents.returned.none')} />
        </>
      )}
      {record.holds && (
        <>
          <h4>{t('account.dependents.holds')}</h4>
          <HoldList holds={record.holds} />
        </>
      )}
      <h4>{record.level === 'full' ? t('account.dependents.fines') : t('account.dependents.finesOwed')}</h4>
      <FineList fines={record.fines} empty={t('account.dependents.fines.none')} />
      <p>{tRich('account.dependents.totalOwed', { amount: money(record.balanceCents), b: (chunks) => <strong>{chunks}</strong> })}</p>
      {record.payments && (
        <>
          <h4>{t('account.data.payments')}</h4>
          <PaymentList payments={record.payments} />
        </>
      )}
      {record.services && (
        <>
          <h4>{t('account.dependents.services')}</h4>
          <ServiceList services={record.services} empty={t('account.dependents.services.none')} />
        </>
      )}
    </div>
  );
}
