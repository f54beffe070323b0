import { Body, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { TenantId } from '@core/auth/auth.decorators';
import { ChannelAccountConnector } from '@app/messaging/channel-accounts/channel-account.connector';
import { ChannelAccountDto } from '@app/messaging/channel-accounts/channel-account.view';
import { INSTAGRAM_PROVIDER } from '@app/instagram/graph/instagram.provider';
import type { InstagramCredentials } from '@app/instagram/graph/instagram.credentials';
import { ConnectInstagramAccountDto } from './instagram.dto';
import { InstagramAccountStatus, InstagramOperationsService } from './instagram-operations.service';

/**
 * Instagram's own routes: connecting an account, its status, the hub's health. Sending goes
 * through `POST /api/v2/messages` with the account, like every channel.
 */
@ApiV2Controller('instagram', 'instagram')
export class InstagramController {
  constructor(
    private readonly connector: ChannelAccountConnector,
    private readonly operations: InstagramOperationsService,
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
}
