import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageInfoDoc, PageQueryDto } from '@core/api/pagination';
import { ALERT_SEVERITIES, AlertSeverity } from '@core/alerts/alert-raiser';
import type { AlertRow, AlertStatus } from './alerts.repository';

const STATUSES: readonly AlertStatus[] = ['firing', 'resolved'];

export class AlertQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: AlertStatus;

  @ApiPropertyOptional({ example: 'circuit.open' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  type?: string;

  @ApiPropertyOptional({ enum: ALERT_SEVERITIES })
  @IsOptional()
  @IsIn(ALERT_SEVERITIES)
  severity?: AlertSeverity;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Raised at or after' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  since?: Date;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "Admin only: one tenant's alerts (a tenant always sees only its own)",
  })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}

export class AlertDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: platform-wide' })
  tenantId!: string | null;
  @ApiProperty({ example: 'circuit.open' }) type!: string;
  @ApiProperty({ example: 'whatsapp/meta-cloud/0192…' }) subject!: string;
  @ApiProperty({ enum: ALERT_SEVERITIES }) severity!: AlertSeverity;
  @ApiProperty() title!: string;
  @ApiProperty({ type: String, nullable: true }) detail!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  labels!: Record<string, string>;
  @ApiProperty({ enum: STATUSES }) status!: AlertStatus;
  @ApiProperty({ description: 'Raises of this condition the episode absorbed (all pods)' })
  occurrences!: number;
  @ApiProperty({ description: 'false: held back by the per-type rate limit (logged only)' })
  notified!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) raisedAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) lastSeenAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt!: Date | null;

  static from(row: AlertRow): AlertDto {
    return { ...row };
  }
}

export class AlertPageDto extends PageInfoDoc {
  @ApiProperty({ type: [AlertDto] }) items!: AlertDto[];
}
