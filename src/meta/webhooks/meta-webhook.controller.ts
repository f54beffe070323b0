import {
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  HttpStatus,
  Post,
  Query,
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
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Public } from '@core/auth/auth.decorators';
import { InboxService } from '@core/inbox/inbox.service';
import { MetaWebhookAuthenticator } from './meta-webhook.authenticator';
import {
  InvalidWebhookSignatureError,
  WebhookVerificationRefusedError,
} from './meta-webhook.errors';

export const META_INBOX_SOURCE = 'meta';

class WebhookReceivedDto {
  @ApiProperty({ example: true })
  received!: true;
}

/**
 * Meta's webhook endpoint (WhatsApp Cloud API). Authenticated by Meta's signature, not by our
 * credentials, and never throttled: refusing a delivery only makes Meta retry harder.
 */
@ApiTags('webhooks')
@Public()
@SkipThrottle()
@Controller({ path: 'webhooks/meta', version: VERSION_NEUTRAL })
export class MetaWebhookController {
  constructor(
    private readonly authenticator: MetaWebhookAuthenticator,
    private readonly inbox: InboxService,
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
    description: 'META_VERIFY_TOKEN, or the verifyToken a Cloud API number was connected with',
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
      'Checks X-Hub-Signature-256 over the raw body, stores the delivery durably (duplicates ' +
      'are acknowledged once stored) and answers 200; processing happens in the background.',
  })
  @ApiHeader({ name: 'X-Hub-Signature-256', required: true, example: 'sha256=5f2b…' })
  @ApiBody({
    description: 'Meta webhook payload (object: whatsapp_business_account)',
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
    await this.inbox.accept({ source: META_INBOX_SOURCE, rawBody, payload });
    return { received: true };
  }
}
