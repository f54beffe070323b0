import {
  Controller,
  Headers,
  HttpCode,
  HttpStatus,
  Logger,
  Post,
  Req,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '@config/app-config';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Public } from '@core/auth/auth.decorators';
import { UnauthenticatedError } from '@core/errors/domain-error';
import { InboxService } from '@core/inbox/inbox.service';
import { TIKTOK_INBOX_SOURCE } from './tiktok-inbound.handler';
import { verifyTikTokSignature } from './tiktok-signature';
import { parseTikTokWebhook, tiktokInboxIdOf } from './tiktok-webhook.parser';

/**
 * TikTok's one webhook URL for the whole app (registered for the DIRECT_MESSAGE and COMMENT
 * events with TikTok's `business/webhook/update/`). Authenticated by `Tiktok-Signature` under the app
 * secret, never by our credentials, and never throttled. Stored in the inbox before the 200;
 * a forged or stale delivery is 401 and nothing is stored.
 */
@ApiTags('webhooks')
@Public()
@SkipThrottle()
@Controller({ path: 'webhooks/tiktok', version: VERSION_NEUTRAL })
export class TikTokWebhookController {
  private readonly logger = new Logger(TikTokWebhookController.name);

  constructor(
    private readonly inbox: InboxService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Receive TikTok direct messages, echoes, read receipts and comment notifications',
    description:
      'Checks Tiktok-Signature (HMAC-SHA256 of "{t}.{raw body}" with TIKTOK_APP_SECRET, ' +
      'timestamp within TIKTOK_WEBHOOK_TOLERANCE_SECONDS), stores the delivery durably ' +
      '(redeliveries are acknowledged once stored) and answers 200.',
  })
  @ApiHeader({ name: 'Tiktok-Signature', required: true, example: 't=1633174587,s=1849…' })
  @ApiBody({ description: 'TikTok webhook: { event, user_openid, content (a JSON string) }' })
  @ApiOkResponse({ schema: { example: { received: true } } })
  @ApiProblems(400, 401, 413, 415, 503)
  async receive(
    @Req() request: FastifyRequest,
    @Headers('tiktok-signature') signature?: string,
  ): Promise<{ received: true }> {
    const { rawBody, body: payload } = request;
    const { appSecret = '', webhookToleranceSeconds } = this.config.tiktok;
    const verdict = rawBody
      ? verifyTikTokSignature(signature, rawBody, appSecret, webhookToleranceSeconds, Date.now())
      : 'missing';
    if (verdict !== 'valid') {
      this.logger.warn({ verdict }, 'TikTok webhook refused');
      throw new UnauthenticatedError(
        'Tiktok-Signature is missing, does not match the body, or is too old',
        'WEBHOOK.INVALID_SIGNATURE',
      );
    }
    await this.inbox.accept({
      source: TIKTOK_INBOX_SOURCE,
      externalId: tiktokInboxIdOf(parseTikTokWebhook(payload)),
      rawBody: rawBody!,
      payload,
    });
    return { received: true };
  }
}
