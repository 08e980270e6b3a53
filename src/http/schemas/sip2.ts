/**
 * SIP2 accounts (issue 16), kept by the library's administrators (`library.administer`): one per
 * self-check kiosk, sorter or authentication client. The routes' JSON Schemas (shown in /openapi.json);
 * the web app reads their static types. Imports only typebox and src/domain.
 *
 * What an account may send and receive is checked by the use cases against its kind and the library's
 * profile, so a setting beyond them answers SIP2_SETTING_NOT_ALLOWED with the clause, and a bad address
 * VALIDATION_FAILED naming `allowedCidrs`, over every transport: the request bodies here say only what
 * type each field is. The list's answer carries each kind's bounds at the library (`kinds`), so a form
 * offers only what may be chosen.
 */
import { Type, type Static } from 'typebox';
import { SIP2_ACCOUNT_KINDS, SIP2_BX_ORDER, SIP2_CHARSETS, SIP2_PATRON_FIELDS } from '../../domain/sip2.js';
import { forbiddableResponses, Id, Instant, LibraryId } from './common.js';

const TAG = ['SIP2 accounts'];

export const Sip2Kind = Type.Enum(SIP2_ACCOUNT_KINDS, { description: 'What the machine is: a self-check kiosk or RFID pad, an automated-returns sorter, or an authentication client.' });
const MessageCode = Type.Enum(SIP2_BX_ORDER, { description: 'A SIP2 request by its two-digit code.' });
const PatronField = Type.Enum(SIP2_PATRON_FIELDS, { description: 'A kind of fact about a patron a response may carry.' });

const SortBins = Type.Object({
  holdHere: Type.String({ description: 'Trapped for a hold picked up at this branch.' }),
  holdElsewhere: Type.String({ description: 'Trapped for a hold picked up at another branch (in transit).' }),
  otherBranch: Type.String({ description: 'Belongs to another branch and goes home.' }),
  shelf: Type.String({ description: 'Back to this branch’s shelves.' }),
});

export const Sip2AccountView = Type.Object({
  id: Id,
  libraryId: Type.String(),
  branchId: Type.String({ description: 'The branch the machine stands in (check-ins are received there).' }),
  name: Type.String(),
  loginId: Type.String({ description: 'The SIP2 login user id (CN).' }),
  kind: Sip2Kind,
  disabled: Type.Boolean(),
  allowedCidrs: Type.Array(Type.String(), { description: 'The addresses it may connect from, as CIDR blocks.' }),
  messages: Type.Array(MessageCode, { description: 'The requests it may send (login, SC status and resend always).' }),
  patronFields: Type.Array(PatronField, { description: 'The patron fields it may receive.' }),
  charset: Type.Enum(SIP2_CHARSETS),
  requireErrorDetection: Type.Boolean({ description: 'Messages without a sequence number and checksum are refused.' }),
  pinRequired: Type.Boolean({ description: 'Patron requests must carry the patron’s PIN.' }),
  sortBins: SortBins,
  createdAt: Instant,
});
export type Sip2AccountView = Static<typeof Sip2AccountView>;

export const Sip2KindBounds = Type.Object({
  messages: Type.Array(MessageCode, { description: 'The requests an account of the kind may be allowed to send.' }),
  fields: Type.Array(PatronField, { description: 'The patron fields it may be allowed to receive under the library’s profile.' }),
  defaultFields: Type.Array(PatronField, { description: 'What a new account of the kind receives unless the library chooses otherwise.' }),
  clause: Type.String({ description: 'The clause that bounds the kind: CB-G2 (kiosks and sorters keep nothing), RF-6 (a vendor learns only that the patron is valid).' }),
});
export type Sip2KindBounds = Static<typeof Sip2KindBounds>;

export const Sip2AccountList = Type.Object({
  accounts: Type.Array(Sip2AccountView),
  kinds: Type.Object(Object.fromEntries(SIP2_ACCOUNT_KINDS.map((k) => [k, Sip2KindBounds])) as Record<(typeof SIP2_ACCOUNT_KINDS)[number], typeof Sip2KindBounds>, {
    description: 'What each kind may send and receive at this library.',
  }),
});
export type Sip2AccountList = Static<typeof Sip2AccountList>;

/** The settings a request may give; each left out keeps its value (for a new account, its kind's default). */
const settings = {
  allowedCidrs: Type.Optional(
    Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64, description: 'Addresses or CIDR blocks (`10.2.0.0/16`, `192.0.2.7`, `2001:db8::/32`); a new account: loopback only.' }),
  ),
  messages: Type.Optional(Type.Array(Type.String({ maxLength: 8 }), { maxItems: 32, description: 'Two-digit request codes, within what the kind may send.' })),
  patronFields: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 32, description: `Patron fields (${SIP2_PATRON_FIELDS.join(', ')}), within what the kind and the profile allow.` })),
  charset: Type.Optional(Type.String({ maxLength: 16, description: SIP2_CHARSETS.join(' or ') })),
  requireErrorDetection: Type.Optional(Type.Boolean()),
  pinRequired: Type.Optional(Type.Boolean()),
  sortBins: Type.Optional(Type.Partial(Type.Object({ holdHere: Type.String({ maxLength: 16 }), holdElsewhere: Type.String({ maxLength: 16 }), otherBranch: Type.String({ maxLength: 16 }), shelf: Type.String({ maxLength: 16 }) }), { additionalProperties: false })),
};

const LibraryParams = Type.Object({ libraryId: LibraryId });
const AccountParams = Type.Object({ libraryId: LibraryId, accountId: Id });
const PasswordAnswer = Type.Object({
  account: Sip2AccountView,
  password: Type.String({ description: 'The generated password, shown this once; Carrel keeps only its hash. Enter it in the machine’s SIP2 settings.' }),
});

/** GET /api/v1/libraries/:libraryId/sip2-accounts */
export const ListSip2AccountsRoute = {
  tags: TAG,
  summary: 'The library’s SIP2 accounts (no password hashes) and what each kind may send and receive there',
  params: LibraryParams,
  response: { 200: Sip2AccountList, ...forbiddableResponses },
};

/** POST /api/v1/libraries/:libraryId/sip2-accounts */
export const CreateSip2AccountRoute = {
  tags: TAG,
  summary: 'Add a SIP2 account; its generated password is in the answer, once',
  params: LibraryParams,
  body: Type.Object(
    {
      name: Type.String({ maxLength: 200, description: 'A name people recognise: “Central kiosk 1”, “EZproxy”.' }),
      kind: Type.String({ maxLength: 32, description: SIP2_ACCOUNT_KINDS.join(', ') }),
      branch: Type.String({ minLength: 1, maxLength: 64, description: 'The branch it stands in, by code or id.' }),
      loginId: Type.Optional(Type.String({ maxLength: 80, description: 'Its SIP2 login id (CN); made from the name when left out.' })),
      ...settings,
    },
    { additionalProperties: false },
  ),
  response: { 201: PasswordAnswer, ...forbiddableResponses },
};

/** PATCH /api/v1/libraries/:libraryId/sip2-accounts/:accountId */
export const UpdateSip2AccountRoute = {
  tags: TAG,
  summary: 'Change an account’s settings or branch; what is left out stays',
  params: AccountParams,
  body: Type.Object({ branch: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), ...settings }, { additionalProperties: false }),
  response: { 200: Sip2AccountView, ...forbiddableResponses },
};

/** POST /api/v1/libraries/:libraryId/sip2-accounts/:accountId/disable */
export const DisableSip2AccountRoute = {
  tags: TAG,
  summary: 'Disable an account: its next login is refused, and its open connections end at their next message',
  params: AccountParams,
  response: { 200: Sip2AccountView, ...forbiddableResponses },
};

/** POST /api/v1/libraries/:libraryId/sip2-accounts/:accountId/enable */
export const EnableSip2AccountRoute = {
  tags: TAG,
  summary: 'Let a disabled account log in again',
  params: AccountParams,
  response: { 200: Sip2AccountView, ...forbiddableResponses },
};

/** POST /api/v1/libraries/:libraryId/sip2-accounts/:accountId/reset-password */
export const ResetSip2PasswordRoute = {
  tags: TAG,
  summary: 'A new generated password for an account (shown once); the old one stops working',
  params: AccountParams,
  response: { 200: PasswordAnswer, ...forbiddableResponses },
};
