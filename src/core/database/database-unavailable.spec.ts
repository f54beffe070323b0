import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-unavailable';

const withCode = (code: string, message = 'failed'): Error =>
  Object.assign(new Error(message), { code });
const queryFailed = (driverError: Error): QueryFailedError =>
  new QueryFailedError('SELECT 1', [], driverError);

describe('isDatabaseUnavailable', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN', 'EPIPE'])(
    'treats the socket error %s as an outage',
    (code) => {
      expect(isDatabaseUnavailable(withCode(code))).toBe(true);
    },
  );

  it.each([
    ['57P01', 'admin shutdown'],
    ['57P03', 'cannot connect now'],
    ['57014', 'statement timeout'],
    ['53300', 'too many connections'],
    ['08006', 'connection failure'],
  ])('treats SQLSTATE %s (%s) as an outage', (code) => {
    expect(isDatabaseUnavailable(queryFailed(withCode(code)))).toBe(true);
  });

  it.each([
    ['23505', 'unique violation'],
    ['22P02', 'invalid text representation'],
    ['22P05', 'untranslatable character'],
    ['42P01', 'undefined table'],
  ])('treats SQLSTATE %s (%s) as a statement error, not an outage', (code) => {
    expect(isDatabaseUnavailable(queryFailed(withCode(code)))).toBe(false);
  });

  it.each([
    'Connection terminated unexpectedly',
    'timeout exceeded when trying to connect',
    'Connection terminated due to connection timeout',
  ])('recognises the driver message "%s" as an outage', (message) => {
    expect(isDatabaseUnavailable(queryFailed(new Error(message)))).toBe(true);
    expect(isDatabaseUnavailable(new Error(message))).toBe(true);
  });

  it('does not mistake a programming error for an outage', () => {
    expect(isDatabaseUnavailable(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});
