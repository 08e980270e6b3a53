import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import { useSession } from '../session';
import { aboutField, day, ErrorMessage, Field, money, Page, useAction, useLoad } from '../ui/components';
import { FineList, HoldList, LoanList, PaymentList, ServiceList } from './parts';
import { usePolicy } from './policy';
import type { Dependent, DependentRecord, PublishedPolicy } from './types';
import { GUARDIAN_LEVEL_WORDS, patronStatus } from './words';

/** The published policy's sentence about guardians: the library's own words for the limit. */
function guardianStatement(policy: PublishedPolicy | undefined) {
  return policy?.access.find((s) => /guardian/i.test(s.text));
}

/**
 * `/me/dependents`, the guardian view: the children whose application the logged-in patron signed
 * (GET /me/dependents), and each child's record exactly as the library's profile lets a guardian see it,
 * without or with the child's card (POST /me/dependents/:minorId/record; the card number in the body).
 */
export function Dependents() {
  const session = useSession();
  const dependents = useLoad(() => api<Dependent[]>('GET', '/me/dependents'), []);
  const policy = usePolicy(session.actor?.libraryId);
  const statement = guardianStatement(policy.data);

  return (
    <Page title="Children you signed for">
      <p>
        If you signed a child’s application for a library card, you can see part of the child’s record here, until they come of age. How much depends on the library’s
        privacy policy, and on whether you have the child’s card. Every look is written in the child’s record.
      </p>
      {statement && (
        <blockquote className="portal-policy">
          <p>
            {statement.text} <span className="hint">({statement.clauses.join(', ')})</span>
          </p>
        </blockquote>
      )}
      {dependents.loading && !dependents.data && <p className="loading">Loading…</p>}
      <ErrorMessage error={dependents.error} />
      {dependents.data && dependents.data.length === 0 && (
        <p className="portal-empty">No child’s record is open to you here: no child is linked to your card, or the library’s policy shows guardians nothing online.</p>
      )}
      {dependents.data?.map((child) => <Child key={child.patronId} child={child} />)}
    </Page>
  );
}

function Child({ child }: { child: Dependent }) {
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
        <li>Without {name}’s card you can see {GUARDIAN_LEVEL_WORDS[child.withoutChildCard]}.</li>
        <li>
          With {name}’s card or card number you can see {GUARDIAN_LEVEL_WORDS[child.withChildCard]}.
        </li>
      </ul>
      <div className="portal-two">
        {child.withoutChildCard !== 'none' && (
          <div className="actions">
            <button type="button" onClick={() => void look(false)} disabled={busy}>
              See {name}’s record without the card
            </button>
          </div>
        )}
        {child.withChildCard !== 'none' && (
          <form onSubmit={submitCard} noValidate>
            <Field
              label={`${name}’s library card number`}
              hint="Sent to the library only to check it; it is not kept here."
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
                See {name}’s record with the card
              </button>
            </div>
          </form>
        )}
      </div>
      {refused && (
        <p className="portal-warning">
          The library shows you nothing of {name}’s record this way. Check the card number, or ask at the library desk.
        </p>
      )}
      <ErrorMessage error={error} />
      {shown && <ChildRecord name={name} record={shown.record} withCard={shown.withCard} cardMatched={!shown.withCard || shown.record.cardAccepted} />}
    </section>
  );
}

/** The record as the API answered it: only the sections the level shows are there, and only those are drawn. */
function ChildRecord({ name, record, withCard, cardMatched }: { name: string; record: DependentRecord; withCard: boolean; cardMatched: boolean }) {
  const r = record.registration;
  return (
    <div className="portal-category" aria-live="polite">
      <h3>
        What you can see of {name}’s record {withCard && cardMatched ? 'with the card' : 'without the card'}
      </h3>
      {!cardMatched && <p className="portal-warning">That number is not {name}’s card (or the card has stopped), so you see what the policy shows without it.</p>}
      <p>
        The library’s policy ({record.clause}) shows you {GUARDIAN_LEVEL_WORDS[record.level]}
        {record.level === 'overdue-and-fines' ? '. Other loans, holds, reading history and contact details are not shown.' : '.'}
      </p>
      {r && (
        <>
          <h4>Registration</h4>
          <dl className="portal-facts">
            <dt>Name</dt>
            <dd>{r.name}</dd>
            <dt>Birth date</dt>
            <dd>{day(r.birthDate)}</dd>
            <dt>Address</dt>
            <dd>{r.address ?? '—'}</dd>
            <dt>Email</dt>
            <dd>{r.email ?? '—'}</dd>
            <dt>Phone</dt>
            <dd>{r.phone ?? '—'}</dd>
            <dt>Card status</dt>
            <dd>{patronStatus(r.status)}</dd>
            <dt>Card valid until</dt>
            <dd>{day(r.expiresAt)}</dd>
            <dt>Reading history</dt>
            <dd>{r.readingHistory ? 'kept (the child chose it)' : 'not kept'}</dd>
          </dl>
        </>
      )}
      <h4>{record.level === 'overdue-and-fines' ? 'Overdue or lost items' : 'Loans'}</h4>
      <LoanList loans={record.loans} empty={record.level === 'overdue-and-fines' ? 'Nothing overdue or lost.' : 'Nothing checked out.'} />
      {record.history && (
        <>
          <h4>Returned loans</h4>
          <LoanList loans={record.history} past label="Returned loans" empty="No returned loans are kept." />
        </>
      )}
      {record.holds && (
        <>
          <h4>Holds</h4>
          <HoldList holds={record.holds} />
        </>
      )}
      <h4>{record.level === 'full' ? 'Fines' : 'Fines owed'}</h4>
      <FineList fines={record.fines} empty="Nothing owed." />
      <p>
        Total owed: <strong>{money(record.balanceCents)}</strong>
      </p>
      {record.payments && (
        <>
          <h4>Payments</h4>
          <PaymentList payments={record.payments} />
        </>
      )}
      {record.services && (
        <>
          <h4>Library services</h4>
          <ServiceList services={record.services} empty="No service records." />
        </>
      )}
    </div>
  );
}
