import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DirectRoutes } from '@core/api/direct-routes';
import { MetaWebhookReceiver } from './meta-webhook.receiver';

export const META_WEBHOOK_PATH = '/webhooks/meta';

/** What Meta is answered once a delivery is stored: always the same bytes. */
const RECEIVED = '{"received":true}';

const problem = (description: string) => ({
  description,
  content: {
    'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetailsDoc' } },
  },
});

/**
 * `POST /webhooks/meta`, served by Fastify directly (DirectRoutes): Meta's deliveries are the
 * busiest route, authenticate themselves by signature, and need none of Nest's per-request
 * layers. Intake benchmark before/after: see the commit that introduced this route. The GET
 * handshake stays on MetaWebhookController.
 */
@Injectable()
export class MetaWebhookRoute {
  constructor(directRoutes: DirectRoutes, receiver: MetaWebhookReceiver) {
    directRoutes.add({
      method: 'POST',
      url: META_WEBHOOK_PATH,
      rawJsonBody: true,
      // Not async: answered from the receiver's promise, with no promise of its own for
      // Fastify to wrap; a rejection goes to the error handler like a thrown error.
      handler: (request: FastifyRequest, reply: FastifyReply) => {
        receiver
          .receive({
            signature: headerOf(request, 'x-hub-signature-256'),
            rawBody: request.rawBody,
          })
          .then(
            () => reply.code(200).type('application/json; charset=utf-8').send(RECEIVED),
            (error: unknown) => reply.send(error),
          );
      },
      openapi: {
        tags: ['webhooks'],
        summary: 'Receive messages and statuses',
        description:
          'Checks X-Hub-Signature-256 over the raw body, stores the delivery durably under its ' +
          'object (duplicates are acknowledged once stored) and answers 200 once it is committed; ' +
          'processing happens in the background. A signed delivery of an object no product here ' +
          'handles is acknowledged and counted, not stored.',
        parameters: [
          {
            name: 'X-Hub-Signature-256',
            in: 'header',
            required: true,
            schema: { type: 'string', example: 'sha256=5f2b…' },
          },
        ],
        requestBody: {
          required: true,
          description:
            'Meta webhook payload (object: whatsapp_business_account, instagram or page)',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
        responses: {
          '200': {
            description: 'Stored (or a duplicate of a stored delivery)',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { received: { type: 'boolean', example: true } },
                },
              },
            },
          },
          '400': problem('Body is not JSON'),
          '401': problem('X-Hub-Signature-256 is missing or does not match the body'),
          '413': problem('Body larger than BODY_LIMIT_BYTES'),
          '415': problem('Content-Type is not application/json'),
          '503': problem('PostgreSQL could not store it; retry after `Retry-After` seconds'),
        },
      },
    });
  }
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}
