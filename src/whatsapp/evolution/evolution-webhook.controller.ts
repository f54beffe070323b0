import {
  Controller,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Req,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Public } from '@core/auth/auth.decorators';
import { InboxService } from '@core/inbox/inbox.service';
import { asObject } from '@app/messaging/inbound/webhook-payload.reader';
import { evolutionInboxIdOf } from './evolution-inbox-id';
import { EvolutionWebhookAuthenticator } from './evolution-webhook.authenticator';
import { EVOLUTION_WEBHOOK_SECRET_HEADER } from './evolution-webhook-keys';

export const EVOLUTION_INBOX_SOURCE = 'evolution';

class EvolutionWebhookReceivedDto {
  @ApiProperty({ example: true })
  received!: true;
}

/**
 * Evolution API's webhook endpoint, one URL per channel account (set on the instance when it
 * is created). Authenticated by the account's webhook secret (a header registered with the
 * webhook) or the instance key; never throttled: Evolution drops a refused delivery (4xx) or
 * retries harder (5xx).
 */
@ApiTags('webhooks')
@Public()
@SkipThrottle()
@Controller({ path: 'webhooks/evolution', version: VERSION_NEUTRAL })
export class EvolutionWebhookController {
  constructor(
    private readonly authenticator: EvolutionWebhookAuthenticator,
    private readonly inbox: InboxService,
  ) {}

  @Post(':accountId')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Receive Evolution API events',
    description:
      'MESSAGES_UPSERT, MESSAGES_UPDATE, SEND_MESSAGE, CONNECTION_UPDATE and QRCODE_UPDATED ' +
      '(upper-case or dotted names). The `X-Omnihub-Webhook-Secret` header (registered with ' +
      "the webhook) must be the account's webhook secret, or the body `apikey` (or an `apikey` " +
      'header) the instance key; anything else, an unknown account included, is 401. The ' +
      'delivery is stored durably (duplicates acknowledged once stored) and processed in the ' +
      'background.',
  })
  @ApiParam({
    name: 'accountId',
    description: 'Our channel account id (hub whatsapp, provider evolution)',
  })
  @ApiHeader({
    name: EVOLUTION_WEBHOOK_SECRET_HEADER,
    required: false,
    description: "The account's webhook secret (Omnihub registers it with the webhook)",
  })
  @ApiHeader({ name: 'apikey', required: false, description: 'Instance key, if not in the body' })
  @ApiBody({
    description: 'Evolution webhook envelope',
    schema: {
      type: 'object',
      example: {
        event: 'messages.upsert',
        instance: 'store-main',
        data: {
          key: { remoteJid: '5511999999999@s.whatsapp.net', fromMe: false, id: '3EB0C4A1F2' },
          pushName: 'Maria',
          message: { conversation: 'Hi' },
          messageType: 'conversation',
          messageTimestamp: 1749416383,
        },
        date_time: '2025-06-08T21:39:43.000Z',
        sender: '5511888888888@s.whatsapp.net',
        server_url: 'https://evolution.example.com',
        apikey: null,
      },
    },
  })
  @ApiOkResponse({ type: EvolutionWebhookReceivedDto })
  @ApiProblems(400, 401, 413, 415, 503)
  async receive(
    @Param('accountId') accountId: string,
    @Req() request: FastifyRequest,
    @Headers(EVOLUTION_WEBHOOK_SECRET_HEADER) secretHeader?: string,
    @Headers('apikey') apikeyHeader?: string,
  ): Promise<EvolutionWebhookReceivedDto> {
    const { body } = request;
    const rawBody = request.rawBody ?? JSON.stringify(body);
    const account = await this.authenticator.authenticate(accountId, body, {
      secretHeader,
      apikeyHeader,
    });
    await this.inbox.accept({
      source: EVOLUTION_INBOX_SOURCE,
      rawBody,
      // The instance key is a credential: it proved the delivery and is not kept in the inbox.
      payload: withoutKey(body),
      tenantId: account.tenantId,
      accountRef: account.id,
      externalId: evolutionInboxIdOf(account.id, body, rawBody),
    });
    return { received: true };
  }
}

function withoutKey(body: unknown): Record<string, unknown> {
  const { apikey: _key, ...rest } = asObject(body) ?? {};
  return rest;
}
