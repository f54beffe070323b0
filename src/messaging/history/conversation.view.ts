import { ApiProperty } from '@nestjs/swagger';
import { PageInfoDoc } from '@core/api/pagination';
import type { MessageDirection } from '@app/messaging/entities/message.entity';

/**
 * How much of a text message the conversation list shows. The copy on the conversation row
 * holds a plain text already cut to this (message_preview_text, migration 1795405000000):
 * changing it takes a migration that redefines that function and refreshes the copies.
 */
export const PREVIEW_CHARS = 120;

export class ConversationAccountDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'whatsapp' })
  hub!: string;

  @ApiProperty({ example: 'meta-cloud' })
  provider!: string;

  @ApiProperty({ example: 'main-line' })
  name!: string;
}

export class ConversationContactDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Maria Souza', nullable: true, type: String })
  displayName!: string | null;

  @ApiProperty({ example: '+5511987654321', nullable: true, type: String })
  phone!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "The picture a platform's profile lookup gave (Instagram: a signed CDN link that expires " +
      'after some days; show initials when it no longer loads)',
  })
  avatarUrl!: string | null;
}

export class LastMessagePreviewDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['inbound', 'outbound'] })
  direction!: MessageDirection;

  @ApiProperty({ example: 'text' })
  type!: string;

  @ApiProperty({
    example: 'Olá! Posso remarcar minha consulta?',
    nullable: true,
    type: String,
    description: `The first ${PREVIEW_CHARS} characters of a text message; null for other types`,
  })
  text!: string | null;

  @ApiProperty()
  createdAt!: Date;
}

export class ConversationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: ConversationAccountDto })
  channelAccount!: ConversationAccountDto;

  @ApiProperty({ type: ConversationContactDto })
  contact!: ConversationContactDto;

  @ApiProperty({ enum: ['open', 'closed'] })
  status!: 'open' | 'closed';

  @ApiProperty({ example: '2031-07-13T10:11:12.987Z' })
  lastMessageAt!: Date;

  @ApiProperty({
    nullable: true,
    type: Date,
    description: "When the contact last wrote (opens WhatsApp's 24-hour window)",
  })
  lastInboundAt!: Date | null;

  @ApiProperty({ type: LastMessagePreviewDto, nullable: true })
  lastMessage!: LastMessagePreviewDto | null;
}

export class ConversationPageDto extends PageInfoDoc {
  @ApiProperty({ type: [ConversationDto] })
  items!: ConversationDto[];
}
