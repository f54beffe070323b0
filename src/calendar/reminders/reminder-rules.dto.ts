import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsObject,
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  BODY_PARAMETERS,
  REPLY_ACTIONS,
  type BodyParameter,
  type ReplyAction,
} from './reminder-rule';

export class ReminderTemplateDto {
  @ApiProperty({ example: 'lembrete_consulta', description: 'An approved WhatsApp template' })
  @IsString()
  @Matches(/^[a-z0-9_]{1,512}$/)
  name!: string;

  @ApiProperty({ example: 'pt_BR' })
  @IsString()
  @Matches(/^[a-z]{2,3}(_[A-Z]{2})?$/)
  language!: string;
}

export class ConfirmationTextsDto {
  @ApiProperty({ example: 'Obrigado! Sua consulta está confirmada.' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  confirm!: string;

  @ApiProperty({ example: 'Certo! Vamos entrar em contato para remarcar.' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  reschedule!: string;

  @ApiProperty({ example: 'Sua consulta foi cancelada.' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  cancel!: string;
}

/** A reminder rule as the frontend sends it: POST creates one, PUT replaces one whole. */
export class ReminderRuleDto {
  @ApiProperty({ example: '24 h antes' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ example: 1440, description: 'Minutes before the start (5 min to 30 days)' })
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(43_200)
  offsetMinutes!: number;

  @ApiProperty({ description: 'The WhatsApp channel account (id or name) that sends' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  channelAccountId!: string;

  @ApiProperty({ type: ReminderTemplateDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ReminderTemplateDto)
  template!: ReminderTemplateDto;

  @ApiProperty({
    enum: BODY_PARAMETERS,
    isArray: true,
    example: ['contact_name', 'date', 'time', 'professional'],
    description: "The template body's {{1}}, {{2}}… in order; date/time in the tenant's zone",
  })
  @IsArray()
  @ArrayMaxSize(10)
  @IsIn(BODY_PARAMETERS, { each: true })
  bodyParameters!: BodyParameter[];

  @ApiProperty({
    enum: REPLY_ACTIONS,
    isArray: true,
    example: ['confirm', 'reschedule', 'cancel'],
    description: "The action of each of the template's quick-reply buttons, in button order",
  })
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(REPLY_ACTIONS, { each: true })
  buttons!: ReplyAction[];

  @ApiProperty({ type: ConfirmationTextsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ConfirmationTextsDto)
  confirmationTexts!: ConfirmationTextsDto;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class ReminderRuleViewDto extends ReminderRuleDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  createdAt!: string;

  @ApiProperty()
  updatedAt!: string;
}
