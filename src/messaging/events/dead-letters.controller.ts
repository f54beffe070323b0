import { Body, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { decodeIdCursor, Page, toPage } from '@core/api/pagination';
import { AuditTrail } from '@app/audit/audit-trail';
import { RequireRole } from '@core/auth/auth.decorators';
import { DomainEventsRepository } from './domain-events.repository';
import {
  DeadLetterDto,
  DeadLetterPageDto,
  DeadLetterQueryDto,
  RetriedDeadLettersDto,
  RetryDeadLettersDto,
} from './dead-letters.dto';

/** Ops routes: events a subscriber kept failing on, and their re-drive. */
@ApiV2Controller('messaging/events/dead-letters', 'messaging events (admin)')
@RequireRole('admin')
export class DeadLettersController {
  constructor(
    private readonly events: DomainEventsRepository,
    private readonly audit: AuditTrail,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List events a subscriber gave up on, oldest first',
    description:
      'An event lands here after MESSAGING_EVENTS_MAX_ATTEMPTS failed attempts of one ' +
      'subscriber; that subscriber goes on with the later events of the conversation, the ' +
      'others are not affected. Events carry ids and types only.',
  })
  @ApiOkResponse({ type: DeadLetterPageDto })
  @ApiProblems(400)
  async list(@Query() query: DeadLetterQueryDto): Promise<Page<DeadLetterDto>> {
    const rows = await this.events.deadLetters({
      tenantId: query.tenantId,
      after: decodeIdCursor(query.cursor),
      limit: query.limit + 1,
    });
    return toPage(
      rows,
      query.limit,
      (row) => [row.id],
      (row) => DeadLetterDto.from(row),
    );
  }

  @Post('retry')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Re-drive dead letters',
    description:
      "The subscriber's place in the conversation goes back to the event, so it gets that " +
      'event and the later ones of the conversation again, in order (subscribers dedupe by ' +
      'event id). An event that fails again returns here after its attempts.',
  })
  @ApiOkResponse({ type: RetriedDeadLettersDto })
  @ApiProblems(400)
  async retry(@Body() body: RetryDeadLettersDto): Promise<RetriedDeadLettersDto> {
    const retried = await this.events.redrive(body.ids);
    for (const id of retried)
      await this.audit.record({
        action: 'dead_letter.retried',
        tenantId: null,
        resource: { type: 'dead_letter', id },
      });
    const done = new Set(retried);
    return { retried, notRetried: body.ids.filter((id) => !done.has(id)) };
  }
}
