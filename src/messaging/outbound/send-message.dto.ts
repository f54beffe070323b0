import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  MESSAGE_TYPES,
  MessageType,
  SENDER_ACTIONS,
  SenderAction,
} from '@core/channel/outbound-message';
import { IsPublicLink } from '@core/http/is-public-link.validator';
import { PURPOSE_PATTERN, SYSTEM_PURPOSES } from './send-purpose';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsLatitude,
  IsLongitude,
  IsNotEmpty,
  IsNotIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

const MEDIA_TYPES: readonly MessageType[] = [
  'image',
  'video',
  'document',
  'audio',
  'sticker',
  'media',
];

const QUICK_REPLY_TYPES = ['text', 'phone', 'email'] as const;

export class QuickReplyDto {
  @ApiProperty({
    enum: QUICK_REPLY_TYPES,
    description: "text: a preset answer; phone / email: the person's own, from their profile",
  })
  @IsIn(QUICK_REPLY_TYPES)
  type!: (typeof QUICK_REPLY_TYPES)[number];

  @ApiPropertyOptional({ example: 'Book a visit', description: 'Shown on the button (text)' })
  @ValidateIf((reply: QuickReplyDto) => reply.type === 'text')
  @IsString()
  @Length(1, 80)
  title?: string;

  @ApiPropertyOptional({ example: 'BOOK_VISIT', description: 'Sent back when tapped (text)' })
  @ValidateIf((reply: QuickReplyDto) => reply.type === 'text')
  @IsString()
  @Length(1, 1000)
  payload?: string;
}

export class TextContentDto {
  // The longest any channel takes (TikTok); each channel's own cap is its rule's (WhatsApp 4,096
  // characters, Instagram 1,000 bytes), refused naming `text.body`.
  @ApiProperty({
    example: 'Your appointment is confirmed for 14:00.',
    maxLength: 6000,
    description:
      "At most the channel's own limit: WhatsApp 4,096 characters, Instagram 1,000 bytes, TikTok 6,000 characters",
  })
  @IsString()
  @Length(1, 6000)
  body!: string;

  @ApiPropertyOptional({ description: 'Render a preview of the first URL in the text' })
  @IsOptional()
  @IsBoolean()
  previewUrl?: boolean;

  @ApiPropertyOptional({
    type: [QuickReplyDto],
    description:
      "Preset answers shown under the text, where the account's platform has them " +
      '(otherwise 422 naming text.quickReplies)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(13)
  @ValidateNested({ each: true })
  @Type(() => QuickReplyDto)
  quickReplies?: QuickReplyDto[];
}

export class MediaContentDto {
  @ApiPropertyOptional({
    example: 'https://cdn.example.com/receipt.pdf',
    description:
      'Public HTTPS URL the platform fetches (port 443, no user info, not a private or internal ' +
      'host), or use mediaId',
  })
  @ValidateIf((media: MediaContentDto) => media.mediaId === undefined)
  @IsString({ message: 'media.url must be a URL (or give media.mediaId)' })
  @IsPublicLink()
  url?: string;

  @ApiPropertyOptional({
    example: '1037543291543636',
    description: 'Id of media already uploaded to the platform',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  mediaId?: string;

  @ApiPropertyOptional({ example: 'receipt.pdf' })
  @IsOptional()
  @IsString()
  @MaxLength(240)
  filename?: string;

  @ApiPropertyOptional({ example: 'Your receipt', maxLength: 1024 })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  caption?: string;
}

export class LocationContentDto {
  @ApiProperty({ example: -23.5614 })
  @IsLatitude()
  latitude!: number;

  @ApiProperty({ example: -46.6559 })
  @IsLongitude()
  longitude!: number;

  @ApiPropertyOptional({ example: 'Clínica Sorriso' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  name?: string;

  @ApiPropertyOptional({ example: 'Av. Paulista, 1000 - São Paulo' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  address?: string;
}

export class TemplateContentDto {
  @ApiProperty({ example: 'appointment_reminder' })
  @IsString()
  @Matches(/^[a-z0-9_]{1,512}$/, {
    message: 'template.name must be lowercase letters, digits and underscores',
  })
  name!: string;

  @ApiProperty({ example: 'pt_BR' })
  @IsString()
  @Matches(/^[a-z]{2,3}(_[A-Z]{2})?$/, {
    message: 'template.language must look like en_US or pt_BR',
  })
  language!: string;

  @ApiPropertyOptional({
    description: 'Template components with their parameters, as the platform documents them',
    example: [
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Maria' },
          { type: 'text', text: '14:00' },
        ],
      },
    ],
  })
  @IsOptional()
  @IsArray()
  @IsObject({ each: true })
  components?: Record<string, unknown>[];
}

export class ReactionContentDto {
  @ApiProperty({ description: 'Omnihub id or provider id of the message reacted to' })
  @IsString()
  @IsNotEmpty()
  messageId!: string;

  @ApiProperty({ example: '👍', description: 'An emoji; empty string removes the reaction' })
  @IsString()
  @MaxLength(16)
  emoji!: string;
}

/** POST /api/v2/messages: one message to one recipient through one channel account. */
export class SendMessageDto {
  @ApiProperty({
    example: 'main-line',
    description: 'Channel account id or its name (the frontend\'s "instanceId")',
  })
  @IsString()
  @IsNotEmpty()
  channelAccountId!: string;

  @ApiProperty({
    example: '+5511987654321',
    description: "Recipient: E.164 phone number or the channel's own address for the person",
  })
  @IsString()
  @Matches(/^\+?[0-9A-Za-z._:@-]{3,64}$/, {
    message: 'to must be an E.164 number or a channel address',
  })
  to!: string;

  @ApiProperty({ enum: MESSAGE_TYPES })
  @IsIn(MESSAGE_TYPES)
  type!: MessageType;

  @ApiPropertyOptional({ type: TextContentDto })
  @ValidateIf((dto: SendMessageDto) => dto.type === 'text')
  @ValidateNested()
  @Type(() => TextContentDto)
  @IsObject({ message: 'text is required for type text' })
  text?: TextContentDto;

  @ApiPropertyOptional({ type: MediaContentDto })
  @ValidateIf((dto: SendMessageDto) => MEDIA_TYPES.includes(dto.type))
  @ValidateNested()
  @Type(() => MediaContentDto)
  @IsObject({ message: 'media is required for media types' })
  media?: MediaContentDto;

  @ApiPropertyOptional({ type: LocationContentDto })
  @ValidateIf((dto: SendMessageDto) => dto.type === 'location')
  @ValidateNested()
  @Type(() => LocationContentDto)
  @IsObject({ message: 'location is required for type location' })
  location?: LocationContentDto;

  @ApiPropertyOptional({ type: TemplateContentDto })
  @ValidateIf((dto: SendMessageDto) => dto.type === 'template')
  @ValidateNested()
  @Type(() => TemplateContentDto)
  @IsObject({ message: 'template is required for type template' })
  template?: TemplateContentDto;

  @ApiPropertyOptional({
    description: "Interactive buttons or list, in the platform's documented shape",
    example: {
      type: 'button',
      body: { text: 'Confirm?' },
      action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }] },
    },
  })
  @ValidateIf((dto: SendMessageDto) => dto.type === 'interactive')
  @IsObject({ message: 'interactive is required for type interactive' })
  interactive?: Record<string, unknown>;

  @ApiPropertyOptional({ type: ReactionContentDto })
  @ValidateIf((dto: SendMessageDto) => dto.type === 'reaction')
  @ValidateNested()
  @Type(() => ReactionContentDto)
  @IsObject({ message: 'reaction is required for type reaction' })
  reaction?: ReactionContentDto;

  @ApiPropertyOptional({
    description:
      "Contact cards (name, phones, emails...); the account's platform may require parts " +
      '(WhatsApp: name.formatted_name)',
    example: [
      {
        name: { formatted_name: 'Clínica Sorriso', first_name: 'Clínica' },
        phones: [{ phone: '+551130000000', type: 'WORK' }],
      },
    ],
  })
  @ValidateIf((dto: SendMessageDto) => dto.type === 'contacts')
  @IsArray({ message: 'contacts is required for type contacts' })
  @ArrayMinSize(1)
  @ArrayMaxSize(257)
  @IsObject({ each: true })
  contacts?: Record<string, unknown>[];

  @ApiPropertyOptional({
    enum: SENDER_ACTIONS,
    description: 'Typing indicator or read marker, for type sender_action',
  })
  @ValidateIf((dto: SendMessageDto) => dto.type === 'sender_action')
  @IsIn(SENDER_ACTIONS, { message: `senderAction must be one of ${SENDER_ACTIONS.join(', ')}` })
  senderAction?: SenderAction;

  @ApiPropertyOptional({
    description: 'Omnihub id or provider id of the message this one replies to',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  replyTo?: string;

  @ApiPropertyOptional({
    description:
      "What the send is for, judged against the contact's consent: `service`, `marketing`, " +
      "`reminders` or one of the tenant's own purposes. Without it, a template's platform " +
      'category decides (MARKETING → marketing, UTILITY and AUTHENTICATION → service; a ' +
      'template of unknown category counts as marketing) and anything else is `service`.',
    example: 'reminders',
    pattern: PURPOSE_PATTERN.source,
  })
  @IsOptional()
  @Matches(PURPOSE_PATTERN, {
    message: 'purpose must be lower case letters, digits and underscores (at most 32)',
  })
  @IsNotIn(SYSTEM_PURPOSES, { message: 'purpose is reserved for Omnihub itself' })
  purpose?: string;
}

export class AcceptedMessageDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    example: 'queued',
    enum: ['queued', 'sending', 'unknown', 'sent', 'delivered', 'read', 'failed'],
  })
  status!: string;

  @ApiProperty({ example: 'http://localhost:3000/api/v2/messages/01939b6e-…' })
  url!: string;

  @ApiProperty({
    description: 'True when the Idempotency-Key matched an earlier request: nothing new was queued',
  })
  duplicate!: boolean;
}
