import {
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  HttpStatus,
  Post,
  Query,
  Logger,
  Req,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Public } from '@core/auth/auth.decorators';
import { InboundHandlerRegistry } from '@core/inbox/inbound-handler.registry';
import { InboxService } from '@core/inbox/inbox.service';
import { asArray, asObject } from '@app/messaging/inbound/webhook-payload.reader';
import { MetaWebhookAuthenticator } from './meta-webhook.authenticator';
import {
  InvalidWebhookSignatureError,
  WebhookVerificationRefusedError,
} from './meta-webhook.errors';
import { META_WEBHOOK_UNHANDLED_TOTAL } from './meta-webhook.metrics';
import { metaWebhookObjectOf } from './meta-webhook-objects';

class WebhookReceivedDto {
  @ApiProperty({ example: true })
  received!: true;
}

/**
 * Meta's webhook endpoint, one for every Meta product (WhatsApp Cloud API, Instagram, Pages):
 * a Meta app has one callback URL for all the objects it subscribes to. Authenticated by Meta's
 * signature, not by our credentials, and never throttled: refusing a delivery only makes Meta
 * retry harder. Each delivery is stored under its object's inbox source, where that product's
 * inbound handler takes it.
 */
@ApiTags('webhooks')
@Public()
@SkipThrottle()
@Controller({ path: 'webhooks/meta', version: VERSION_NEUTRAL })
export class MetaWebhookController {
  private readonly logger = new Logger(MetaWebhookController.name);

  constructor(
    private readonly authenticator: MetaWebhookAuthenticator,
    private readonly inbox: InboxService,
    private readonly handlers: InboundHandlerRegistry,
    @InjectMetric(META_WEBHOOK_UNHANDLED_TOTAL) private readonly unhandled: Counter<'object'>,
  ) {}

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

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Receive messages and statuses',
    description:
      'Checks X-Hub-Signature-256 over the raw body, stores the delivery durably under its ' +
      'object (duplicates are acknowledged once stored) and answers 200; processing happens in ' +
      'the background. A signed delivery of an object no product here handles is acknowledged ' +
      'and counted, not stored.',
  })
  @ApiHeader({ name: 'X-Hub-Signature-256', required: true, example: 'sha256=5f2b…' })
  @ApiBody({
    description: 'Meta webhook payload (object: whatsapp_business_account, instagram or page)',
    schema: { type: 'object' },
  })
  @ApiOkResponse({ type: WebhookReceivedDto })
  @ApiProblems(400, 401, 413, 415, 503)
  async receive(
    @Req() request: FastifyRequest,
    @Headers('x-hub-signature-256') signature?: string,
  ): Promise<WebhookReceivedDto> {
    const { rawBody, body: payload } = request;
    if (!rawBody || !(await this.authenticator.isSignatureValid(signature, rawBody, payload))) {
      throw new InvalidWebhookSignatureError();
    }
    const source = metaWebhookObjectOf(payload)?.source;
    if (source && this.handlers.handlerFor(source)) {
      await this.inbox.accept({ source, rawBody, payload });
    } else {
      this.acknowledgeUnhandled(payload);
    }
    return { received: true };
  }

  /**
   * Nothing here would ever process it, so it is not stored: an inbox row without a handler
   * only fails, and keeping people's messages no product reads serves no one. Meta is answered
   * 200 all the same, or it would retry and finally disable the subscription.
   */
  private acknowledgeUnhandled(payload: unknown): void {
    const object = objectLabelOf(payload);
    this.unhandled.inc({ object });
    // The object's name and the entry count only: entries hold people's ids and messages.
    this.logger.warn(
      { object, entries: asArray(asObject(payload)?.entry).length },
      'Meta delivery for an object no product here handles; acknowledged, not stored',
    );
  }
}

/** Meta's object names are short snake_case words; anything else is not worth a label. */
function objectLabelOf(payload: unknown): string {
  const object = asObject(payload)?.object;
  return typeof object === 'string' && /^[a-z_]{1,40}$/.test(object) ? object : 'other';
}
