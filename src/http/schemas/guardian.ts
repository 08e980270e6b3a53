/**
 * A guardian's view of the minors they signed for (RR-8, CB-B3, JC-IVc, IF-7).
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { CalendarDate, CardNumber, Cents, errorResponses, FineView, HoldView, Id, Instant, LoanView, Nullable } from './common.js';

export const Level = Type.Union([Type.Literal('full'), Type.Literal('current-circulation'), Type.Literal('overdue-and-fines'), Type.Literal('none')], { description: 'A guardian view level (profile access.guardians).' });
export const DependentView = Type.Object({
  patronId: Id,
  firstName: Type.String({ description: 'The first word of the child’s name.' }),
  withChildCard: Level,
  withoutChildCard: Level,
});
export const ServiceView = Type.Object({
  id: Id,
  kind: Type.String(),
  branchId: Nullable(Type.String()),
  resource: Nullable(Type.String()),
  details: Nullable(Type.Union([Type.Object({ title: Type.String(), author: Nullable(Type.String()), isbn: Nullable(Type.String()) }), Type.Object({ question: Type.String() })])),
  status: Type.String(),
  startsAt: Instant,
  endsAt: Nullable(Instant),
});
export const DependentRecordView = Type.Object(
  {
    minorId: Id,
    level: Type.Union([Type.Literal('full'), Type.Literal('current-circulation'), Type.Literal('overdue-and-fines')]),
    clause: Type.String({ description: 'The clause of the library’s policy the view follows.' }),
    cardAccepted: Type.Boolean({
      description: 'Whether the card number sent is the child’s working card, so the view is the one with the card; false without a number, with another one, or a stopped card.',
    }),
    registration: Type.Optional(
      Type.Object({
        name: Type.String(),
        birthDate: CalendarDate,
        address: Nullable(Type.String()),
        email: Nullable(Type.String()),
        phone: Nullable(Type.String()),
        categoryCode: Type.String(),
        status: Type.String(),
        expiresAt: Instant,
        readingHistory: Type.Boolean(),
      }),
    ),
    loans: Type.Array(LoanView),
    history: Type.Optional(Type.Array(LoanView)),
    holds: Type.Optional(Type.Array(HoldView)),
    fines: Type.Array(FineView),
    payments: Type.Optional(Type.Array(Type.Object({ id: Id, amountCents: Cents, createdAt: Instant }))),
    balanceCents: Cents,
    services: Type.Optional(Type.Array(ServiceView)),
  },
  { description: 'Only the sections the library’s profile lets a guardian see are present.' },
);

/** GET /api/v1/me/dependents */
export const MyDependentsRoute = {
  tags: ['guardians'],
  summary: 'The minors I am the guardian of',
  description: 'The children whose application the logged-in patron signed, while they are under the age of majority, and what the library’s policy shows with and without the child’s card.',
  response: { 200: Type.Array(DependentView), ...errorResponses },
};

/** POST /api/v1/me/dependents/:minorId/record */
export const DependentRecordRoute = {
  tags: ['guardians'],
  summary: 'A child’s record, as the library’s policy lets their guardian see it',
  description:
    'With the child’s card number (in the body), what the profile gives a guardian holding the card; without it, or with another number, what it gives without. The read is logged on the child’s record.',
  params: Type.Object({ minorId: Id }),
  body: Type.Object({ childCardNumber: Type.Optional(Nullable(CardNumber)) }, { additionalProperties: false }),
  response: { 200: DependentRecordView, ...errorResponses },
};

/** The answers' static types, for the web app. */
export type GuardianLevel = Static<typeof Level>;
export type Dependent = Static<typeof DependentView>;
export type DependentRecord = Static<typeof DependentRecordView>;
export type ServiceView = Static<typeof ServiceView>;
