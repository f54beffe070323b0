import { Controller, Get, Header, Query, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Public } from '@core/auth/auth.decorators';
import { MetaWebhookAuthenticator } from './meta-webhook.authenticator';
import { WebhookVerificationRefusedError } from './meta-webhook.errors';

/**
 * Meta's webhook endpoint, one for every Meta product (WhatsApp Cloud API, Instagram, Pages):
 * a Meta app has one callback URL for all the objects it subscribes to. This controller holds
 * the GET handshake; deliveries (POST) go to MetaWebhookRoute, served without Nest's
 * per-request layers. Never throttled: refusing Meta only makes it retry harder.
 */
@ApiTags('webhooks')
@Public()
@SkipThrottle()
@Controller({ path: 'webhooks/meta', version: VERSION_NEUTRAL })
export class MetaWebhookController {
  constructor(private readonly authenticator: MetaWebhookAuthenticator) {}

  @Get()
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({
    summary: 'Verification handshake',
    description: 'Meta calls this when the webhook is configured; the challenge is echoed back.',
  })
  @ApiQuery({ name: 'hub.mode', example: 'subscribe' })
  @ApiQuery({
    name: 'hub.verify_token',
    description:
      'META_VERIFY_TOKEN, or the verifyToken an account of a Meta product (a Cloud API number, ' +
      'an Instagram account) was connected with',
  })
  @ApiQuery({ name: 'hub.challenge', example: '1158201444' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The hub.challenge, as plain text', schema: { type: 'string' } })
  @ApiProblems(403)
  async verify(
    @Query('hub.mode') mode?: string,
    @Query('hub.verify_token') token?: string,
    @Query('hub.challenge') challenge?: string,
  ): Promise<string> {
    if (
      mode !== 'subscribe' ||
      !challenge ||
      !(await this.authenticator.isVerifyTokenValid(token))
    ) {
      throw new WebhookVerificationRefusedError();
    }
    return challenge;
  }
}
