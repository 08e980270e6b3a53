/** Recognises the engines' own errors, so use cases can turn them into domain errors. */

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/** A unique or primary-key constraint refused the write (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** The engine could not take the lock or serialise the transaction in time; retrying may succeed. */
export function isBusy(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === '40001' || code === '40P01' || code === '55P03';
}

// Errors the pg driver raises without a SQLSTATE when the connection itself is lost (its own wording).
const LOST_CONNECTION = /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|Connection terminated due to connection timeout)/;
// Node's socket errors when the server cannot be reached or the connection drops.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);

/**
 * PostgreSQL cannot be reached, or the connection was lost mid-request, or the server answering may not
 * take writes: the server is down, restarting, shutting down (57P01 admin_shutdown, 57P02 crash_shutdown,
 * 57P03 cannot_connect_now), refusing connections (class 08, 53300 too_many_connections), or it is a
 * standby that has not yet been promoted (25006 read_only_sql_transaction, met right after a failover).
 * Retrying later may succeed; the transaction that met it did not commit anything unless the connection
 * was lost while COMMIT itself was on the wire (then its outcome is unknown to the client, never partial).
 */
export function isUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined) {
    if (SOCKET_CODES.has(code)) return true;
    if (code === '57P01' || code === '57P02' || code === '57P03' || code === '53300' || code === '25006') return true;
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (error instanceof Error) {
    if (LOST_CONNECTION.test(error.message)) return true;
    // An AggregateError (several addresses refused) or an error wrapping its cause.
    if (error instanceof AggregateError && error.errors.some(isUnavailable)) return true;
    if (error.cause !== undefined && error.cause !== error && isUnavailable(error.cause)) return true;
  }
  return false;
}
