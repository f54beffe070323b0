import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsTimeZone,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import type { WorkingHours } from '../settings/working-hours';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

const WORKING_HOURS_EXAMPLE = {
  default: {
    mon: [
      { start: '09:00', end: '12:00' },
      { start: '13:00', end: '18:00' },
    ],
  },
  calendars: { 'c_dra.ana@group.calendar.google.com': { tue: [{ start: '08:00', end: '14:00' }] } },
};

export class CalendarSettingsDto {
  @ApiProperty({ example: 'America/Sao_Paulo', description: 'Default zone of event times' })
  timeZone!: string;

  @ApiProperty({ example: WORKING_HOURS_EXAMPLE })
  workingHours!: WorkingHours;
}

export class UpdateCalendarSettingsDto {
  @ApiPropertyOptional({ example: 'America/Sao_Paulo' })
  @IsOptional()
  @IsTimeZone()
  timeZone?: string;

  @ApiPropertyOptional({
    example: WORKING_HOURS_EXAMPLE,
    description:
      "Local opening periods per weekday (sun…sat), HH:mm, in each calendar's own time zone: " +
      '`default` for every calendar, `calendars` by calendar id. Replaces the stored value.',
  })
  @IsOptional()
  @IsObject()
  workingHours?: WorkingHours;
}

export class AvailabilityQueryDto {
  @ApiProperty({ example: '2026-03-09T00:00:00-03:00' })
  @Matches(DATE_TIME, { message: '$property must be an RFC 3339 date-time' })
  from!: string;

  @ApiProperty({ example: '2026-03-16T00:00:00-03:00' })
  @Matches(DATE_TIME, { message: '$property must be an RFC 3339 date-time' })
  to!: string;

  @ApiProperty({ example: 30, description: 'Slot length in minutes' })
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(480)
  duration!: number;

  @ApiPropertyOptional({
    example: 15,
    description: 'Minutes between slot starts; default duration',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(480)
  step?: number;

  @ApiPropertyOptional({
    type: String,
    example: 'recepcao@clinica.example,c_dra.ana@group.calendar.google.com',
    description: 'Comma-separated; default every granted calendar',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').filter(Boolean) : value,
  )
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  calendarIds?: string[];
}
