import {
  Controller,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Req,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Public } from '@core/auth/auth.decorators';
import { InboxService } from '@core/inbox/inbox.service';
import { BitrixWebhookAuthenticator } from './bitrix-webhook.authenticator';
import { inboxIdOf } from './bitrix-event';

export const BITRIX_INBOX_SOURCE = 'bitrix24';

/**
 * Where a portal's events arrive (the application's handler URL, one per portal): ONAPPINSTALL,
 * OnImConnectorMessageAdd, OnImConnectorLineDelete, OnImConnectorStatusDelete. Bitrix24 posts
 * them form-encoded; each is proven by `auth[application_token]` and stored in the inbox, with
 * its tokens sealed (install) or removed (every other event), before the 200.
 */
@ApiTags('webhooks')
@Public()
@SkipThrottle()
@Controller({ path: 'webhooks/bitrix24', version: VERSION_NEUTRAL })
export class BitrixWebhookController {
  constructor(
    private readonly authenticator: BitrixWebhookAuthenticator,
    private readonly inbox: InboxService,
  ) {}

  @Post(':portalId')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Receive Bitrix24 events',
    description:
      "`auth[application_token]` must be the portal's (timing-safe); before the first install " +
      'only ONAPPINSTALL from the portal URL is taken. Anything else is 401 and nothing is stored.',
  })
  @ApiParam({ name: 'portalId', description: 'Our portal id (its handlerUrl)' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'string',
      example:
        'event=ONIMCONNECTORMESSAGEADD&data[CONNECTOR]=omnihub&data[LINE]=3&' +
        'data[MESSAGES][0][im][chat_id]=45&data[MESSAGES][0][im][message_id]=901&' +
        'data[MESSAGES][0][message][text]=Hello&data[MESSAGES][0][chat][id]=<conversation id>&' +
        'auth[application_token]=...&auth[domain]=acme.bitrix24.com',
    },
  })
  @ApiOkResponse({ schema: { example: { received: true } } })
  @ApiProblems(400, 401, 413, 415, 503)
  async receive(
    @Param('portalId') portalId: string,
    @Req() request: FastifyRequest,
  ): Promise<{ received: true }> {
    const rawBody = request.rawBody ?? JSON.stringify(request.body);
    const { portal, event, payload } = await this.authenticator.authenticate(
      portalId,
      request.body,
    );
    await this.inbox.accept({
      source: BITRIX_INBOX_SOURCE,
      rawBody,
      payload,
      tenantId: portal.tenantId,
      accountRef: portal.id,
      externalId: inboxIdOf(portal.id, event, rawBody),
    });
    return { received: true };
  }
}
