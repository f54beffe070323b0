import { Body, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { RequireRole } from '@core/auth/auth.decorators';
import { QueueCounts, QueueInspector } from '@core/queue/queue-inspector';
import { EVENTS_QUEUE, type DeadLetter } from './dead-letter';
import { DeadLetterOutcome, DeadLetterSelection, DeadLettersService } from './dead-letters.service';
import { DeadLetterListQueryDto, DeadLetterSelectionDto } from './queues.dto';

/**
 * Queues and dead letters (admin: queues are shared by every tenant). Besides the BullMQ
 * queues, `events` is the messaging event stream: its dead letters are event deliveries a
 * subscriber gave up on. Retry and discard are audited through AuditTrail
 * (`dead_letter.retried`, `dead_letter.discarded`, `messages.retried`), an event delivery's
 * in its tenant's chain.
 */
@ApiV2Controller('hub/queues', 'hub queues (admin)')
@RequireRole('admin')
export class QueuesController {
  constructor(
    private readonly queues: QueueInspector,
    private readonly deadLetters: DeadLettersService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Jobs per queue and state',
    description:
      'One entry per BullMQ queue with its jobs per state, and `events` (the messaging event ' +
      'stream) with `failed`: its dead letters.',
  })
  async counts(): Promise<Record<string, QueueCounts | { failed: number }>> {
    const [queues, events] = await Promise.all([
      this.queues.allCounts(),
      this.deadLetters.eventCount(),
    ]);
    return { ...queues, [EVENTS_QUEUE]: { failed: events } };
  }

  @Get(':queue/dead-letters')
  @ApiOperation({
    summary: 'Failed jobs (and, for outbound, failed sends) with reasons and affected ids',
    description:
      'Jobs that exhausted their attempts, newest first; on `outbound` also every send that ' +
      'ended `failed` in the last 7 days (permanent platform error or attempts exhausted), ' +
      'unless discarded. On `events`: event deliveries a subscriber gave up on after ' +
      'MESSAGING_EVENTS_MAX_ATTEMPTS (reason `<subscriber>: <last error>`, refs with the ' +
      'event id), oldest first.',
  })
  @ApiProblems(400, 404)
  list(
    @Param('queue') queue: string,
    @Query() query: DeadLetterListQueryDto,
  ): Promise<DeadLetter[]> {
    return this.deadLetters.list(queue, query.limit);
  }

  @Post(':queue/dead-letters/retry')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Re-drive dead letters: failed sends are sent again, failed jobs run again',
    description:
      'On `events` the subscriber gets the event, and the later ones of its conversation, ' +
      'again in order; a conversation being delivered at that moment is left out of `events` ' +
      '(ask again).',
  })
  @ApiProblems(400, 404)
  retry(
    @Param('queue') queue: string,
    @Body() body: DeadLetterSelectionDto,
  ): Promise<DeadLetterOutcome> {
    return this.deadLetters.retry(queue, selection(body));
  }

  @Delete(':queue/dead-letters')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Discard dead letters: failed jobs are removed, failed sends leave the view',
    description:
      'On `events` the dead letter is dropped: that subscriber never gets the event (it has ' +
      'gone on past it).',
  })
  @ApiProblems(400, 404)
  discard(
    @Param('queue') queue: string,
    @Body() body: DeadLetterSelectionDto,
  ): Promise<DeadLetterOutcome> {
    return this.deadLetters.discard(queue, selection(body));
  }
}

function selection(body: DeadLetterSelectionDto): DeadLetterSelection {
  return { all: body.all, ids: body.ids, since: body.since ? new Date(body.since) : undefined };
}
