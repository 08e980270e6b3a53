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
 * Errors are logged by type, code, message and stack only: database drivers attach the failing row's
 * values (PostgreSQL's `detail`, query parameters), which may be personal data.
 */
export function errorSerializer(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: 'non-error thrown' };
  const code = (err as { code?: unknown }).code;
  return { type: err.name, code: typeof code === 'string' ? code : undefined, message: err.message, stack: err.stack };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: errorSerializer, error: errorSerializer },
      base: { service: 'carrel' },
    },
    destination,
  );
}
