import { Get, Param } from '@nestjs/common';
import { UuidPipe } from '@core/api/uuid.pipe';
import { ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { TenantId } from '@core/auth/auth.decorators';
import type { OperationView } from '../operations/calendar-operations.repository';
import { CalendarWrites } from '../operations/calendar-writes';

/** Writes accepted while Google was failing (202 from the events routes). */
@ApiV2Controller('calendar/operations', 'calendar')
export class CalendarOperationsController {
  constructor(private readonly writes: CalendarWrites) {}

  @Get(':operationId')
  @ApiOperation({
    summary: 'A queued calendar write: pending, applied (with the event ETag) or failed (why)',
  })
  @ApiProblems(400, 404)
  get(
    @TenantId() tenantId: string,
    @Param('operationId', UuidPipe) operationId: string,
  ): Promise<OperationView> {
    return this.writes.operation(tenantId, operationId);
  }
}
