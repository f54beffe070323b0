import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsBoolean,
  IsDateString,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

export class DeadLetterListQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;
}

/** Exactly what to act on: `all`, or `ids`, or `since` (ids and since together narrow). */
export class DeadLetterSelectionDto {
  @ApiPropertyOptional({ description: 'Every dead letter of the queue (at most 1000 jobs a call)' })
  @IsOptional()
  @IsBoolean()
  all?: boolean;

  @ApiPropertyOptional({
    type: [String],
    description: 'Job ids, or message ids of failed sends (outbound)',
  })
  @ValidateIf((dto: DeadLetterSelectionDto) => !dto.all && dto.since === undefined)
  @ArrayNotEmpty({ message: 'name the dead letters: all, ids or since' })
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  ids?: string[];

  @ApiPropertyOptional({ format: 'date-time', description: 'Only those failed since then' })
  @IsOptional()
  @IsDateString()
  since?: string;
}
