import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsTimeZone,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;
const DATE_TIME_MESSAGE =
  '$property must be an RFC 3339 date-time (offset optional: then local to timeZone)';
const SEND_UPDATES = ['all', 'externalOnly', 'none'] as const;

export class AttendeeDto {
  @ApiProperty({ example: 'ana.souza@example.com' })
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiPropertyOptional({ example: 'Ana Souza' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

class EventFieldsDto {
  @ApiPropertyOptional({ maxLength: 8192 })
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  description?: string;

  @ApiPropertyOptional({ example: 'Sala 2, Rua das Flores 100' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  location?: string;

  @ApiPropertyOptional({
    example: 'America/Sao_Paulo',
    description: "IANA zone of start/end; default: the tenant's (calendar settings)",
  })
  @IsOptional()
  @IsTimeZone()
  timeZone?: string;

  @ApiPropertyOptional({ type: [AttendeeDto], maxItems: 50 })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => AttendeeDto)
  @ArrayMaxSize(50)
  attendees?: AttendeeDto[];

  @ApiPropertyOptional({
    enum: SEND_UPDATES,
    default: 'none',
    description: "Google's invitation emails",
  })
  @IsOptional()
  @IsIn(SEND_UPDATES)
  sendUpdates?: (typeof SEND_UPDATES)[number];

  @ApiPropertyOptional({ default: false, description: 'Book even if the calendar is busy then' })
  @IsOptional()
  @IsBoolean()
  allowOverlap?: boolean;
}

export class CreateEventDto extends EventFieldsDto {
  @ApiPropertyOptional({
    description: "One of GET /calendar/calendars; default the account's primary",
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  calendarId?: string;

  @ApiProperty({ example: 'Consulta — Ana Souza' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  title!: string;

  @ApiProperty({ example: '2026-03-10T09:00:00' })
  @Matches(DATE_TIME, { message: DATE_TIME_MESSAGE })
  start!: string;

  @ApiProperty({ example: '2026-03-10T09:30:00' })
  @Matches(DATE_TIME, { message: DATE_TIME_MESSAGE })
  end!: string;

  @ApiPropertyOptional({ description: 'Omnihub contact the appointment is for' })
  @IsOptional()
  @IsUUID()
  contactId?: string;
}

export class UpdateEventDto extends EventFieldsDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(DATE_TIME, { message: DATE_TIME_MESSAGE })
  start?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(DATE_TIME, { message: DATE_TIME_MESSAGE })
  end?: string;

  @ApiPropertyOptional({ nullable: true, description: 'null unlinks the contact' })
  @IsOptional()
  @IsUUID()
  contactId?: string | null;
}

export class CalendarQueryDto {
  @ApiPropertyOptional({ description: "Default: the account's primary calendar" })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  calendarId?: string;
}

export class DeleteEventQueryDto extends CalendarQueryDto {
  @ApiPropertyOptional({ enum: SEND_UPDATES, default: 'none' })
  @IsOptional()
  @IsIn(SEND_UPDATES)
  sendUpdates?: (typeof SEND_UPDATES)[number];
}

export class ListEventsQueryDto extends CalendarQueryDto {
  @ApiProperty({ example: '2026-03-09T00:00:00-03:00' })
  @Matches(DATE_TIME, { message: DATE_TIME_MESSAGE })
  from!: string;

  @ApiProperty({ example: '2026-03-16T00:00:00-03:00' })
  @Matches(DATE_TIME, { message: DATE_TIME_MESSAGE })
  to!: string;

  @ApiPropertyOptional({ description: 'nextPageToken of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  pageToken?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 250, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(250)
  limit?: number;
}
