import { Body, Get, Param, Put, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
} from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, ValidateIf } from 'class-validator';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Page, PageInfoDoc, PageQueryDto } from '@core/api/pagination';
import { TenantId } from '@core/auth/auth.decorators';
import { HUB_NAMES, HubName } from '@core/channel/hub-name';
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

export class ChannelAccountPageDto extends PageInfoDoc {
  @ApiProperty({ type: [ChannelAccountDto] })
  items!: ChannelAccountDto[];
}

/** The calling tenant's channel accounts (never their credentials). */
@ApiV2Controller('channel-accounts', 'channel accounts')
export class ChannelAccountsController {
  constructor(private readonly accounts: ChannelAccountsService) {}

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
}
