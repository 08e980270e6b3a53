/**
 * Every error a Carrel use case can answer, with a stable code. Transports map codes to their own
 * vocabulary in exactly one place each (HTTP: src/http/errors.ts); use cases never know HTTP status.
 * Messages never contain personal data, card numbers, PINs or tokens. docs/ERRORS.md documents each code.
 */
export const ErrorCode = {
  // Input
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  INVALID_AMOUNT: 'INVALID_AMOUNT',
  INVALID_DATE: 'INVALID_DATE',
  IMPORT_FAILED: 'IMPORT_FAILED',
  // Authentication and scope
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  PURPOSE_REQUIRED: 'PURPOSE_REQUIRED',
  PURPOSE_NOT_ALLOWED: 'PURPOSE_NOT_ALLOWED',
  CSRF_TOKEN_INVALID: 'CSRF_TOKEN_INVALID',
  TOO_MANY_ATTEMPTS: 'TOO_MANY_ATTEMPTS',
  IDENTITY_NOT_VERIFIED: 'IDENTITY_NOT_VERIFIED',
  // Look-ups (a record outside the actor's reach is also "not found": CB-A3, RF-1)
  LIBRARY_NOT_FOUND: 'LIBRARY_NOT_FOUND',
  PROFILE_NOT_FOUND: 'PROFILE_NOT_FOUND',
  INVALID_TIME_ZONE: 'INVALID_TIME_ZONE',
  BRANCH_NOT_FOUND: 'BRANCH_NOT_FOUND',
  PATRON_NOT_FOUND: 'PATRON_NOT_FOUND',
  ITEM_NOT_FOUND: 'ITEM_NOT_FOUND',
  HOLD_NOT_FOUND: 'HOLD_NOT_FOUND',
  FINE_NOT_FOUND: 'FINE_NOT_FOUND',
  BARCODE_AMBIGUOUS: 'BARCODE_AMBIGUOUS',
  // Uniqueness
  LIBRARY_EXISTS: 'LIBRARY_EXISTS',
  BARCODE_EXISTS: 'BARCODE_EXISTS',
  USERNAME_EXISTS: 'USERNAME_EXISTS',
  // Registration
  CATEGORY_NOT_FOUND: 'CATEGORY_NOT_FOUND',
  GUARDIAN_REQUIRED: 'GUARDIAN_REQUIRED',
  GUARDIAN_NOT_FOUND: 'GUARDIAN_NOT_FOUND',
  GUARDIAN_NOT_ADULT: 'GUARDIAN_NOT_ADULT',
  BIRTH_DATE_IN_FUTURE: 'BIRTH_DATE_IN_FUTURE',
  // Borrowing blocks (collected: several can apply at once)
  PATRON_BLOCKED: 'PATRON_BLOCKED',
  PATRON_EXPIRED: 'PATRON_EXPIRED',
  CARD_REPORTED_LOST: 'CARD_REPORTED_LOST',
  PATRON_OWES_FINES: 'PATRON_OWES_FINES',
  LOAN_LIMIT_REACHED: 'LOAN_LIMIT_REACHED',
  ITEM_NOT_LOANABLE: 'ITEM_NOT_LOANABLE',
  ITEM_ALREADY_ON_LOAN: 'ITEM_ALREADY_ON_LOAN',
  ITEM_ON_HOLD_FOR_ANOTHER_PATRON: 'ITEM_ON_HOLD_FOR_ANOTHER_PATRON',
  // Check-in and renewal
  ITEM_NOT_ON_LOAN: 'ITEM_NOT_ON_LOAN',
  RENEWAL_LIMIT_REACHED: 'RENEWAL_LIMIT_REACHED',
  ITEM_HAS_HOLDS: 'ITEM_HAS_HOLDS',
  // Holds
  HOLD_ALREADY_PLACED: 'HOLD_ALREADY_PLACED',
  HOLD_ON_OWN_LOAN: 'HOLD_ON_OWN_LOAN',
  HOLD_NOT_ACTIVE: 'HOLD_NOT_ACTIVE',
  // Money
  FINE_NOT_OPEN: 'FINE_NOT_OPEN',
  PAYMENT_EXCEEDS_BALANCE: 'PAYMENT_EXCEEDS_BALANCE',
  NOTHING_OWED: 'NOTHING_OWED',
  // Services outside circulation (JC-IIId-f, CB-A2)
  SERVICE_RECORD_NOT_FOUND: 'SERVICE_RECORD_NOT_FOUND',
  SERVICE_RECORD_CLOSED: 'SERVICE_RECORD_CLOSED',
  CARD_OR_GUEST_PASS_REQUIRED: 'CARD_OR_GUEST_PASS_REQUIRED',
  DETAILS_NEED_PATRON: 'DETAILS_NEED_PATRON',
  ENDS_BEFORE_STARTS: 'ENDS_BEFORE_STARTS',
  EVENT_OVER: 'EVENT_OVER',
  ALREADY_SIGNED_UP: 'ALREADY_SIGNED_UP',
  ROOM_ALREADY_BOOKED: 'ROOM_ALREADY_BOOKED',
  // Deletion (CB-A8)
  PATRON_HAS_ITEMS_OUT: 'PATRON_HAS_ITEMS_OUT',
  STATUS_CHANGE_NOT_ALLOWED: 'STATUS_CHANGE_NOT_ALLOWED',
  DELETION_NOT_POSSIBLE_NOW: 'DELETION_NOT_POSSIBLE_NOW',
  SEARCH_TOO_BROAD: 'SEARCH_TOO_BROAD',
  // Patron self-service
  NOTICE_CHANNEL_UNREACHABLE: 'NOTICE_CHANNEL_UNREACHABLE',
  // Operations
  NOT_INITIALIZED: 'NOT_INITIALIZED',
  STORAGE_BUSY: 'STORAGE_BUSY',
  // Retention (issue: policy profiles and the retention engine)
  RETENTION_RUN_IN_PROGRESS: 'RETENTION_RUN_IN_PROGRESS',
  READING_HISTORY_NOT_OFFERED: 'READING_HISTORY_NOT_OFFERED',
  // Statistics (RR-4, CB-A6, RF-3, IF-4, JC-IVd)
  STATISTICS_INCOMPLETE: 'STATISTICS_INCOMPLETE',
  STATISTICS_TABLE_TOO_LARGE: 'STATISTICS_TABLE_TOO_LARGE',
  // Backup and restore
  BACKUP_UNREADABLE: 'BACKUP_UNREADABLE',
  BACKUP_INCOMPATIBLE: 'BACKUP_INCOMPATIBLE',
  RESTORE_TARGET_NOT_EMPTY: 'RESTORE_TARGET_NOT_EMPTY',
  RESTORE_KEY_STORE_MISMATCH: 'RESTORE_KEY_STORE_MISMATCH',
  // Records kept outside Carrel (CB-H, RF-9)
  RECORD_SERIES_NOT_FOUND: 'RECORD_SERIES_NOT_FOUND',
  RECORD_SERIES_EXISTS: 'RECORD_SERIES_EXISTS',
  DISPOSAL_IN_FUTURE: 'DISPOSAL_IN_FUTURE',
  DISPOSAL_BEFORE_LAST_CONFIRMATION: 'DISPOSAL_BEFORE_LAST_CONFIRMATION',
  // The access log's hash chain (DESIGN.md invariant 3)
  ACCESS_LOG_BROKEN: 'ACCESS_LOG_BROKEN',
  // Lawful disclosure: the legal-request register (RR-7, CB-E1..E3, JC-II, JC-IVd-le, RF-2, IF-8)
  LEGAL_REQUEST_NOT_FOUND: 'LEGAL_REQUEST_NOT_FOUND',
  INSTRUMENT_NOT_ACCEPTED: 'INSTRUMENT_NOT_ACCEPTED',
  REFERRAL_REQUIRED: 'REFERRAL_REQUIRED',
  COUNSEL_REVIEW_MISSING: 'COUNSEL_REVIEW_MISSING',
  NOT_IN_PROPER_FORM: 'NOT_IN_PROPER_FORM',
  NOTHING_RELEASABLE: 'NOTHING_RELEASABLE',
  REQUEST_ALREADY_DECIDED: 'REQUEST_ALREADY_DECIDED',
  REQUEST_NOT_APPROVED: 'REQUEST_NOT_APPROVED',
  REQUEST_ALREADY_RELEASED: 'REQUEST_ALREADY_RELEASED',
  // Legal holds and complaints (JC-VIII)
  LEGAL_HOLD_NOT_FOUND: 'LEGAL_HOLD_NOT_FOUND',
  LEGAL_HOLD_RELEASED: 'LEGAL_HOLD_RELEASED',
  LEGAL_HOLD_REQUEST_NOT_FOUND: 'LEGAL_HOLD_REQUEST_NOT_FOUND',
  RECORD_UNDER_LEGAL_HOLD: 'RECORD_UNDER_LEGAL_HOLD',
  COMPLAINT_NOT_FOUND: 'COMPLAINT_NOT_FOUND',
  COMPLAINT_ANSWERED: 'COMPLAINT_ANSWERED',
  // Staff accounts and their passwords (issue 15: staff; OWASP ASVS 5.0 L2 chapter 6)
  STAFF_NOT_FOUND: 'STAFF_NOT_FOUND',
  CANNOT_LOCK_OUT_SELF: 'CANNOT_LOCK_OUT_SELF',
  PASSWORD_TOO_SHORT: 'PASSWORD_TOO_SHORT',
  PASSWORD_TOO_LONG: 'PASSWORD_TOO_LONG',
  PASSWORD_TOO_COMMON: 'PASSWORD_TOO_COMMON',
  PASSWORD_IS_USERNAME: 'PASSWORD_IS_USERNAME',
  PASSWORD_UNCHANGED: 'PASSWORD_UNCHANGED',
  PASSWORD_WRONG: 'PASSWORD_WRONG',
  PASSWORD_CHANGE_REQUIRED: 'PASSWORD_CHANGE_REQUIRED',
  // The library's configuration: branches, calendar, categories, item types, the circulation matrix (issue 15)
  BRANCH_EXISTS: 'BRANCH_EXISTS',
  CATEGORY_EXISTS: 'CATEGORY_EXISTS',
  ITEM_TYPE_EXISTS: 'ITEM_TYPE_EXISTS',
  ITEM_TYPE_NOT_FOUND: 'ITEM_TYPE_NOT_FOUND',
  INVALID_OPENING_HOURS: 'INVALID_OPENING_HOURS',
  CLOSED_DAYS_OVERLAP: 'CLOSED_DAYS_OVERLAP',
  CLOSED_DAY_NOT_FOUND: 'CLOSED_DAY_NOT_FOUND',
  LOAN_RULE_NOT_FOUND: 'LOAN_RULE_NOT_FOUND',
  // Staff lists (issue 15): overdue, pull, expired holds, in transit
  ITEM_NOT_ON_LIST: 'ITEM_NOT_ON_LIST',
  // Scheduled jobs (issue 15, jobs)
  JOB_NOT_FOUND: 'JOB_NOT_FOUND',
  JOB_STOPPED: 'JOB_STOPPED',
  JOB_FAILED: 'JOB_FAILED',
  // SIP2 accounts: kiosks, sorters and authentication clients (issue 16)
  SIP2_ACCOUNT_NOT_FOUND: 'SIP2_ACCOUNT_NOT_FOUND',
  SIP2_ACCOUNT_EXISTS: 'SIP2_ACCOUNT_EXISTS',
  SIP2_SETTING_NOT_ALLOWED: 'SIP2_SETTING_NOT_ALLOWED',
  // The desk: cards that renew, blocks that reflect the account, renewals (issue 15, CB-F2)
  CARD_NUMBER_INVALID: 'CARD_NUMBER_INVALID',
  CARD_NUMBER_TAKEN: 'CARD_NUMBER_TAKEN',
  CATEGORY_AGE_MISMATCH: 'CATEGORY_AGE_MISMATCH',
  PATRON_HAS_OVERDUE_ITEMS: 'PATRON_HAS_OVERDUE_ITEMS',
  BLOCK_NOT_OVERRIDABLE: 'BLOCK_NOT_OVERRIDABLE',
  RENEWAL_NOT_DUE: 'RENEWAL_NOT_DUE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One reason a request was refused. `field` names the input at fault, never its value. */
export interface Problem {
  code: ErrorCode;
  message: string;
  field?: string;
}

/**
 * A refusal from the domain or a use case. Carries every problem that applies (FOLIO-style
 * collected validation), the first being the headline `code`. Throwing one inside a use case rolls
 * its transaction back, so a refused request changes nothing.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly problems: readonly Problem[];

  constructor(problems: Problem | readonly Problem[]) {
    const list = Array.isArray(problems) ? (problems as readonly Problem[]) : [problems as Problem];
    const first = list[0];
    if (!first) throw new TypeError('DomainError needs at least one problem');
    super(first.message);
    this.name = 'DomainError';
    this.code = first.code;
    this.problems = list;
  }
}

/** Shorthand for a single-problem refusal. */
export function refuse(code: ErrorCode, message: string, field?: string): DomainError {
  return new DomainError(field === undefined ? { code, message } : { code, message, field });
}

/** Throws every collected problem at once, if there is any. */
export function refuseAll(problems: readonly Problem[]): void {
  if (problems.length > 0) throw new DomainError(problems);
}
