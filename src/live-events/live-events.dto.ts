import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
} from 'class-validator';
import { LIVE_EVENT_TYPES, LiveEventType } from './live-event';
import type { StreamFilters } from './sse-client';

const MAX_FILTER_VALUES = 100;

/** A JSON array in a body, a comma list in a query string. */
const list = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').filter(Boolean) : value;

/** What a stream is narrowed to; each list left out lets everything of its kind through. */
export class StreamFiltersDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_FILTER_VALUES })
  @IsOptional()
  @Transform(list)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_FILTER_VALUES)
  @IsUUID('all', { each: true })
  channelAccountIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_FILTER_VALUES })
  @IsOptional()
  @Transform(list)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_FILTER_VALUES)
  @IsUUID('all', { each: true })
  conversationIds?: string[];

  @ApiPropertyOptional({ type: [String], enum: LIVE_EVENT_TYPES })
  @IsOptional()
  @Transform(list)
  @ArrayMinSize(1)
  @IsIn(LIVE_EVENT_TYPES, { each: true })
  types?: LiveEventType[];

  toFilters(): StreamFilters {
    return {
      ...(this.channelAccountIds && { channelAccountIds: this.channelAccountIds }),
      ...(this.conversationIds && { conversationIds: this.conversationIds }),
      ...(this.types && { types: this.types }),
    };
  }
}

export class StreamQueryDto extends StreamFiltersDto {
  @ApiPropertyOptional({
    description:
      'A ticket from POST /api/v2/events/tickets, for clients that cannot send headers ' +
      "(a browser's EventSource). It carries the tenant and the filters: no filter may be added.",
  })
  @IsOptional()
  @IsString()
  @Length(20, 100)
  ticket?: string;

  @ApiPropertyOptional({
    description:
      'Where to resume, as the Last-Event-ID header does; for a new EventSource, which cannot ' +
      'send that header, after its predecessor failed',
    example: '1795373012345-0',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  lastEventId?: string;
}

export class StreamTicketDto {
  @ApiProperty({ description: 'Single use; pass as ?ticket= to GET /api/v2/events/stream' })
  ticket!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  expiresAt!: Date;
}
