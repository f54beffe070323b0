import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageInfoDoc } from '@core/api/pagination';
import { ConsentEvidenceDto } from './consent.dto';
import { CONSENT_SOURCES } from './consent-terms';

export class ConsentDecisionView {
  @ApiProperty({ example: 'marketing' })
  purpose!: string;

  @ApiProperty({ example: 'whatsapp' })
  channel!: string;

  @ApiProperty({ enum: ['granted', 'withdrawn', 'restored'] })
  state!: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: Date;
}

export class ConsentEventView extends ConsentDecisionView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  contactId!: string;

  @ApiProperty({ enum: CONSENT_SOURCES })
  source!: string;

  @ApiProperty({ type: ConsentEvidenceDto })
  evidence!: ConsentEvidenceDto;

  @ApiProperty({ example: 'api-key:0193…', description: 'Who recorded it' })
  actor!: string;

  @ApiProperty({ format: 'date-time' })
  recordedAt!: Date;
}

export class ConsentEventPageView extends PageInfoDoc {
  @ApiProperty({ type: [ConsentEventView] })
  items!: ConsentEventView[];
}

export class CurrentConsentView {
  @ApiProperty({ format: 'uuid' })
  contactId!: string;

  @ApiProperty({ example: 'whatsapp', description: 'The channel the answer is for (`*`: all)' })
  channel!: string;

  @ApiProperty({ type: [ConsentDecisionView], description: 'The latest decision per scope' })
  decisions!: ConsentDecisionView[];

  @ApiProperty({
    example: { service: true, marketing: false, reminders: true },
    description: "Whether a send for each of the tenant's purposes may go now on this channel",
  })
  allowed!: Record<string, boolean>;
}

export class ImportRowReportView {
  @ApiProperty({ description: 'The row index (0-based; CSV: the data row after the header)' })
  row!: number;

  @ApiProperty({ enum: ['recorded', 'duplicate', 'invalid', 'not_found'] })
  status!: 'recorded' | 'duplicate' | 'invalid' | 'not_found';

  @ApiPropertyOptional({ format: 'uuid' })
  contactId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  eventId?: string;

  @ApiPropertyOptional({ description: 'What is wrong with the row, by field' })
  errors?: { field: string; message: string }[];
}

export class ImportReportView {
  @ApiProperty()
  recorded!: number;

  @ApiProperty()
  duplicates!: number;

  @ApiProperty()
  rejected!: number;

  @ApiProperty({ type: [ImportRowReportView] })
  rows!: ImportRowReportView[];
}
