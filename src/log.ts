import pino, { type Logger } from 'pino';

/**
 * Paths pino blanks before a line is written (invariant 4: no personal data, card number, PIN or
 * token in logs). Carrel does not log request bodies at all; these catch anything that slips in.
 */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  '*.password',
  '*.pin',
  '*.cardNumber',
  '*.token',
  '*.name',
  '*.email',
  '*.phone',
  '*.address',
  '*.birthDate',
  'err.detail',
  'err.parameters',
];

/**
 * A path that carries a secret in it: the one-click unsubscribe address (`/api/v1/unsubscribe/<token>`,
 * RFC 8058), whose token a mail provider posts back. Blanked wherever a path could reach a log line.
 */
const TOKEN_IN_PATH = /(\/unsubscribe\/)(?!:)[^\s/?#"'<>]+/g;

/** Blanks the secret of any token-bearing path in a text (`/unsubscribe/<token>` → `/unsubscribe/[redacted]`). */
export function redactPaths(text: string): string {
  return text.replace(TOKEN_IN_PATH, '$1[redacted]');
}

/**
 * Errors are logged by type, code, message and stack only: database drivers attach the failing row's
 * values (PostgreSQL's `detail`, query parameters), which may be personal data.
 */
export function errorSerializer(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: 'non-error thrown' };
  const code = (err as { code?: unknown }).code;
  // PostgreSQL data and constraint errors (SQLSTATE classes 22, 23) can quote the offending value.
  const quotesValues = typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
  const message = quotesValues ? '(message withheld: it may quote a value)' : redactPaths(err.message);
  return { type: err.name, code: typeof code === 'string' ? code : undefined, message, stack: quotesValues || err.stack === undefined ? undefined : redactPaths(err.stack) };
}

/**
 * A request is logged by method and route *pattern* (`/api/v1/patrons/:patronId`), never by its URL: a
 * misbehaving client could put a card number or a name in a path or query string.
 */
export function requestSerializer(request: { method?: string; routeOptions?: { url?: string } }): Record<string, unknown> {
  // The pattern (`/api/v1/unsubscribe/:token`) holds no token; blanked anyway should a route ever be literal.
  return { method: request.method, route: redactPaths(request.routeOptions?.url ?? '(no route)') };
}

/**
 * Carrel's logger: JSON lines with redaction. CARREL_LOG_FILE, when set, names a file that receives a copy
 * of every line (appended), whatever the main destination.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, copyTo: string | undefined = process.env.CARREL_LOG_FILE): Logger {
  const main = destination ?? pino.destination(1);
  const stream = copyTo ? pino.multistream([{ level: 'trace', stream: main }, { level: 'trace', stream: pino.destination({ dest: copyTo, append: true, sync: true, mkdir: true }) }]) : main;
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: errorSerializer, error: errorSerializer, req: requestSerializer },
      base: { service: 'carrel' },
    },
    stream,
  );
}
