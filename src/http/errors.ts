import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode, type Problem } from '../domain/errors.js';
import { asDomainFailure } from '../usecases/context.js';

/**
 * The one place domain error codes become HTTP status codes. TypeScript insists every code is here.
 * 404 is for a record addressed by the request (and for records outside the caller's reach); 422 for
 * a rule of the library that refuses the request; 409 for a conflict with the record's current state.
 */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  RECORD_NOT_FOUND: 404,
  QUERY_EMPTY: 400,
  MARC_RECORD_INVALID: 422,
  IMPORT_MAPPING_INVALID: 422,
  ITEM_ON_LOAN: 409,
  NOT_LENT_BETWEEN_LIBRARIES: 422,
  PIN_RESET_TOKEN_INVALID: 400,
  PIN_REQUIRED: 403,
  VALIDATION_FAILED: 400,
  INVALID_AMOUNT: 400,
  INVALID_DATE: 400,
  INVALID_TIME_ZONE: 400,
  IMPORT_FAILED: 400,
  IMPORT_ROW_INVALID: 422,
  IMPORT_MAPPING_NEEDED: 422,
  IMPORT_MAPPING_INCOMPLETE: 422,
  IMPORT_ALREADY_DONE: 409,
  BIRTH_DATE_IN_FUTURE: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  PERMISSION_DENIED: 403,
  PURPOSE_REQUIRED: 400,
  PURPOSE_NOT_ALLOWED: 403,
  CSRF_TOKEN_INVALID: 403,
  TOO_MANY_ATTEMPTS: 429,
  IDENTITY_NOT_VERIFIED: 422,
  IDENTITY_AMBIGUOUS: 409,
  IDENTIFY_LIMIT_REACHED: 429,
  LANGUAGE_NOT_AVAILABLE: 400,
  DEFAULT_LANGUAGE_NOT_OFFERED: 400,
  PAYMENT_METHOD_NOT_ACCEPTED: 422,
  LIBRARY_NOT_FOUND: 404,
  PATRON_NOT_FOUND: 404,
  ITEM_NOT_FOUND: 404,
  HOLD_NOT_FOUND: 404,
  LOAN_NOT_FOUND: 404,
  FINE_NOT_FOUND: 404,
  PROFILE_NOT_FOUND: 422,
  BRANCH_NOT_FOUND: 422,
  CATEGORY_NOT_FOUND: 422,
  GUARDIAN_NOT_FOUND: 422,
  BARCODE_AMBIGUOUS: 409,
  LIBRARY_EXISTS: 409,
  BARCODE_EXISTS: 409,
  USERNAME_EXISTS: 409,
  ITEM_ALREADY_ON_LOAN: 409,
  ITEM_NOT_ON_LOAN: 409,
  HOLD_ALREADY_PLACED: 409,
  HOLD_NOT_ACTIVE: 409,
  FINE_NOT_OPEN: 409,
  GUARDIAN_REQUIRED: 422,
  GUARDIAN_NOT_ADULT: 422,
  GUARDIAN_NOT_NEEDED: 422,
  GUARDIAN_ALREADY_LINKED: 409,
  PATRON_BLOCKED: 422,
  PATRON_EXPIRED: 422,
  CARD_REPORTED_LOST: 422,
  PATRON_OWES_FINES: 422,
  LOAN_LIMIT_REACHED: 422,
  ITEM_NOT_LOANABLE: 422,
  ITEM_ON_HOLD_FOR_ANOTHER_PATRON: 422,
  RENEWAL_LIMIT_REACHED: 422,
  ITEM_HAS_HOLDS: 422,
  HOLD_ON_OWN_LOAN: 422,
  PAYMENT_EXCEEDS_BALANCE: 422,
  NOTHING_OWED: 422,
  SERVICE_RECORD_NOT_FOUND: 404,
  SERVICE_RECORD_CLOSED: 409,
  CARD_OR_GUEST_PASS_REQUIRED: 400,
  DETAILS_NEED_PATRON: 400,
  ENDS_BEFORE_STARTS: 400,
  EVENT_OVER: 422,
  ALREADY_SIGNED_UP: 409,
  ROOM_ALREADY_BOOKED: 409,
  PATRON_HAS_ITEMS_OUT: 422,
  STATUS_CHANGE_NOT_ALLOWED: 409,
  DELETION_NOT_POSSIBLE_NOW: 409,
  SEARCH_TOO_BROAD: 400,
  NOTICE_CHANNEL_UNREACHABLE: 422,
  NOT_INITIALIZED: 503,
  STORAGE_BUSY: 503,
  DATABASE_UNAVAILABLE: 503,
  RETENTION_RUN_IN_PROGRESS: 409,
  READING_HISTORY_NOT_OFFERED: 422,
  STATISTICS_INCOMPLETE: 409,
  STATISTICS_TABLE_TOO_LARGE: 422,
  BACKUP_UNREADABLE: 422,
  BACKUP_INCOMPATIBLE: 422,
  RESTORE_TARGET_NOT_EMPTY: 409,
  RESTORE_KEY_STORE_MISMATCH: 409,
  RECORD_SERIES_NOT_FOUND: 404,
  RECORD_SERIES_EXISTS: 409,
  DISPOSAL_IN_FUTURE: 400,
  DISPOSAL_BEFORE_LAST_CONFIRMATION: 409,
  ACCESS_LOG_BROKEN: 409,
  // Lawful disclosure
  LEGAL_REQUEST_NOT_FOUND: 404,
  INSTRUMENT_NOT_ACCEPTED: 422,
  REFERRAL_REQUIRED: 422,
  COUNSEL_REVIEW_MISSING: 422,
  NOT_IN_PROPER_FORM: 422,
  NOTHING_RELEASABLE: 422,
  REQUEST_ALREADY_DECIDED: 409,
  REQUEST_NOT_APPROVED: 409,
  REQUEST_ALREADY_RELEASED: 409,
  // Legal holds and complaints
  LEGAL_HOLD_NOT_FOUND: 404,
  LEGAL_HOLD_RELEASED: 409,
  LEGAL_HOLD_REQUEST_NOT_FOUND: 422,
  RECORD_UNDER_LEGAL_HOLD: 422,
  COMPLAINT_NOT_FOUND: 404,
  COMPLAINT_ANSWERED: 409,
  // Staff accounts and their passwords (issue 15: staff)
  STAFF_NOT_FOUND: 404,
  CANNOT_LOCK_OUT_SELF: 409,
  STAFF_LIBRARY_REQUIRED: 422,
  STAFF_LIBRARIES_NOT_SHARED: 422,
  PASSWORD_TOO_SHORT: 422,
  PASSWORD_TOO_LONG: 422,
  PASSWORD_TOO_COMMON: 422,
  PASSWORD_IS_USERNAME: 422,
  PASSWORD_UNCHANGED: 422,
  PASSWORD_WRONG: 422,
  PASSWORD_CHANGE_REQUIRED: 403,
  // The library's configuration (issue 15)
  BRANCH_EXISTS: 409,
  CATEGORY_EXISTS: 409,
  ITEM_TYPE_EXISTS: 409,
  ITEM_TYPE_NOT_FOUND: 422,
  INVALID_OPENING_HOURS: 400,
  CLOSED_DAYS_OVERLAP: 409,
  CLOSED_DAY_NOT_FOUND: 404,
  LOAN_RULE_NOT_FOUND: 404,
  // Staff lists (issue 15)
  ITEM_NOT_ON_LIST: 409,
  // Scheduled jobs (issue 15, jobs)
  JOB_NOT_FOUND: 404,
  JOB_STOPPED: 503,
  JOB_FAILED: 503,
  // SIP2 accounts (issue 16)
  SIP2_ACCOUNT_NOT_FOUND: 404,
  SIP2_ACCOUNT_EXISTS: 409,
  VENDOR_NOT_FOUND: 404,
  VENDOR_EXISTS: 409,
  SIP2_SETTING_NOT_ALLOWED: 422,
  // Notices (issue 17)
  NOTICE_NOT_FOUND: 404,
  NOTICE_NOT_RETRYABLE: 409,
  TEMPLATE_FIELD_NOT_ALLOWED: 422,
  UNSUBSCRIBE_TOKEN_INVALID: 400,
  BREACH_NOT_FOUND: 404,
  NOTICE_CHANNEL_NOT_CONFIGURED: 503,
  // The desk: cards that renew, blocks that reflect the account, renewals (issue 15)
  CARD_NUMBER_INVALID: 400,
  CARD_NUMBER_TAKEN: 409,
  CATEGORY_AGE_MISMATCH: 422,
  PATRON_HAS_OVERDUE_ITEMS: 422,
  BLOCK_NOT_OVERRIDABLE: 422,
  RENEWAL_NOT_DUE: 422,
};

/**
 * Seconds a client is asked to wait (`Retry-After`) before trying again after a 503 that passing time
 * cures: a lock another process held, a database being restarted or failed over.
 */
export const RETRY_AFTER_SECONDS: Partial<Record<ErrorCode, number>> = { STORAGE_BUSY: 1, DATABASE_UNAVAILABLE: 2 };

/** Codes only the HTTP transport produces (documented with the others in docs/ERRORS.md). */
export const HttpErrorCode = {
  INVALID_JSON: 'INVALID_JSON',
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  BAD_REQUEST: 'BAD_REQUEST',
  URL_INVALID: 'URL_INVALID',
  HEADERS_TOO_LARGE: 'HEADERS_TOO_LARGE',
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
} as const;

interface ErrorBody {
  error: { code: string; message: string; problems: { code: string; message: string; field?: string }[] };
}

export function errorBody(code: string, message: string, problems: readonly Problem[] = []): ErrorBody {
  return { error: { code, message, problems: problems.map((p) => ({ code: p.code, message: p.message, ...(p.field ? { field: p.field } : {}) })) } };
}

// Fastify's own 4xx errors, by code, with a fixed message: parser messages can quote the body.
const FASTIFY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: HttpErrorCode.INVALID_JSON, message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: HttpErrorCode.INVALID_JSON, message: 'The request body is empty but its type says JSON.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: HttpErrorCode.BODY_TOO_LARGE, message: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: HttpErrorCode.UNSUPPORTED_MEDIA_TYPE, message: 'Send the body as application/json.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: HttpErrorCode.BAD_REQUEST, message: 'The Content-Length does not match the body.' },
  FST_ERR_BAD_URL: { status: 400, code: HttpErrorCode.URL_INVALID, message: 'The address is not valid percent-encoding.' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 400, code: HttpErrorCode.URL_INVALID, message: 'A part of the address is too long.' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: HttpErrorCode.BAD_REQUEST, message: 'The request could not be understood.' },
};

/**
 * Turns anything thrown while handling a request into a JSON error with a stable code. Unexpected
 * errors are logged (without personal data, see log.ts) and answered without detail: never a stack.
 */
export function handleError(thrown: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  // A lost database connection met outside a use case's transaction is answered as inside one.
  const error = asDomainFailure(thrown) as FastifyError | Error;
  // An outage the operator should hear of (the client is told to come back): the engine's code only, no
  // message (a driver's wording may quote a statement's values).
  if (error !== thrown && error instanceof DomainError && error.code === ErrorCode.DATABASE_UNAVAILABLE)
    request.log.warn({ code: ErrorCode.DATABASE_UNAVAILABLE, cause: (thrown as { code?: unknown }).code ?? thrown.name }, 'database out of reach');
  if (error instanceof DomainError) {
    const retryAfter = RETRY_AFTER_SECONDS[error.code];
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    void reply.status(HTTP_STATUS[error.code]).send(errorBody(error.code, error.message, error.problems));
    return;
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const problems: Problem[] = fastifyError.validation.map((v) => ({
      code: ErrorCode.VALIDATION_FAILED,
      message: v.message ?? 'is not valid',
      field: `${fastifyError.validationContext ?? 'body'}${v.instancePath || (v.params && 'missingProperty' in v.params ? `/${String(v.params.missingProperty)}` : '')}`,
    }));
    void reply.status(400).send(errorBody(ErrorCode.VALIDATION_FAILED, 'The request does not match the API schema.', problems));
    return;
  }
  const known = fastifyError.code ? FASTIFY_ERRORS[fastifyError.code] : undefined;
  if (known) {
    void reply.status(known.status).send(errorBody(known.code, known.message));
    return;
  }
  if (error instanceof SyntaxError || (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500)) {
    const status = fastifyError.statusCode && fastifyError.statusCode < 500 ? fastifyError.statusCode : 400;
    void reply.status(status).send(errorBody(HttpErrorCode.BAD_REQUEST, 'The request could not be understood.'));
    return;
  }
  request.log.error({ err: error }, 'unhandled error');
  void reply.status(500).send(errorBody(HttpErrorCode.INTERNAL_ERROR, 'Something went wrong on our side; the request changed nothing.'));
}

/**
 * Fastify's `frameworkErrors`: what the router refuses before any route is chosen (an address that is
 * not valid percent-encoding, a path segment longer than any id) answers in Carrel's shape too.
 */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  handleError(error, request, reply);
}

/**
 * The server's `clientErrorHandler`: a request Node cannot parse as HTTP (malformed request line or
 * headers, headers too large, too slow) is answered in Carrel's shape before the connection closes.
 */
export function handleClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, code, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', HttpErrorCode.REQUEST_TIMEOUT, 'The request took too long to arrive.']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', HttpErrorCode.HEADERS_TOO_LARGE, 'The request headers are too large.']
        : [400, 'Bad Request', HttpErrorCode.BAD_REQUEST, 'The request is not valid HTTP.'];
  const body = JSON.stringify(errorBody(code, message));
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  socket.destroy();
}

export function handleNotFound(_request: FastifyRequest, reply: FastifyReply): void {
  void reply.status(404).send(errorBody(HttpErrorCode.ROUTE_NOT_FOUND, 'There is no such route.'));
}
