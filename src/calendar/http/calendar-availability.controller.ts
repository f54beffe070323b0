import { Body, Get, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { TenantId } from '@core/auth/auth.decorators';
import { ValidationFailedError } from '@core/errors/domain-error';
import { AvailabilityService, CalendarAvailability } from '../availability/availability.service';
import { CalendarCache } from '../cache/calendar-cache';
import { CalendarSettingsRepository } from '../settings/calendar-settings.repository';
import { workingHoursProblems } from '../settings/working-hours';
import {
  AvailabilityQueryDto,
  CalendarSettingsDto,
  UpdateCalendarSettingsDto,
} from './calendar-settings.dto';

/** Free slots, and the settings they are computed from. */
@ApiV2Controller('calendar', 'calendar')
export class CalendarAvailabilityController {
  constructor(
    private readonly availability: AvailabilityService,
    private readonly settings: CalendarSettingsRepository,
    private readonly cache: CalendarCache,
  ) {}

  @Get('availability')
  @ApiOperation({
    summary: 'Free slots per calendar',
    description:
      "Google's free/busy for the busy blocks, the tenant's working hours (default Monday–Friday " +
      "09:00–18:00) in each calendar's own time zone. At most 31 days and 50 calendars.",
  })
  @ApiProblems(400, 404, 409, 503)
  find(
    @TenantId() tenantId: string,
    @Query() query: AvailabilityQueryDto,
  ): Promise<{ calendars: CalendarAvailability[] }> {
    return this.availability.find({
      tenantId,
      from: query.from,
      to: query.to,
      durationMinutes: query.duration,
      stepMinutes: query.step,
      calendarIds: query.calendarIds,
    });
  }

  @Get('settings')
  @ApiOkResponse({ type: CalendarSettingsDto })
  getSettings(@TenantId() tenantId: string): Promise<CalendarSettingsDto> {
    return this.settings.get(tenantId);
  }

  @Put('settings')
  @ApiOperation({ summary: 'Set the default time zone and/or the working hours' })
  @ApiOkResponse({ type: CalendarSettingsDto })
  @ApiProblems(400)
  async putSettings(
    @TenantId() tenantId: string,
    @Body() body: UpdateCalendarSettingsDto,
  ): Promise<CalendarSettingsDto> {
    if (body.workingHours !== undefined) {
      const problems = workingHoursProblems(body.workingHours);
      if (problems.length > 0) throw new ValidationFailedError(problems);
    }
    const saved = await this.settings.update(tenantId, body);
    await this.cache.invalidate(tenantId);
    return saved;
  }
}
