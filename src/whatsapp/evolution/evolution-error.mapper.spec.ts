import { classifyErrorResponse } from '@core/http/error-response';
import type { PlatformErrorResponse } from '@core/http/platform-call';
import { mapEvolutionError } from './evolution-error.mapper';

function map(status: number, body: unknown, operation = 'send_message') {
  const response: PlatformErrorResponse = { hub: 'whatsapp', operation, status, headers: {}, body };
  return mapEvolutionError(response, classifyErrorResponse(response, Date.now()));
}

const evolution = (status: number, error: string, message: unknown) => ({
  status,
  error,
  response: { message },
});

describe('mapEvolutionError', () => {
  it('reads 401 as auth and 404 as a permanent not-found instance', () => {
    expect(map(401, evolution(401, 'Unauthorized', 'Unauthorized'))).toMatchObject({
      failure: 'auth',
      retryable: false,
    });
    const notFound = map(404, evolution(404, 'Not Found', ['The "loja" instance does not exist']));
    expect(notFound).toMatchObject({ failure: 'not-found', retryable: false });
    expect(notFound.details.platformCode).toBe('INSTANCE_NOT_FOUND');
  });

  it('reads a validation 400 as rejected and never copies the message text', () => {
    const error = map(
      400,
      evolution(400, 'Bad Request', ['text is not of a type(s) string, Olá Ana 5511987654321']),
    );
    expect(error).toMatchObject({ failure: 'rejected', retryable: false });
    expect(error.message).toBe('whatsapp send_message failed with HTTP 400 (Bad Request)');
  });

  it('reads a failed number check as NUMBER_NOT_ON_WHATSAPP', () => {
    const error = map(
      400,
      evolution(400, 'Bad Request', [
        { jid: '5511900000000@s.whatsapp.net', exists: false, number: '5511900000000' },
      ]),
    );
    expect(error.details.platformCode).toBe('NUMBER_NOT_ON_WHATSAPP');
    expect(error.message).not.toContain('5511900000000');
  });

  it('retries Connection Closed whether it comes as a 400 or a 500', () => {
    expect(map(400, evolution(400, 'Bad Request', ['Error: Connection Closed']))).toMatchObject({
      retryable: true,
    });
    expect(map(500, evolution(500, 'Internal Server Error', 'Connection Closed'))).toMatchObject({
      retryable: true,
    });
  });

  it('reads 403 on create as a taken name, elsewhere as auth', () => {
    const body = evolution(403, 'Forbidden', ['This name "loja" is already in use.']);
    expect(map(403, body, 'create_instance')).toMatchObject({ failure: 'rejected' });
    expect(map(403, body)).toMatchObject({ failure: 'auth' });
  });

  it('retries 5xx and a proxy page that is not Evolution JSON', () => {
    expect(map(503, '<html>Bad Gateway</html>')).toMatchObject({
      failure: 'server',
      retryable: true,
    });
    expect(map(500, evolution(500, 'Internal Server Error', 'boom'))).toMatchObject({
      retryable: true,
    });
  });
});
