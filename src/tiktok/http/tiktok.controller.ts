import { Body, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Public, RequireRole, TenantId } from '@core/auth/auth.decorators';
import { ChannelAccountDto } from '@app/messaging/channel-accounts/channel-account.view';
import { TikTokOAuthService } from '@app/tiktok/accounts/tiktok-oauth.service';
import {
  StartTikTokConnectDto,
  TikTokAuthorizationDto,
  TikTokCallbackQueryDto,
} from './tiktok.dto';
import { TikTokAccountStatus, TikTokOperationsService } from './tiktok-operations.service';
import { TikTokWebhookRegistrar, TikTokWebhookRegistration } from './tiktok-webhook-registration';

/**
 * TikTok's own routes: connecting a Business account (OAuth), its status, the hub's health.
 * Sending goes through `POST /api/v2/messages` with the account, like every channel.
 */
@ApiV2Controller('tiktok', 'tiktok')
export class TikTokController {
  constructor(
    private readonly oauth: TikTokOAuthService,
    private readonly operations: TikTokOperationsService,
    private readonly webhooks: TikTokWebhookRegistrar,
  ) {}

  @Put('webhook')
  @RequireRole('admin')
  @ApiOperation({
    summary: "Admin: point the TikTok app's webhooks at this deployment",
    description:
      "Registers PUBLIC_BASE_URL/webhooks/tiktok for TikTok's DIRECT_MESSAGE and COMMENT " +
      'events with business/webhook/update/ (once per app; again after PUBLIC_BASE_URL moves).',
  })
  @ApiOkResponse({
    schema: { example: { callbackUrl: 'https://omnihub.example/webhooks/tiktok' } },
  })
  @ApiProblems(422, 503)
  registerWebhook(): Promise<TikTokWebhookRegistration> {
    return this.webhooks.register();
  }

  @Post('accounts')
  @ApiOperation({
    summary: 'Start connecting a TikTok Business account (OAuth)',
    description:
      "Answers TikTok's authorisation URL for the account holder. 422 TIKTOK.REGION_EXCLUDED " +
      'for accounts registered in the EEA, Switzerland or the UK; 503 when TikTok is not ' +
      'configured here.',
  })
  @ApiCreatedResponse({ type: TikTokAuthorizationDto })
  @ApiProblems(400, 422, 503)
  start(
    @TenantId() tenantId: string,
    @Body() body: StartTikTokConnectDto,
  ): Promise<TikTokAuthorizationDto> {
    return this.oauth.start(tenantId, body);
  }

  @Public()
  @Get('oauth/callback')
  @ApiOperation({
    summary: "TikTok's OAuth redirect: exchanges the code and stores the account",
    description:
      'No API key: the signed, single-use state names the tenant. 422 for a state that is ' +
      'forged, expired or used; 409 when the account is connected already.',
  })
  @ApiOkResponse({ type: ChannelAccountDto })
  @ApiProblems(400, 403, 409, 422, 503)
  callback(@Query() query: TikTokCallbackQueryDto): Promise<ChannelAccountDto> {
    return this.oauth.complete(query.code, query.state);
  }

  @Get('status/:accountId')
  @ApiOperation({ summary: 'State, circuit and last activity of a TikTok account' })
  @ApiProblems(404)
  status(
    @TenantId() tenantId: string,
    @Param('accountId') accountId: string,
  ): Promise<TikTokAccountStatus> {
    return this.operations.status(tenantId, accountId);
  }

  @Get('health')
  @ApiOperation({ summary: "Health of the TikTok provider and this tenant's account circuits" })
  health(@TenantId() tenantId: string) {
    return this.operations.health(tenantId);
  }
}
