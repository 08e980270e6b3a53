/**
 * The desk's service of an account: a new card, corrections, identifying a patron without their card (IF-5, IF-6).
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { CalendarDate, errorResponses, Id, Instant, LibraryId, OptionalText, PatronView, throttledResponses } from './common.js';


/** POST /api/v1/patrons/:patronId/card */
export const ReissueCardRoute = {
  tags: ['patrons'],
  summary: 'Issue a new card (after a lost or stolen one)',
  description:
    'A new card number and a new PIN, in this answer only. The old card number no longer finds the patron; a card reported lost is active again; every session of the patron ends.',
  params: Type.Object({ patronId: Id }),
  response: { 200: Type.Object({ patronId: Id, cardNumber: Type.String(), pin: Type.String(), status: Type.String() }), ...errorResponses },
};

/** PATCH /api/v1/patrons/:patronId */
export const CorrectPatronRoute = {
  tags: ['patrons'],
  summary: 'Correct a patron’s personal fields',
  description: 'Checked as at registration; `null` removes an optional field. A birth date that makes the patron a minor or an adult is refused (register again).',
  params: Type.Object({ patronId: Id }),
  body: Type.Object(
    {
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      birthDate: Type.Optional(CalendarDate),
      address: OptionalText(500),
      email: OptionalText(320),
      phone: OptionalText(32),
    },
    { additionalProperties: false },
  ),
  response: { 200: PatronView, ...errorResponses },
};

/** POST /api/v1/patrons/identify */
export const IdentifyPatronRoute = {
  tags: ['patrons'],
  summary: 'Identify a patron without their card (IF-5)',
  description:
    'Staff confirm they checked a photo ID and give the date of birth the patron states, with the name on the ID (`name`: every word of it must be a word of the patron’s name; the patrons of `libraryId`, by default the staff member’s library) or the patron’s record (`patronId`), one of the two. If exactly one patron matches, the answer names them (id, name, status) and gives a `handle` that stands in for their card: give it as `cardNumber` to `POST /patrons/lookup` to open the account as when a card is scanned, and to check-outs, payments and holds, until `expiresAt` (30 minutes) and for this staff account only; the card number itself is never in the answer. Otherwise 422 IDENTITY_NOT_VERIFIED, the same for a wrong date and an unknown patron, or 409 IDENTITY_AMBIGUOUS when two patrons share the name and the date of birth. Refusals are limited per staff account and per patron (the library settings `identifyStaffFailures`, `identifyPatronFailures` in `identifyWindowMinutes`): past either, 429 IDENTIFY_LIMIT_REACHED, even for the right date, until the window has passed, and the director is alerted (`GET /alerts`). Every record compared is logged on it.',
  body: Type.Object(
    {
      patronId: Type.Optional(Id),
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      libraryId: Type.Optional(LibraryId),
      photoIdChecked: Type.Literal(true),
      birthDate: CalendarDate,
    },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({
      patronId: Id,
      name: Type.String({ description: 'to confirm against the photo ID' }),
      status: Type.String(),
      handle: Type.String({ description: 'stands in for the card number for this staff account until `expiresAt`' }),
      expiresAt: Instant,
    }),
    ...throttledResponses,
  },
};

/** The answers' static types, for the web app. */
export type NewCard = Static<(typeof ReissueCardRoute.response)[200]>;
export type Identification = Static<(typeof IdentifyPatronRoute.response)[200]>;
