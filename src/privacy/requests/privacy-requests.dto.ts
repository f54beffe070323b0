import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateNested,
} from 'class-validator';
import { PageInfoDoc } from '@core/api/pagination';
import type { PrivacyRequestRow, ReceiptRow } from './privacy-request';

export class ContactIdentityDto {
  @ApiProperty({ example: 'phone', description: 'An identity kind: phone, wa_id, igsid...' })
  @IsString()
  @Length(1, 32)
  type!: string;

  @ApiProperty({ example: '+5511999990000' })
  @IsString()
  @Length(1, 256)
  value!: string;
}

export class ContactReferenceDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The contact id; or give `identity`' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiPropertyOptional({ type: ContactIdentityDto, description: 'A phone number or handle' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ContactIdentityDto)
  identity?: ContactIdentityDto;
}

export class CreatePrivacyRequestDto {
  @ApiProperty({ enum: ['export', 'erasure'] })
  @IsIn(['export', 'erasure'])
  type!: 'export' | 'erasure';

  @ApiProperty({ type: ContactReferenceDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ContactReferenceDto)
  contact!: ContactReferenceDto;
}

export class KeptItemDto {
  @ApiProperty() what!: string;
  @ApiProperty() reason!: string;
}

export class ReceiptDto {
  @ApiProperty({ example: 'messaging' }) contributor!: string;
  @ApiProperty({ example: { contacts: 1, messages: 12 } }) deleted!: Record<string, number>;
  @ApiProperty({ type: [KeptItemDto] }) kept!: KeptItemDto[];
  @ApiProperty({ type: String, format: 'date-time' }) receivedAt!: Date;
}

export class ExportDownloadDto {
  @ApiProperty({ description: 'Signed link; works without an API key until it expires' })
  url!: string;
  @ApiProperty({ type: String, format: 'date-time' }) expiresAt!: Date;
}

export class PrivacyRequestDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['export', 'erasure'] }) type!: string;
  @ApiProperty({ format: 'uuid' }) contactId!: string;
  @ApiProperty({ enum: ['pending', 'processing', 'completed', 'failed'] }) status!: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'LGPD deadline' }) dueAt!: Date;
  @ApiProperty({ description: 'Not completed and past its due date' }) overdue!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'Code of the last failed attempt' })
  errorCode!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: Date | null;
  @ApiPropertyOptional({ type: [ReceiptDto], description: 'Erasure: one per module' })
  receipts?: ReceiptDto[];
  @ApiPropertyOptional({ type: ExportDownloadDto, description: 'Completed export, until expiry' })
  download?: ExportDownloadDto;

  static from(row: PrivacyRequestRow, now = new Date()): PrivacyRequestDto {
    return {
      id: row.id,
      type: row.type,
      contactId: row.contactId,
      status: row.status,
      dueAt: row.dueAt,
      overdue: row.status !== 'completed' && row.dueAt < now,
      errorCode: row.errorCode,
      createdAt: row.createdAt,
      completedAt: row.completedAt,
    };
  }

  static receipt(row: ReceiptRow): ReceiptDto {
    return {
      contributor: row.contributor,
      deleted: row.receipt.deleted,
      kept: row.receipt.kept,
      receivedAt: row.createdAt,
    };
  }
}

export class PrivacyRequestPageDto extends PageInfoDoc {
  @ApiProperty({ type: [PrivacyRequestDto] }) items!: PrivacyRequestDto[];
}
