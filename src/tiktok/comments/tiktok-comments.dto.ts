import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

export class ListTikTokCommentsQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,20}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ default: 30, minimum: 1, maximum: 30 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(30)
  limit = 30;
}

export class ReplyToTikTokCommentDto {
  @ApiProperty({ example: 'Obrigado! Chama no direct 😉', maxLength: 150 })
  @IsString()
  @Length(1, 150)
  text!: string;
}

export class HideTikTokCommentDto {
  @ApiProperty({ description: 'true hides the comment from the public, false shows it again' })
  @IsBoolean()
  hidden!: boolean;
}
