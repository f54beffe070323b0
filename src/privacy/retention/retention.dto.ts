import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min, ValidateIf } from 'class-validator';

export class RetentionPolicyDto {
  @ApiProperty({ example: 365, description: 'Messages older than this are deleted' })
  messageDays!: number;
  @ApiProperty({ example: 90, description: 'Audit rows older than this are removed' })
  auditDays!: number;
}

export class UpdateRetentionPolicyDto {
  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 1, maximum: 3650 })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  @Max(3650)
  messageDays?: number | null;

  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 1, maximum: 3650 })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  @Max(3650)
  auditDays?: number | null;
}
