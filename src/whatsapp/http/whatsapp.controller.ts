import { Body, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '@config/app-config';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { IdempotencyKey, IdempotentRequest } from '@core/api/idempotency-key';
import { TenantId } from '@core/auth/auth.decorators';
import { ChannelAccountConnector } from '@app/messaging/channel-accounts/channel-account.connector';
import { ChannelAccountDto } from '@app/messaging/channel-accounts/channel-account.view';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { OutboundDispatcher } from '@app/messaging/outbound/outbound.dispatcher';
import { AcceptedMessageDto, SendMessageDto } from '@app/messaging/outbound/send-message.dto';
import {
  ApiSendRoute,
  answerAccepted,
  sendMessageCommand,
} from '@app/messaging/outbound/send-route';
import type { MetaTemplate } from '../meta-cloud/meta-template';
import { TemplateCatalog } from '../templates/template-catalog';
import {
  ConnectCloudAccountDto,
  TemplatesQueryDto,
  RetryFailedDto,
  SendMediaDto,
  SendTemplateDto,
  SendTextDto,
} from './whatsapp.dto';
import { InstanceStatus, WhatsappOperationsService } from './whatsapp-operations.service';
import type { MetaCloudCredentials } from '@app/whatsapp/meta-cloud/meta-cloud.credentials';

/**
 * The WhatsApp routes the frontend already uses, kept exactly; each is a thin shape over the
 * channel-agnostic messaging core (POST /api/v2/messages does the same work).
 */
@ApiV2Controller('whatsapp', 'whatsapp')
export class WhatsappController {
  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly connector: ChannelAccountConnector,
    private readonly dispatcher: OutboundDispatcher,
    private readonly operations: WhatsappOperationsService,
    private readonly templateCatalog: TemplateCatalog,
    private readonly config: AppConfig,
  ) {}

  @Post('accounts')
  @ApiOperation({
    summary: 'Connect a WhatsApp Cloud API phone number',
    description:
      'The access token must act for the number and the number must be listed under the WABA ' +
      '(checked with Meta before anything is stored): 422 CHANNEL_ACCOUNT.CREDENTIALS_REJECTED ' +
      'or NOT_OWNED, 403 CHANNEL_ACCOUNT.PERMISSION_MISSING, each naming the field; 503 when ' +
      'Meta cannot be asked; 409 when the number is connected already.',
  })
  @ApiCreatedResponse({ type: ChannelAccountDto })
  @ApiProblems(400, 403, 409, 422, 503)
  connect(
    @TenantId() tenantId: string,
    @Body() body: ConnectCloudAccountDto,
  ): Promise<ChannelAccountDto> {
    const { name, phoneNumberId, verifyToken, ...credentials } = body;
    return this.connector.connect(tenantId, {
      hub: 'whatsapp',
      provider: 'meta-cloud',
      name,
      externalId: phoneNumberId,
      credentials,
      webhookVerifyToken: verifyToken,
    });
  }

  @Post('send/text')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a text message (inside the 24-hour window)' })
  @ApiSendRoute()
  sendText(
    @TenantId() tenantId: string,
    @Body() body: SendTextDto,
    @IdempotencyKey() idempotent: IdempotentRequest | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.accept(tenantId, reply, idempotent, {
      channelAccountId: body.instanceId,
      to: body.to,
      type: 'text',
      text: { body: body.text },
      ...(body.purpose && { purpose: body.purpose }),
    });
  }

  @Post('messages/image')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send an image by URL or media id' })
  @ApiSendRoute()
  sendImage(
    @TenantId() tenantId: string,
    @Body() body: SendMediaDto,
    @IdempotencyKey() idempotent: IdempotentRequest | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.sendMedia(tenantId, 'image', body, idempotent, reply);
  }

  @Post('messages/video')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a video by URL or media id' })
  @ApiSendRoute()
  sendVideo(
    @TenantId() tenantId: string,
    @Body() body: SendMediaDto,
    @IdempotencyKey() idempotent: IdempotentRequest | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.sendMedia(tenantId, 'video', body, idempotent, reply);
  }

  @Post('messages/document')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a document by URL or media id' })
  @ApiSendRoute()
  sendDocument(
    @TenantId() tenantId: string,
    @Body() body: SendMediaDto,
    @IdempotencyKey() idempotent: IdempotentRequest | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.sendMedia(tenantId, 'document', body, idempotent, reply);
  }

  @Post('messages/template')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send an approved template (allowed outside the 24-hour window)' })
  @ApiSendRoute()
  sendTemplate(
    @TenantId() tenantId: string,
    @Body() body: SendTemplateDto,
    @IdempotencyKey() idempotent: IdempotentRequest | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { instanceId, to, name, language, components, purpose } = body;
    return this.accept(tenantId, reply, idempotent, {
      channelAccountId: instanceId,
      to,
      type: 'template',
      template: { name, language, components },
      ...(purpose && { purpose }),
    });
  }

  @Get('templates')
  @ApiOperation({
    summary: "The approved templates of an instance's WhatsApp Business Account (cached)",
  })
  @ApiProblems(400, 404)
  async templates(
    @TenantId() tenantId: string,
    @Query() query: TemplatesQueryDto,
  ): Promise<{ items: MetaTemplate[] }> {
    const account = await this.accounts.open<MetaCloudCredentials>(tenantId, query.instanceId);
    return { items: await this.templateCatalog.list(account, query.refresh === 'true') };
  }

  @Get('status/:instanceId')
  @ApiOperation({
    summary: 'Connection state, provider, circuit state and last activity of an instance',
  })
  @ApiOkResponse({ description: 'Instance status' })
  @ApiProblems(404)
  status(
    @TenantId() tenantId: string,
    @Param('instanceId') instanceId: string,
  ): Promise<InstanceStatus> {
    return this.operations.status(tenantId, instanceId);
  }

  @Get('health')
  @ApiOperation({
    summary: "Health of the WhatsApp providers and the circuits of this tenant's instances",
  })
  health(@TenantId() tenantId: string) {
    return this.operations.health(tenantId);
  }

  @Get('metrics')
  @ApiOperation({
    summary: 'WhatsApp message counts of the last 24 hours, by direction and status',
  })
  metrics(@TenantId() tenantId: string) {
    return this.operations.metrics(tenantId);
  }

  @Post('queue/retry')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Re-drive failed sends now (by instance, ids, or since a time; default last 24 h)',
    description:
      'Failed sends go back to queued and are sent at once. A send whose outcome is `unknown` ' +
      '(the platform may already have it) is re-sent only when its id is in `messageIds`: ' +
      'the caller accepts that the customer may get it twice.',
  })
  @ApiProblems(400, 404)
  retry(@TenantId() tenantId: string, @Body() body: RetryFailedDto): Promise<{ requeued: number }> {
    return this.operations.retryFailed(tenantId, body);
  }

  private sendMedia(
    tenantId: string,
    type: 'image' | 'video' | 'document',
    body: SendMediaDto,
    idempotent: IdempotentRequest | undefined,
    reply: FastifyReply,
  ) {
    const { instanceId, to, purpose, ...media } = body;
    return this.accept(tenantId, reply, idempotent, {
      channelAccountId: instanceId,
      to,
      type,
      media,
      ...(purpose && { purpose }),
    });
  }

  private async accept(
    tenantId: string,
    reply: FastifyReply,
    idempotent: IdempotentRequest | undefined,
    request: SendMessageDto,
  ): Promise<AcceptedMessageDto> {
    const accepted = await this.dispatcher.accept(
      sendMessageCommand(tenantId, request, idempotent),
    );
    return answerAccepted(reply, accepted, this.config.http.publicBaseUrl);
  }
}
