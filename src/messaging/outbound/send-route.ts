import { applyDecorators } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems } from '@core/api/api-problems.decorator';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  type IdempotentRequest,
} from '@core/api/idempotency-key';
import { requestFingerprint } from './idempotency/request-fingerprint';
import type { AcceptedMessage } from './outbound.dispatcher';
import type { SendMessageCommand } from './send-message.command';
import { AcceptedMessageDto, SendMessageDto } from './send-message.dto';

const IDEMPOTENCY_KEY_DOC =
  'Makes retries of this send safe; per tenant. 1 to 255 visible ASCII characters without ' +
  'spaces, quotes or backslashes (a UUID is a good key), optionally in double quotes as the ' +
  'IETF draft writes it. Repeating the same request (same route and body) with the key queues ' +
  'nothing new: the answer is 202 again with the first message (its current status), ' +
  '`duplicate: true` and `Idempotent-Replayed: true`, also when both requests run at once. ' +
  'The same key with a different request answers 422 `REQUEST.IDEMPOTENCY_KEY_REUSED`. Only an ' +
  'accepted send binds the key (a request answered with an error may be retried with it); keys ' +
  'are kept 24 hours by default (IDEMPOTENCY_KEY_RETENTION_HOURS), then may name a new send.';

/** OpenAPI of every route that creates an outbound message: 202, its headers, its problems. */
export function ApiSendRoute(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: false,
      description: IDEMPOTENCY_KEY_DOC,
      example: '8e03978e-40d5-43e8-bc93-6894a57f9324',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    }),
    ApiAcceptedResponse({
      type: AcceptedMessageDto,
      description: 'Queued (or, with a repeated Idempotency-Key, the message queued before)',
      headers: {
        Location: { description: 'URL of the message', schema: { type: 'string' } },
        [IDEMPOTENT_REPLAYED_HEADER]: {
          description: 'true when this answer repeats an earlier request with the same key',
          schema: { type: 'string', enum: ['true'] },
        },
      },
    }),
    ApiProblems(400, 404, 422),
  );
}

/**
 * The command a send route's validated request stands for. An Idempotency-Key is bound to the
 * route and the request as the route shaped it (SHA-256 fingerprint), so the same key on
 * another route or with another body is told apart.
 */
export function sendMessageCommand(
  tenantId: string,
  request: SendMessageDto,
  idempotent: IdempotentRequest | undefined,
): SendMessageCommand {
  return {
    ...request,
    tenantId,
    ...(idempotent && {
      idempotency: {
        key: idempotent.key,
        fingerprint: requestFingerprint(idempotent.route, request),
      },
    }),
  };
}

/** The 202 body and headers of an accepted send. */
export function answerAccepted(
  reply: FastifyReply,
  accepted: AcceptedMessage,
  publicBaseUrl: string,
): AcceptedMessageDto {
  const url = `${publicBaseUrl}/api/v2/messages/${accepted.id}`;
  void reply.header('location', url);
  if (accepted.duplicate) void reply.header(IDEMPOTENT_REPLAYED_HEADER.toLowerCase(), 'true');
  return { ...accepted, url };
}
