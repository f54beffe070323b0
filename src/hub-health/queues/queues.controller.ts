import { Body, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { RequireRole } from '@core/auth/auth.decorators';
import { QueueCounts, QueueInspector } from '@core/queue/queue-inspector';
import type { DeadLetter } from './dead-letter';
import { DeadLetterOutcome, DeadLetterSelection, DeadLettersService } from './dead-letters.service';
import { DeadLetterListQueryDto, DeadLetterSelectionDto } from './queues.dto';

/**
 * Queues and dead letters (admin: queues are shared by every tenant). Retry and discard are
 * audited through AuditTrail (`dead_letter.retried`, `dead_letter.discarded`, `messages.retried`).
 */
@ApiV2Controller('hub/queues', 'hub queues (admin)')
@RequireRole('admin')
export class QueuesController {
  constructor(
    private readonly queues: QueueInspector,
    private readonly deadLetters: DeadLettersService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Jobs per queue and state' })
  counts(): Promise<Record<string, QueueCounts>> {
    return this.queues.allCounts();
  }

  @Get(':queue/dead-letters')
  @ApiOperation({
    summary: 'Failed jobs (and, for outbound, failed sends) with reasons and affected ids',
    description:
      'Jobs that exhausted their attempts, newest first; on `outbound` also every send that ' +
      'ended `failed` in the last 7 days (permanent platform error or attempts exhausted), ' +
      'unless discarded.',
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
