import { Body, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '@config/app-config';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { TenantId } from '@core/auth/auth.decorators';
import { ChannelAccountDto } from '@app/messaging/channel-accounts/channel-account.view';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { OutboundDispatcher } from '@app/messaging/outbound/outbound.dispatcher';
import { AcceptedMessageDto, SendMessageDto } from '@app/messaging/outbound/send-message.dto';
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

/**
 * The WhatsApp routes the frontend already uses, kept exactly; each is a thin shape over the
 * channel-agnostic messaging core (POST /api/v2/messages does the same work).
 */
@ApiV2Controller('whatsapp', 'whatsapp')
export class WhatsappController {
  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly dispatcher: OutboundDispatcher,
    private readonly operations: WhatsappOperationsService,
    private readonly templateCatalog: TemplateCatalog,
    private readonly config: AppConfig,
  ) {}

  @Post('accounts')
  @ApiOperation({ summary: 'Connect a WhatsApp Cloud API phone number' })
  @ApiCreatedResponse({ type: ChannelAccountDto })
  @ApiProblems(400, 409)
  connect(
    @TenantId() tenantId: string,
    @Body() body: ConnectCloudAccountDto,
  ): Promise<ChannelAccountDto> {
    const { name, phoneNumberId, ...credentials } = body;
    return this.accounts.create(tenantId, {
      hub: 'whatsapp',
      provider: 'meta-cloud',
      name,
      externalId: phoneNumberId,
      credentials,
    });
  }

  @Post('send/text')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a text message (inside the 24-hour window)' })
  @ApiAcceptedResponse({ type: AcceptedMessageDto })
  @ApiProblems(400, 404, 422)
  sendText(
    @TenantId() tenantId: string,
    @Body() body: SendTextDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.accept(tenantId, reply, {
      channelAccountId: body.instanceId,
      to: body.to,
      type: 'text',
      text: { body: body.text },
    });
  }

  @Post('messages/image')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send an image by URL or media id' })
  @ApiAcceptedResponse({ type: AcceptedMessageDto })
  @ApiProblems(400, 404, 422)
  sendImage(
    @TenantId() tenantId: string,
    @Body() body: SendMediaDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.sendMedia(tenantId, 'image', body, reply);
  }

  @Post('messages/video')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a video by URL or media id' })
  @ApiAcceptedResponse({ type: AcceptedMessageDto })
  @ApiProblems(400, 404, 422)
  sendVideo(
    @TenantId() tenantId: string,
    @Body() body: SendMediaDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.sendMedia(tenantId, 'video', body, reply);
  }

  @Post('messages/document')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a document by URL or media id' })
  @ApiAcceptedResponse({ type: AcceptedMessageDto })
  @ApiProblems(400, 404, 422)
  sendDocument(
    @TenantId() tenantId: string,
    @Body() body: SendMediaDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.sendMedia(tenantId, 'document', body, reply);
  }

  @Post('messages/template')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send an approved template (allowed outside the 24-hour window)' })
  @ApiAcceptedResponse({ type: AcceptedMessageDto })
  @ApiProblems(400, 404, 422)
  sendTemplate(
    @TenantId() tenantId: string,
    @Body() body: SendTemplateDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { instanceId, to, name, language, components } = body;
    return this.accept(tenantId, reply, {
      channelAccountId: instanceId,
      to,
      type: 'template',
      template: { name, language, components },
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
    const account = await this.accounts.open(tenantId, query.instanceId);
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
    reply: FastifyReply,
  ) {
    const { instanceId, to, ...media } = body;
    return this.accept(tenantId, reply, { channelAccountId: instanceId, to, type, media });
  }

  private async accept(
    tenantId: string,
    reply: FastifyReply,
    request: SendMessageDto,
  ): Promise<AcceptedMessageDto> {
    const accepted = await this.dispatcher.accept(tenantId, request);
    const url = `${this.config.http.publicBaseUrl}/api/v2/messages/${accepted.id}`;
    void reply.header('location', url);
    return { ...accepted, url };
  }
}
