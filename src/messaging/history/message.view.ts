import { ApiProperty } from '@nestjs/swagger';
import { PageInfoDoc } from '@core/api/pagination';
import type { MessageDirection, MessageStatus } from '@app/messaging/entities/message.entity';
import { MESSAGE_STATUSES } from './history-query.dto';

export class MessageErrorDto {
  @ApiProperty({ example: '131026', description: "The platform's error code" })
  code!: string;

  @ApiProperty({ example: 'Message undeliverable' })
  title!: string;
}

export class RepliedToMessageDto {
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    example: '01939b6e-4c1a-7f3e-9b2d-5a8c0e1f2a3b',
    description:
      'Our id of the replied-to message (GET /api/v2/messages/{id}); null when we never ' +
      'stored it (sent before the account was connected, or not arrived yet when the reply was)',
  })
  messageId!: string | null;

  @ApiProperty({
    example: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjQ2QTk4RkE2QzY5QjI5MzY2AA==',
    description:
      "The platform's id of the replied-to message (Meta context.id, Evolution stanzaId)",
  })
  providerMessageId!: string;
}

export class ReferredProductDto {
  @ApiProperty({ example: '194836987003835', description: 'The Meta catalog' })
  catalogId!: string;

  @ApiProperty({ example: 'SKU-CLEAR-ALIGNERS-01', description: "The item's id (SKU) in it" })
  productRetailerId!: string;
}

export class MessageDto {
  @ApiProperty({ format: 'uuid', description: 'UUIDv7: ordering by id is ordering by creation' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ enum: ['inbound', 'outbound'] })
  direction!: MessageDirection;

  @ApiProperty({ example: 'text' })
  type!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { text: 'Olá! Posso remarcar minha consulta?' },
    description: 'Channel-agnostic content of the message type',
  })
  content!: Record<string, unknown>;

  @ApiProperty({
    enum: MESSAGE_STATUSES,
    description:
      'Outbound: queued → sending → sent → delivered → read, or failed (`error` says why). ' +
      '`sending`: a worker is handing it to the platform right now. `unknown`: the platform ' +
      'may or may not have it (no answer after the send was written, or the worker stopped ' +
      'mid-send; `error` says which). It is never sent again by itself: a status or echo from ' +
      'the platform settles it, or an operator does (POST /api/v2/messages/{id}/outcome, or ' +
      're-drive it by id to send it anyway).',
  })
  status!: MessageStatus;

  @ApiProperty({ example: 'meta-cloud' })
  provider!: string;

  @ApiProperty({
    example: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFjNFQjA',
    nullable: true,
    type: String,
  })
  providerMessageId!: string | null;

  @ApiProperty({
    type: MessageErrorDto,
    nullable: true,
    description:
      'Why it failed, or why its outcome is unknown (PLATFORM.OUTCOME_UNKNOWN, ' +
      'MESSAGE.SEND_INTERRUPTED); TENANT.SUSPENDED for sends a suspension stopped',
  })
  error!: MessageErrorDto | null;

  @ApiProperty({
    type: RepliedToMessageDto,
    nullable: true,
    description: 'The message this one quotes or answers; null when it answers none',
  })
  replyTo!: RepliedToMessageDto | null;

  @ApiProperty({
    type: ReferredProductDto,
    nullable: true,
    description:
      'The catalog product a customer asks about ("Message business" on a product, Meta ' +
      'context.referred_product); null otherwise',
  })
  referredProduct!: ReferredProductDto | null;

  @ApiProperty({
    nullable: true,
    type: Date,
    example: '2031-07-13T10:11:09.000Z',
    description:
      "When the sender sent it by the platform's clock (Meta's and Evolution's timestamp, " +
      "whole seconds): the customer's own send time, or the phone app's for messages the " +
      'business sent there. Null for messages sent through Omnihub (see sentAt).',
  })
  platformTimestamp!: Date | null;

  @ApiProperty({
    nullable: true,
    type: Date,
    description:
      'When the sender last edited it (platform clock; `content` holds the new text); null if never',
  })
  editedAt!: Date | null;

  @ApiProperty({
    nullable: true,
    type: Date,
    description:
      'When the sender deleted (unsent) it (platform clock); its `content` is then removed ({})',
  })
  deletedAt!: Date | null;

  @ApiProperty({
    example: '2031-07-13T10:11:10.284Z',
    description: 'When Omnihub received (inbound) or queued (outbound) it',
  })
  createdAt!: Date;

  @ApiProperty({ nullable: true, type: Date })
  sentAt!: Date | null;

  @ApiProperty({ nullable: true, type: Date })
  deliveredAt!: Date | null;

  @ApiProperty({ nullable: true, type: Date })
  readAt!: Date | null;

  @ApiProperty({ nullable: true, type: Date })
  failedAt!: Date | null;
}

export class MessagePageDto extends PageInfoDoc {
  @ApiProperty({ type: [MessageDto] })
  items!: MessageDto[];
}

export class StatusHistoryEntryDto {
  @ApiProperty({ enum: MESSAGE_STATUSES })
  status!: MessageStatus;

  @ApiProperty({ example: '2031-07-13T10:11:13.120Z' })
  at!: Date;
}

export class MessageDetailDto extends MessageDto {
  @ApiProperty({
    type: [StatusHistoryEntryDto],
    description: 'Every status the message reached, in lifecycle order',
  })
  history!: StatusHistoryEntryDto[];
}
