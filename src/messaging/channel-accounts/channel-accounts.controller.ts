import { Body, Delete, Get, HttpCode, Param, Patch, Put, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
} from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Page, PageInfoDoc, PageQueryDto } from '@core/api/pagination';
import { TenantId } from '@core/auth/auth.decorators';
import { HUB_NAMES, HubName } from '@core/channel/hub-name';
import { ChannelAccountLifecycle } from './channel-account-lifecycle';
import { ChannelAccountDto } from './channel-account.view';
import { ChannelAccountsService } from './channel-accounts.service';

export class ChannelAccountListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: HUB_NAMES, example: 'whatsapp' })
  @IsOptional()
  @IsIn(HUB_NAMES)
  hub?: HubName;
}

export class SetFallbackDto {
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'evolution-backup',
    description: 'Id or name of another account of the same hub; null removes the fallback',
  })
  @ValidateIf((dto: SetFallbackDto) => dto.fallbackAccountId !== null)
  @IsString()
  @IsNotEmpty()
  fallbackAccountId!: string | null;
}

export class UpdateChannelAccountDto {
  @ApiPropertyOptional({
    example: true,
    description:
      'False switches the account off (no sends, queued ones fail, never a fallback; inbound ' +
      'still stored); true switches it back on with the status the platform left it in',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'Store front desk',
    description: 'A label for people (the handle `name` does not change); null clears it',
  })
  @ValidateIf((dto: UpdateChannelAccountDto) => dto.displayName !== null)
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  displayName?: string | null;
}

export class ChannelAccountPageDto extends PageInfoDoc {
  @ApiProperty({ type: [ChannelAccountDto] })
  items!: ChannelAccountDto[];
}

/** The calling tenant's channel accounts (never their credentials). */
@ApiV2Controller('channel-accounts', 'channel accounts')
export class ChannelAccountsController {
  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly lifecycle: ChannelAccountLifecycle,
  ) {}

  @Get()
  @ApiOperation({ summary: "List this tenant's channel accounts, oldest first" })
  @ApiOkResponse({ type: ChannelAccountPageDto })
  @ApiProblems(400)
  list(
    @TenantId() tenantId: string,
    @Query() query: ChannelAccountListQueryDto,
  ): Promise<Page<ChannelAccountDto>> {
    return this.accounts.list(tenantId, query.limit, query.cursor, query.hub);
  }

  @Get(':idOrName')
  @ApiOperation({ summary: 'One channel account, by id or by its tenant-chosen name' })
  @ApiParam({ name: 'idOrName', example: 'main-line' })
  @ApiOkResponse({ type: ChannelAccountDto })
  @ApiProblems(404)
  get(
    @TenantId() tenantId: string,
    @Param('idOrName') idOrName: string,
  ): Promise<ChannelAccountDto> {
    return this.accounts.get(tenantId, idOrName);
  }

  @Put(':idOrName/fallback')
  @ApiOperation({
    summary: "Name the account that takes this one's sends when its provider fails",
    description:
      'Only sends whose class FALLBACK_MESSAGE_CLASSES allows move (by default service replies, never templates), ' +
      'and only when the primary did not take them (circuit open, or retries exhausted without a timeout).',
  })
  @ApiParam({ name: 'idOrName', example: 'main-line' })
  @ApiOkResponse({ type: ChannelAccountDto })
  @ApiProblems(400, 404)
  setFallback(
    @TenantId() tenantId: string,
    @Param('idOrName') idOrName: string,
    @Body() body: SetFallbackDto,
  ): Promise<ChannelAccountDto> {
    return this.accounts.setFallback(tenantId, idOrName, body.fallbackAccountId);
  }

  @Patch(':idOrName')
  @ApiOperation({
    summary: 'Switch an account off or on, or change its display name',
    description:
      'A switched-off account answers 422 CHANNEL_ACCOUNT.NOT_ACTIVE to new sends, fails its ' +
      'queued sends with CHANNEL_ACCOUNT.DISABLED and is never taken as a fallback; messages ' +
      'customers send to it are still stored. Switching records `account.status_changed`.',
  })
  @ApiParam({ name: 'idOrName', example: 'main-line' })
  @ApiOkResponse({ type: ChannelAccountDto })
  @ApiProblems(400, 404)
  update(
    @TenantId() tenantId: string,
    @Param('idOrName') idOrName: string,
    @Body() body: UpdateChannelAccountDto,
  ): Promise<ChannelAccountDto> {
    return this.lifecycle.update(tenantId, idOrName, body);
  }

  @Delete(':idOrName')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete an account; its conversations and messages stay in the history',
    description:
      'The platform side is released first (an Evolution instance is deleted; when the server ' +
      'cannot be reached the answer is 503 and nothing is deleted). Then its queued sends fail ' +
      'with CHANNEL_ACCOUNT.DELETED, its webhooks are no longer routed, no account keeps it as ' +
      'a fallback, and `account.status_changed` (disabled) is recorded. The same platform ' +
      'account may be connected again afterwards, as a new account.',
  })
  @ApiParam({ name: 'idOrName', example: 'main-line' })
  @ApiProblems(404, 503)
  delete(@TenantId() tenantId: string, @Param('idOrName') idOrName: string): Promise<void> {
    return this.lifecycle.delete(tenantId, idOrName);
  }
}
