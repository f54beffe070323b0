import {
  Body,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiHeader, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { TenantId } from '@core/auth/auth.decorators';
import type { CalendarEventView } from '../events/calendar-event';
import { EventPage, EventsService } from '../events/events.service';
import type { OperationView } from '../operations/calendar-operations.repository';
import { CalendarWrites, WriteOutcome } from '../operations/calendar-writes';
import { EventIdPipe } from './event-id.pipe';
import {
  CalendarQueryDto,
  CreateEventDto,
  DeleteEventQueryDto,
  ListEventsQueryDto,
  UpdateEventDto,
} from './events.dto';

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description: 'The ETag read; a newer version at Google answers 412 CALENDAR.EVENT_CHANGED',
};

const QUEUED =
  'While Google is failing (circuit open, 5xx or timeouts after retries) the write is stored ' +
  'and answered 202 with a pending operation (Location: /api/v2/calendar/operations/{id}); ' +
  'the calendar queue applies it when Google answers again.';

function queued(reply: FastifyReply, operation: OperationView): OperationView {
  reply.status(202).header('location', `/api/v2/calendar/operations/${operation.id}`);
  return operation;
}

/** Appointments in the tenant's Google calendars. */
@ApiV2Controller('calendar/events', 'calendar')
export class CalendarEventsController {
  constructor(
    private readonly events: EventsService,
    private readonly writes: CalendarWrites,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Book an appointment',
    description:
      '409 CALENDAR.SLOT_TAKEN when the calendar is busy then (unless allowOverlap); 404 ' +
      'CONTACT.NOT_FOUND for an unknown contactId; 409 CALENDAR.NEEDS_REAUTH when Google ' +
      "refused the tenant's grant; Google's own 4xx message otherwise. " +
      QUEUED,
  })
  @ApiProblems(400, 404, 409, 422, 503)
  async create(
    @TenantId() tenantId: string,
    @Body() body: CreateEventDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CalendarEventView | OperationView> {
    const outcome = await this.writes.create({ tenantId, ...body });
    if (!('applied' in outcome)) return queued(reply, outcome.queued);
    reply.status(201).header('etag', outcome.applied.etag);
    return outcome.applied;
  }

  @Get()
  @ApiOperation({
    summary:
      'Appointments overlapping [from, to), recurring ones as their instances, in start order',
  })
  @ApiProblems(400, 404, 409, 503)
  list(@TenantId() tenantId: string, @Query() query: ListEventsQueryDto): Promise<EventPage> {
    return this.events.list({ tenantId, ...query });
  }

  @Get(':eventId')
  @ApiProblems(400, 404, 409, 503)
  async get(
    @TenantId() tenantId: string,
    @Param('eventId', EventIdPipe) eventId: string,
    @Query() query: CalendarQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CalendarEventView> {
    const event = await this.events.get(tenantId, eventId, query.calendarId);
    reply.header('etag', event.etag);
    return event;
  }

  @Patch(':eventId')
  @ApiOperation({
    summary: 'Change or move an appointment (only the fields given)',
    description: QUEUED,
  })
  @ApiHeader(IF_MATCH)
  @ApiProblems(400, 404, 409, 412, 422, 503)
  async update(
    @TenantId() tenantId: string,
    @Param('eventId', EventIdPipe) eventId: string,
    @Query() query: CalendarQueryDto,
    @Body() body: UpdateEventDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CalendarEventView | OperationView> {
    const outcome = await this.writes.update({
      tenantId,
      eventId,
      calendarId: query.calendarId,
      ifMatch,
      ...body,
    });
    if (!('applied' in outcome)) return queued(reply, outcome.queued);
    reply.header('etag', outcome.applied.etag);
    return outcome.applied;
  }

  @Delete(':eventId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Cancel an appointment', description: QUEUED })
  @ApiHeader(IF_MATCH)
  @ApiProblems(400, 404, 409, 412, 503)
  async delete(
    @TenantId() tenantId: string,
    @Param('eventId', EventIdPipe) eventId: string,
    @Query() query: DeleteEventQueryDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OperationView | undefined> {
    const outcome: WriteOutcome<void> = await this.writes.delete({
      tenantId,
      eventId,
      ifMatch,
      ...query,
    });
    return 'applied' in outcome ? undefined : queued(reply, outcome.queued);
  }
}
