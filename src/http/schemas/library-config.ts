/**
 * The library's configuration (issue 15): settings, branches and their hours, closed days, patron
 * categories, item types and the circulation matrix. The routes' JSON Schemas (shown in /openapi.json);
 * the web app reads their static types. Imports only typebox and src/domain.
 *
 * Figures are checked by the use cases, so a bad one answers the same code over every transport
 * (VALIDATION_FAILED naming each field, INVALID_OPENING_HOURS, …; docs/ERRORS.md): the schemas here
 * say only what type each field is.
 */
import { Type, type Static } from 'typebox';
import { CalendarDate, Cents, forbiddableResponses, Id, Instant, LibraryId, Nullable } from './common.js';

const TAG = ['library configuration'];

export const ConfigCode = Type.String({ minLength: 1, maxLength: 32, description: 'A code: lower-case letters, digits and hyphens (`north`, `dvd`, `senior`).' });
export const CellCode = Type.String({ minLength: 1, maxLength: 32, description: 'A code, or `*` for any.' });
const Days = Type.Integer({ description: 'A whole number of days.' });
const Name = Type.String({ maxLength: 200 });
const PaymentMethodSchema = Type.String({ maxLength: 16, description: 'cash, check or card.' });

export const LibraryParams = Type.Object({ libraryId: LibraryId });
const CodeParams = Type.Object({ libraryId: LibraryId, code: ConfigCode });

// ---- settings

export const SettingsView = Type.Object({
  libraryId: Type.String(),
  name: Type.String(),
  profileId: Type.String(),
  timeZone: Type.String(),
  holdPickupDays: Type.Integer({ description: 'Days a trapped hold waits on the shelf (a rule may say otherwise).' }),
  maxBalanceCents: Cents,
  maxOverdueItems: Nullable(Type.Integer({ description: 'Borrowing stops at this many overdue items (null: overdue items never block).' })),
  defaultLostChargeCents: Cents,
  processingFeeCents: Cents,
  longOverdueDays: Nullable(Type.Integer({ description: 'Days past due an item still out is declared lost (null: never by itself).' })),
  cardValidityMonths: Type.Integer({ description: 'Months a card stays valid (a category may say otherwise); at least 1.' }),
  defaultLanguage: Type.String({ description: 'The language of a page when nobody chose one (en, es, …); one of offeredLanguages.' }),
  offeredLanguages: Type.Array(Type.String(), { description: 'The languages the library offers its patrons and staff, among those Carrel has catalogues for.' }),
  paymentMethods: Type.Array(PaymentMethodSchema, { description: 'The ways the desk takes a payment, the one offered first first.' }),
  slipHeader: Nullable(Type.String({ description: 'Printed at the top of a receipt or due-date slip (the library’s name, hours, telephone).' })),
  slipFooter: Nullable(Type.String({ description: 'Printed at the bottom of a receipt or due-date slip.' })),
  slipTitles: Type.Boolean({ description: 'Whether a due-date slip prints the titles (else only barcodes).' }),
  legacyPinDays: Type.Integer({ description: 'Days an imported PIN hash in an old scheme (bcrypt, MD5) waits for the patron’s first log-in, which replaces it with argon2id; after them it is dropped and the patron resets the PIN at the desk.' }),
  identifyPatronFailures: Type.Integer({ description: 'Refused identifications by photo ID and birth date (IF-5) allowed per patron within the window; past them the patron is identified by card only until the window has passed, and the director is alerted.' }),
  identifyStaffFailures: Type.Integer({ description: 'Refused identifications allowed per staff account within the window; past them the account identifies nobody by birth date until the window has passed, and the director is alerted.' }),
  identifyWindowMinutes: Type.Integer({ description: 'The window the two identification limits count in, in minutes.' }),
});

/** GET /api/v1/libraries/:libraryId/settings */
export const ReadSettingsRoute = {
  tags: TAG,
  summary: 'The library’s circulation settings: hold pick-up days, blocking thresholds, charges, the long-overdue delay, card validity',
  params: LibraryParams,
  response: { 200: SettingsView, ...forbiddableResponses },
};

/** PATCH /api/v1/libraries/:libraryId/settings */
export const UpdateSettingsRoute = {
  tags: TAG,
  summary: 'Change some of the library’s settings (administrators); what is left out stays',
  params: LibraryParams,
  body: Type.Object(
    {
      name: Type.Optional(Name),
      timeZone: Type.Optional(Type.String({ maxLength: 64 })),
      holdPickupDays: Type.Optional(Days),
      maxBalanceCents: Type.Optional(Cents),
      maxOverdueItems: Type.Optional(Nullable(Type.Integer())),
      defaultLostChargeCents: Type.Optional(Cents),
      processingFeeCents: Type.Optional(Cents),
      longOverdueDays: Type.Optional(Nullable(Days)),
      cardValidityMonths: Type.Optional(Type.Integer()),
      defaultLanguage: Type.Optional(Type.String({ maxLength: 16 })),
      offeredLanguages: Type.Optional(Type.Array(Type.String({ maxLength: 16 }), { maxItems: 20 })),
      paymentMethods: Type.Optional(Type.Array(PaymentMethodSchema, { maxItems: 3 })),
      slipHeader: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
      slipFooter: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
      slipTitles: Type.Optional(Type.Boolean()),
      legacyPinDays: Type.Optional(Days),
      identifyPatronFailures: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
      identifyStaffFailures: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      identifyWindowMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10080 })),
    },
    { additionalProperties: false },
  ),
  response: { 200: SettingsView, ...forbiddableResponses },
};

// ---- branches

export const OpeningHoursSchema = Type.Record(Type.String(), Type.Array(Type.Array(Type.String())), {
  description: 'Weekly hours: `{"mon":[["09:00","12:00"],["13:00","17:00"]],"sat":[["10:00","14:00"]]}`. A weekday left out is closed; `{}` says nothing about hours (open every day).',
});

export const BranchView = Type.Object({
  id: Id,
  libraryId: Type.String(),
  code: Type.String(),
  name: Type.String(),
  address: Nullable(Type.String()),
  openingHours: OpeningHoursSchema,
});

/** GET /api/v1/libraries/:libraryId/branches */
export const ListBranchesRoute = { tags: TAG, summary: 'The library’s branches with their hours', params: LibraryParams, response: { 200: Type.Array(BranchView), ...forbiddableResponses } };

/** POST /api/v1/libraries/:libraryId/branches */
export const AddBranchRoute = {
  tags: TAG,
  summary: 'Add a branch (administrators)',
  params: LibraryParams,
  body: Type.Object(
    { code: ConfigCode, name: Name, address: Type.Optional(Nullable(Type.String({ maxLength: 500 }))), openingHours: Type.Optional(OpeningHoursSchema) },
    { additionalProperties: false },
  ),
  response: { 201: BranchView, ...forbiddableResponses },
};

/** PATCH /api/v1/libraries/:libraryId/branches/:code */
export const EditBranchRoute = {
  tags: TAG,
  summary: 'Change a branch’s name, address or hours (administrators); its code stays',
  params: CodeParams,
  body: Type.Object(
    { name: Type.Optional(Name), address: Type.Optional(Nullable(Type.String({ maxLength: 500 }))), openingHours: Type.Optional(OpeningHoursSchema) },
    { additionalProperties: false },
  ),
  response: { 200: BranchView, ...forbiddableResponses },
};

// ---- closed days

export const ClosedDaysView = Type.Object({
  id: Id,
  branch: Nullable(Type.String({ description: 'The branch’s code; null: the whole library.' })),
  startsOn: CalendarDate,
  endsOn: CalendarDate,
  reason: Type.String(),
  createdAt: Instant,
});

/** GET /api/v1/libraries/:libraryId/closed-days */
export const ListClosedDaysRoute = {
  tags: TAG,
  summary: 'The library’s closed days and holidays, per branch and library-wide',
  params: LibraryParams,
  querystring: Type.Object({ from: Type.Optional(Type.String({ maxLength: 10, description: 'Only ranges ending on or after this date (YYYY-MM-DD).' })) }, { additionalProperties: false }),
  response: { 200: Type.Array(ClosedDaysView), ...forbiddableResponses },
};

/** POST /api/v1/libraries/:libraryId/closed-days */
export const CloseDaysRoute = {
  tags: TAG,
  summary: 'Close a branch, or the whole library, for a range of days (administrators)',
  description: 'Due dates given from now on move to the next day the item’s branch is open; loans already out keep theirs. A range overlapping one recorded for the same branch answers CLOSED_DAYS_OVERLAP.',
  params: LibraryParams,
  body: Type.Object(
    {
      branch: Nullable(Type.String({ minLength: 1, maxLength: 32, description: 'The branch’s code; null or `all`: every branch.' })),
      startsOn: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
      endsOn: Type.String({ maxLength: 10, description: 'YYYY-MM-DD, inclusive' }),
      reason: Name,
    },
    { additionalProperties: false },
  ),
  response: { 201: ClosedDaysView, ...forbiddableResponses },
};

/** DELETE /api/v1/libraries/:libraryId/closed-days/:id */
export const OpenDaysRoute = {
  tags: TAG,
  summary: 'Open again the days of a closed-day range (administrators)',
  params: Type.Object({ libraryId: LibraryId, id: Id }),
  response: { 200: Type.Object({ removed: Id }), ...forbiddableResponses },
};

// ---- patron categories

export const CategoryView = Type.Object({
  code: Type.String(),
  name: Type.String(),
  minAge: Nullable(Type.Integer()),
  maxAge: Nullable(Type.Integer()),
  cardValidityMonths: Nullable(Type.Integer({ description: 'Null: the library’s.' })),
  maxLoans: Nullable(Type.Integer({ description: 'Null: no limit.' })),
});

const CategoryFields = {
  name: Name,
  minAge: Type.Optional(Nullable(Type.Integer())),
  maxAge: Type.Optional(Nullable(Type.Integer())),
  cardValidityMonths: Type.Optional(Nullable(Type.Integer({ description: 'At least 1; null: the library’s.' }))),
  maxLoans: Type.Optional(Nullable(Type.Integer())),
};

/** GET /api/v1/libraries/:libraryId/categories */
export const ListCategoriesRoute = { tags: TAG, summary: 'The library’s patron categories', params: LibraryParams, response: { 200: Type.Array(CategoryView), ...forbiddableResponses } };

/** POST /api/v1/libraries/:libraryId/categories */
export const AddCategoryRoute = {
  tags: TAG,
  summary: 'Add a patron category (administrators)',
  params: LibraryParams,
  body: Type.Object({ code: ConfigCode, ...CategoryFields }, { additionalProperties: false }),
  response: { 201: CategoryView, ...forbiddableResponses },
};

/** PATCH /api/v1/libraries/:libraryId/categories/:code */
export const EditCategoryRoute = {
  tags: TAG,
  summary: 'Change a patron category (administrators); its code stays',
  params: CodeParams,
  body: Type.Object({ ...CategoryFields, name: Type.Optional(Name) }, { additionalProperties: false }),
  response: { 200: CategoryView, ...forbiddableResponses },
};

// ---- item types

export const ItemTypeView = Type.Object({ code: Type.String(), name: Type.String() });

/** GET /api/v1/libraries/:libraryId/item-types */
export const ListItemTypesRoute = { tags: TAG, summary: 'The library’s item types', params: LibraryParams, response: { 200: Type.Array(ItemTypeView), ...forbiddableResponses } };

/** POST /api/v1/libraries/:libraryId/item-types */
export const AddItemTypeRoute = {
  tags: TAG,
  summary: 'Declare an item type (administrators)',
  params: LibraryParams,
  body: Type.Object({ code: ConfigCode, name: Name }, { additionalProperties: false }),
  response: { 201: ItemTypeView, ...forbiddableResponses },
};

/** PATCH /api/v1/libraries/:libraryId/item-types/:code */
export const EditItemTypeRoute = {
  tags: TAG,
  summary: 'Rename an item type (administrators)',
  params: CodeParams,
  body: Type.Object({ name: Name }, { additionalProperties: false }),
  response: { 200: ItemTypeView, ...forbiddableResponses },
};

// ---- the circulation matrix

export const LoanRuleView = Type.Object({
  libraryId: Type.String(),
  branch: Type.String({ description: 'A branch code, or `*`.' }),
  patronCategory: Type.String({ description: 'A category code, or `*`.' }),
  itemType: Type.String({ description: 'An item type code, or `*`.' }),
  loanDays: Type.Integer({ description: '0: not for loan.' }),
  renewals: Type.Integer(),
  finePerDayCents: Cents,
  maxFineCents: Cents,
  holdable: Type.Boolean(),
  holdPickupDays: Nullable(Type.Integer({ description: 'Null: the library’s.' })),
});

/** GET /api/v1/libraries/:libraryId/loan-rules */
export const ListLoanRulesRoute = { tags: TAG, summary: 'The circulation matrix: every rule', params: LibraryParams, response: { 200: Type.Array(LoanRuleView), ...forbiddableResponses } };

/** PUT /api/v1/libraries/:libraryId/loan-rules */
export const SetLoanRuleRoute = {
  tags: TAG,
  summary: 'Set (add or replace) the rule of one cell of the matrix: branch × patron category × item type (administrators)',
  description: 'Each of branch, patronCategory and itemType is `*` or a code the library has (BRANCH_NOT_FOUND, CATEGORY_NOT_FOUND, ITEM_TYPE_NOT_FOUND). Loans already out keep their due dates.',
  params: LibraryParams,
  body: Type.Object(
    {
      branch: Type.Optional(CellCode),
      patronCategory: CellCode,
      itemType: CellCode,
      loanDays: Days,
      renewals: Type.Integer(),
      finePerDayCents: Cents,
      maxFineCents: Cents,
      holdable: Type.Optional(Type.Boolean()),
      holdPickupDays: Type.Optional(Nullable(Days)),
    },
    { additionalProperties: false },
  ),
  response: { 200: LoanRuleView, ...forbiddableResponses },
};

const CellQuery = Type.Object(
  { branch: Type.Optional(CellCode), category: CellCode, type: CellCode },
  { additionalProperties: false },
);

/** DELETE /api/v1/libraries/:libraryId/loan-rules?branch&category&type */
export const RemoveLoanRuleRoute = {
  tags: TAG,
  summary: 'Remove the rule of one cell of the matrix (administrators); the cell falls back to the next most specific rule',
  params: LibraryParams,
  querystring: CellQuery,
  response: { 200: Type.Object({ removed: Type.Object({ branch: Type.String(), patronCategory: Type.String(), itemType: Type.String() }) }), ...forbiddableResponses },
};

const MatchPart = Type.Union([Type.Literal('exact'), Type.Literal('any')]);

export const LoanRuleExplanationView = Type.Object({
  cell: Type.Object({ branch: Type.String(), patronCategory: Type.String(), itemType: Type.String() }),
  applied: Nullable(LoanRuleView),
  matches: Type.Array(Type.Object({ rule: LoanRuleView, specificity: Type.Integer(), branch: MatchPart, patronCategory: MatchPart, itemType: MatchPart })),
  reason: Type.String(),
});

/** GET /api/v1/libraries/:libraryId/loan-rules/explain?branch&category&type */
export const ExplainLoanRuleRoute = {
  tags: TAG,
  summary: 'Which rule a loan gets at a branch, for a patron category and an item type, and why',
  params: LibraryParams,
  querystring: Type.Object({ branch: ConfigCode, category: ConfigCode, type: ConfigCode }, { additionalProperties: false }),
  response: { 200: LoanRuleExplanationView, ...forbiddableResponses },
};

/** The answers' static types, for the web app. */
export type LibrarySettings = Static<typeof SettingsView>;
export type BranchRow = Static<typeof BranchView>;
export type ClosedDaysRow = Static<typeof ClosedDaysView>;
export type CategoryRow = Static<typeof CategoryView>;
export type ItemTypeRow = Static<typeof ItemTypeView>;
export type LoanRuleRow = Static<typeof LoanRuleView>;
export type LoanRuleExplanation = Static<typeof LoanRuleExplanationView>;
