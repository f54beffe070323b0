import { QueryFailedError } from 'typeorm';

/** SQLSTATE classes that mean "the database, not the statement": connection exception (08),
 * insufficient resources (53), operator intervention incl. statement timeout and shutdown (57). */
const UNAVAILABLE_SQLSTATE_CLASSES = ['08', '53', '57'];
const SQLSTATE = /^[0-9A-Z]{5}$/;
/** Node socket errors: ECONNREFUSED, ECONNRESET, ETIMEDOUT, EHOSTUNREACH, EAI_AGAIN, EPIPE... */
const SOCKET_ERROR = /^E[A-Z_]+$/;
/** node-postgres reports pool and socket failures by message only. */
const DRIVER_CONNECTION_MESSAGE =
  /connection terminated|timeout exceeded when trying to connect|connection timeout|client has encountered a connection error|connection ended/i;

/**
 * True when a query failed because PostgreSQL could not be reached or could not serve it,
 * i.e. trying again later may succeed. A bad statement or bad data (constraint, syntax,
 * invalid input) is not an outage and returns false.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const cause = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  if (typeof cause !== 'object' || cause === null) return false;
  const { code, message } = cause as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && SOCKET_ERROR.test(code)) return true;
  if (typeof code === 'string' && SQLSTATE.test(code)) {
    return UNAVAILABLE_SQLSTATE_CLASSES.includes(code.slice(0, 2));
  }
  return typeof message === 'string' && DRIVER_CONNECTION_MESSAGE.test(message);
}
