import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsDateString,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { PageInfoDoc, PageQueryDto } from '@core/api/pagination';
import { ACTION_CODE, ActorKind, AuditRecord } from './audit-entry';

const ACTOR_KINDS: ActorKind[] = ['api_key', 'jwt', 'admin', 'platform', 'system'];

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'api_key.created' })
  @IsOptional()
  @Matches(ACTION_CODE, { message: 'action must be a code like api_key.created' })
  action?: string;

  @ApiPropertyOptional({ example: 'api_key' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  resourceType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  resourceId?: string;

  @ApiPropertyOptional({ enum: ACTOR_KINDS })
  @IsOptional()
  @IsIn(ACTOR_KINDS)
  actorKind?: ActorKind;

  @ApiPropertyOptional({ description: 'API key id or JWT subject' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  actorId?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @IsDateString()
  since?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @IsDateString()
  until?: string;
}

export class AdminAuditQueryDto extends AuditQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: "This tenant's log; omitted: the platform's",
  })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}

export class AuditRecordDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Position in the tenant’s chain: 1, 2, 3...' }) seq!: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) tenantId!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) occurredAt!: Date;
  @ApiProperty({ example: { kind: 'api_key', id: '0190c6f4-...' } })
  actor!: { kind: ActorKind; id: string | null };
  @ApiProperty({ example: 'api_key.revoked' }) action!: string;
  @ApiProperty({ example: { type: 'api_key', id: '0190c6f4-...' } })
  resource!: { type: string; id: string | null };
  @ApiProperty({ nullable: true, type: String, description: 'The X-Request-Id of the request' })
  requestId!: string | null;
  @ApiProperty({ description: 'SHA-256 of this row and the previous row’s hash' }) hash!: string;
  @ApiProperty() prevHash!: string;

  static from(row: AuditRecord): AuditRecordDto {
    return {
      id: row.id,
      seq: row.seq,
      tenantId: row.tenantId,
      occurredAt: row.occurredAt,
      actor: { kind: row.actorKind, id: row.actorId },
      action: row.action,
      resource: { type: row.resourceType, id: row.resourceId },
      requestId: row.requestId,
      hash: row.hash,
      prevHash: row.prevHash,
    };
  }
}

export class AuditPageDto extends PageInfoDoc {
  @ApiProperty({ type: [AuditRecordDto] }) items!: AuditRecordDto[];
}

export class BrokenLinkDto {
  @ApiProperty() seq!: number;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) id!: string | null;
  @ApiProperty({
    enum: ['hash_mismatch', 'prev_hash_mismatch', 'seq_gap', 'missing_tail', 'bad_checkpoint'],
  })
  reason!: string;
}

export class ChainVerdictDto {
  @ApiProperty({ description: 'The tenant id, or `platform`' }) chain!: string;
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'Rows re-hashed' }) checked!: number;
  @ApiProperty({ description: 'Seq of the signed retention checkpoint the walk started after' })
  checkpointSeq!: number;
  @ApiProperty() headSeq!: number;
  @ApiProperty({ type: BrokenLinkDto, nullable: true }) firstBroken!: BrokenLinkDto | null;
}

export class ChainVerdictListDto {
  @ApiProperty({ type: [ChainVerdictDto] }) chains!: ChainVerdictDto[];
}
