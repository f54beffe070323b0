import { Body, Get, HttpCode, Param, Post, Res, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '@config/app-config';
import { servedMediaHeaders } from '@core/api/served-media';
import { UuidPipe } from '@core/api/uuid.pipe';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { TenantId } from '@core/auth/auth.decorators';
import { ChannelAccountConnector } from '@app/messaging/channel-accounts/channel-account.connector';
import { ChannelAccountDto } from '@app/messaging/channel-accounts/channel-account.view';
import { OutboundDispatcher } from '@app/messaging/outbound/outbound.dispatcher';
import { AcceptedMessageDto } from '@app/messaging/outbound/send-message.dto';
import { answerAccepted } from '@app/messaging/outbound/send-route';
import { InstagramMediaService } from '@app/instagram/media/instagram-media.service';
import { INSTAGRAM_PROVIDER } from '@app/instagram/graph/instagram.provider';
import type { InstagramCredentials } from '@app/instagram/graph/instagram.credentials';
import { ConnectInstagramAccountDto, InstagramSenderActionDto } from './instagram.dto';
import { InstagramAccountStatus, InstagramOperationsService } from './instagram-operations.service';

/**
 * Instagram's own routes: connecting an account, its status, the hub's health, received media
 * and the presence signals the frontend sends while an agent types. Messages go through
 * `POST /api/v2/messages` with the account, like every channel.
 */
@ApiV2Controller('instagram', 'instagram')
export class InstagramController {
  constructor(
    private readonly connector: ChannelAccountConnector,
    private readonly operations: InstagramOperationsService,
    private readonly media: InstagramMediaService,
    private readonly dispatcher: OutboundDispatcher,
    private readonly config: AppConfig,
  ) {}

  @Post('accounts')
  @ApiOperation({
    summary: 'Connect an Instagram professional account (Instagram Login or Page-linked)',
    description:
      'The token is checked with Meta before anything is stored (a profile lookup must name ' +
      'this account): 422 CHANNEL_ACCOUNT.CREDENTIALS_REJECTED or NOT_OWNED, 403 ' +
      'CHANNEL_ACCOUNT.PERMISSION_MISSING, each naming the field; 503 when Meta cannot be ' +
      'asked; 409 when the account is connected already.',
  })
  @ApiCreatedResponse({ type: ChannelAccountDto })
  @ApiProblems(400, 403, 409, 422, 503)
  connect(
    @TenantId() tenantId: string,
    @Body() body: ConnectInstagramAccountDto,
  ): Promise<ChannelAccountDto> {
    const { name, accountId, verifyToken, flavour, accessToken, pageId, appSecret } = body;
    const credentials: InstagramCredentials = {
      flavour,
      accessToken,
      ...(pageId ? { pageId } : {}),
      ...(appSecret ? { appSecret } : {}),
      ...(body.humanAgentTag ? { humanAgentTag: true } : {}),
    };
    return this.connector.connect(tenantId, {
      hub: 'instagram',
      provider: INSTAGRAM_PROVIDER,
      name,
      externalId: accountId,
      credentials,
      webhookVerifyToken: verifyToken,
    });
  }

  @Get('status/:accountId')
  @ApiOperation({ summary: 'State, circuit and last activity of an Instagram account' })
  @ApiProblems(404)
  status(
    @TenantId() tenantId: string,
    @Param('accountId') accountId: string,
  ): Promise<InstagramAccountStatus> {
    return this.operations.status(tenantId, accountId);
  }

  @Get('health')
  @ApiOperation({ summary: "Health of the Instagram provider and this tenant's account circuits" })
  health(@TenantId() tenantId: string) {
    return this.operations.health(tenantId);
  }

  @Post('sender-actions')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Show typing_on / typing_off or mark the conversation seen (mark_seen)',
    description:
      'Queued like a message (pacing, circuit, retries) and sent as the Send API sender action ' +
      "`{recipient:{id}, sender_action}` through the account's API flavour. Only within 24 hours " +
      "of the person's last message: the HUMAN_AGENT tag extends messages, not sender actions " +
      '(422 INSTAGRAM.WINDOW_CLOSED).',
  })
  @ApiAcceptedResponse({ type: AcceptedMessageDto, description: 'Queued' })
  @ApiProblems(400, 404, 422)
  async senderAction(
    @TenantId() tenantId: string,
    @Body() body: InstagramSenderActionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AcceptedMessageDto> {
    const accepted = await this.dispatcher.accept({
      tenantId,
      channelAccountId: body.channelAccountId,
      to: body.to,
      type: 'sender_action',
      senderAction: body.action,
    });
    return answerAccepted(reply, accepted, this.config.http.publicBaseUrl);
  }

  @Get('messages/:id/media')
  @ApiOperation({
    summary: "A received Instagram message's file (image, video, audio, file)",
    description:
      "Streamed from Instagram's CDN on each request (nothing is stored). Raster images, audio " +
      'and video are served inline, anything else as an attachment, always with nosniff. 422 ' +
      "INSTAGRAM.MEDIA_EXPIRED once Instagram's link has expired; 503 when the CDN cannot be " +
      'reached; 422 INSTAGRAM.MEDIA_TOO_LARGE past MEDIA_DOWNLOAD_MAX_BYTES.',
  })
  @ApiOkResponse({ description: 'The file, with its Content-Type' })
  @ApiProblems(400, 404, 422, 503)
  async download(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const file = await this.media.download(tenantId, id);
    void reply
      .headers(servedMediaHeaders({ mimeType: file.mimeType, contentLength: file.contentLength }))
      .header('cache-control', 'private, max-age=300');
    return new StreamableFile(file.body);
  }
}
