import { Body, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { TenantId } from '@core/auth/auth.decorators';
import { FailedSendsRedrive } from './failed-sends.redrive';
import { MessageCountsQuery } from './message-counts.query';
import {
  MessageCountsDto,
  MessageCountsQueryDto,
  RequeuedDto,
  RetrySendsDto,
} from './message-operations.dto';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Operating the tenant's messages on every channel: re-driving failed sends, counting. */
@ApiV2Controller('messages', 'messages')
export class MessageOperationsController {
  constructor(
    private readonly redrive: FailedSendsRedrive,
    private readonly counter: MessageCountsQuery,
  ) {}

  @Post('retry')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Re-drive failed sends now (by hub, account, ids, or since a time; default last 24 h)',
    description:
      'Failed sends go back to queued and are sent at once. A send whose outcome is `unknown` ' +
      '(the platform may already have it) is re-sent only when its id is in `messageIds`: ' +
      'the caller accepts that the customer may get it twice. Ids of other tenants match ' +
      'nothing; an account that is not the caller’s answers 404.',
  })
  @ApiAcceptedResponse({ type: RequeuedDto })
  @ApiProblems(400, 404)
  retry(@TenantId() tenantId: string, @Body() body: RetrySendsDto): Promise<RequeuedDto> {
    return this.redrive.retry(tenantId, {
      hub: body.hub,
      channelAccount: body.channelAccountId,
      messageIds: body.messageIds,
      since: body.since ? new Date(body.since) : undefined,
    });
  }

  @Get('counts')
  @ApiOperation({
    summary: 'Message counts per account, direction and status (default: the last 24 h)',
  })
  @ApiOkResponse({ type: MessageCountsDto })
  @ApiProblems(400, 404)
  async counts(
    @TenantId() tenantId: string,
    @Query() query: MessageCountsQueryDto,
  ): Promise<MessageCountsDto> {
    const since = query.since ? new Date(query.since) : new Date(Date.now() - DAY_MS);
    const counts = await this.counter.counts(tenantId, {
      since,
      hub: query.hub,
      channelAccount: query.channelAccountId,
    });
    return { since, counts };
  }
}
