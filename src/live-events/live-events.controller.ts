import { Body, Get, Headers, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Public, TenantId } from '@core/auth/auth.decorators';
import { AuthGuard } from '@core/auth/auth.guard';
import {
  ForbiddenError,
  UnauthenticatedError,
  ValidationFailedError,
} from '@core/errors/domain-error';
import { LIVE_EVENT_TYPES } from './live-event';
import { StreamFiltersDto, StreamQueryDto, StreamTicketDto } from './live-events.dto';
import { EventStreams } from './event-streams';
import { StreamGrant, StreamTickets } from './stream-tickets';

@ApiV2Controller('events', 'live events')
export class LiveEventsController {
  constructor(
    private readonly streams: EventStreams,
    private readonly tickets: StreamTickets,
    private readonly auth: AuthGuard,
  ) {}

  @Post('tickets')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Issue a single-use ticket for one event stream',
    description:
      "For a browser's EventSource, which cannot send headers: the backend (or the page, with " +
      'its JWT) asks for a ticket and opens `GET /api/v2/events/stream?ticket=...` within ' +
      'LIVE_EVENTS_TICKET_TTL_SECONDS. The ticket is bound to the tenant and these filters and ' +
      'works once, so no long-lived credential travels in a URL.',
  })
  @ApiCreatedResponse({ type: StreamTicketDto })
  @ApiProblems(400, 503)
  async issue(
    @TenantId() tenantId: string,
    @Body() body: StreamFiltersDto,
  ): Promise<StreamTicketDto> {
    return this.tickets.issue({ tenantId, filters: body.toFilters() });
  }

  @Get('stream')
  // Authenticated below: by ticket, or by the usual headers through AuthGuard.
  @Public()
  @ApiOperation({
    summary: "The tenant's live events (Server-Sent Events)",
    description:
      `Events: ${LIVE_EVENT_TYPES.join(', ')}. Each carries ids, type, status and error code ` +
      '(never message text), so the client refetches what it shows. `id:` is the position in ' +
      "the tenant's stream: reconnecting with Last-Event-ID (or ?lastEventId=) replays what was " +
      'missed, or sends `event: resync` when that is older than LIVE_EVENTS_RETENTION_HOURS. ' +
      'Heartbeat comments keep the connection alive; `event: close` names why the server ended ' +
      'it (slow-consumer, server-shutdown).',
  })
  @ApiOkResponse({
    description: 'An endless event stream',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiProblems(400, 503)
  async stream(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query() query: StreamQueryDto,
    @Headers('last-event-id') lastEventIdHeader?: string,
  ): Promise<void> {
    const grant = query.ticket
      ? await this.redeem(query)
      : { tenantId: await this.tenantOf(request), filters: query.toFilters() };
    await this.streams.open(reply, grant, lastEventIdHeader ?? query.lastEventId);
  }

  private async redeem(query: StreamQueryDto): Promise<StreamGrant> {
    if (query.channelAccountIds || query.conversationIds || query.types) {
      throw new ValidationFailedError([
        { field: 'ticket', message: 'a ticket carries its filters; ask for a ticket with them' },
      ]);
    }
    const grant = await this.tickets.consume(query.ticket!);
    if (!grant) {
      throw new UnauthenticatedError(
        'Unknown, used or expired stream ticket',
        'LIVE_EVENTS.INVALID_TICKET',
      );
    }
    return grant;
  }

  private async tenantOf(request: FastifyRequest): Promise<string> {
    const principal = await this.auth.authenticate(request);
    request.principal = principal;
    if (principal.role !== 'tenant')
      throw new ForbiddenError('This route needs a tenant credential');
    return principal.tenantId;
  }
}
