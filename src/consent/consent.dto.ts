import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsIP,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PURPOSE_PATTERN } from '@app/messaging/outbound/send-purpose';
import { CHANNEL_PATTERN, CONSENT_STATES, EVERY } from './consent-terms';

/** Rows one import may carry (JSON or CSV). */
export const MAX_IMPORT_ROWS = 5_000;

const PURPOSE_OR_EVERY = new RegExp(`^(\\*|${PURPOSE_PATTERN.source.slice(1, -1)})$`);

export class ConsentEvidenceDto {
  @ApiPropertyOptional({ description: 'Omnihub id of the message the consent was given in' })
  @IsOptional()
  @IsUUID()
  messageId?: string;

  @ApiPropertyOptional({
    description: 'The consent wording the person was shown',
    example: 'Aceito receber ofertas da Clínica Sorriso pelo WhatsApp.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4_000)
  wording?: string;

  @ApiPropertyOptional({
    description: 'IP address of the web form submission',
    example: '203.0.113.7',
  })
  @IsOptional()
  @IsIP()
  ipAddress?: string;

  @ApiPropertyOptional({ description: 'User agent of the web form submission' })
  @IsOptional()
  @IsString()
  @MaxLength(1_000)
  userAgent?: string;
}

/** A consent decision about one contact. */
export class ConsentDecisionDto {
  @ApiProperty({
    example: 'marketing',
    description:
      "`service`, `marketing`, `reminders`, one of the tenant's purposes, or `*` for all",
  })
  @IsString()
  @Matches(PURPOSE_OR_EVERY, { message: 'purpose must be a purpose name or *' })
  purpose!: string;

  @ApiPropertyOptional({
    example: 'whatsapp',
    default: EVERY,
    description: 'The channel (`whatsapp`, `instagram`...) or `*` for every channel',
  })
  @IsOptional()
  @IsString()
  @Matches(CHANNEL_PATTERN, { message: 'channel must be a channel name or *' })
  channel?: string;

  @ApiProperty({ enum: CONSENT_STATES })
  @IsIn(CONSENT_STATES)
  state!: (typeof CONSENT_STATES)[number];

  @ApiPropertyOptional({
    enum: ['api', 'bitrix24'],
    default: 'api',
    description: 'Where the decision came from (imports and keywords set their own)',
  })
  @IsOptional()
  @IsIn(['api', 'bitrix24'])
  source?: 'api' | 'bitrix24';

  @ApiPropertyOptional({ type: ConsentEvidenceDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ConsentEvidenceDto)
  evidence?: ConsentEvidenceDto;

  @ApiPropertyOptional({ description: 'When the person decided; default now', format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string;
}

export class ContactRefDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiPropertyOptional({ example: '+5511987654321' })
  @IsOptional()
  @Matches(/^\+?\d{6,15}$/, { message: 'phone must be an E.164 number' })
  phone?: string;

  @ApiPropertyOptional({ example: 'instagram', description: 'With `handle`' })
  @IsOptional()
  @Matches(CHANNEL_PATTERN)
  channel?: string;

  @ApiPropertyOptional({
    description: "The contact's id on that channel (e.g. an Instagram IGSID)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  handle?: string;
}

export class RecordConsentDto extends ConsentDecisionDto {
  @ApiProperty({
    type: ContactRefDto,
    description: 'The contact by id, phone, or channel + handle (created when new, except by id)',
  })
  @IsObject()
  @ValidateNested()
  @Type(() => ContactRefDto)
  contact!: ContactRefDto;
}

export class LookupConsentDto {
  @ApiProperty({ type: ContactRefDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ContactRefDto)
  contact!: ContactRefDto;

  @ApiPropertyOptional({ example: 'whatsapp', default: EVERY })
  @IsOptional()
  @Matches(CHANNEL_PATTERN)
  channel?: string;
}

export class ChannelQueryDto {
  @ApiPropertyOptional({ example: 'whatsapp', default: EVERY })
  @IsOptional()
  @Matches(CHANNEL_PATTERN)
  channel?: string;
}

export class ImportConsentDto {
  @ApiProperty({
    description:
      'Up to 5000 decisions, each as in POST /consent/records; each is checked and recorded ' +
      'on its own and reported by its index',
    type: [RecordConsentDto],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IMPORT_ROWS)
  @IsObject({ each: true })
  rows!: Record<string, unknown>[];
}
