import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import { SENDER_ACTIONS, SenderAction } from '@core/channel/outbound-message';
import { INSTAGRAM_FLAVOURS, InstagramFlavour } from '@app/instagram/graph/instagram.credentials';

export class ConnectInstagramAccountDto {
  @ApiProperty({
    example: 'shop-instagram',
    description: 'Your handle for this account (usable wherever an account id is asked)',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: 'name must be letters, digits, dot, dash or underscore (max 64)',
  })
  name!: string;

  @ApiProperty({
    example: '17841400000000001',
    description:
      'Instagram professional account id (the `user_id` of Instagram Login, the ' +
      '`instagram_business_account` of the linked Page); webhooks name it as entry[].id',
  })
  @IsString()
  @Matches(/^\d{5,32}$/, { message: 'accountId must be digits' })
  accountId!: string;

  @ApiProperty({
    enum: INSTAGRAM_FLAVOURS,
    description:
      'instagram-login: Instagram API with Instagram Login (graph.instagram.com, Instagram user ' +
      'token); facebook-login: Messenger API for Instagram (graph.facebook.com, Page token)',
  })
  @IsIn(INSTAGRAM_FLAVOURS)
  flavour!: InstagramFlavour;

  @ApiProperty({ description: 'Instagram user token or Page token; stored encrypted' })
  @IsString()
  @Length(20, 1024)
  // It travels in an Authorization header: any other character makes every Graph call fail.
  @Matches(/^[\x21-\x7e]+$/, { message: 'accessToken must be printable ASCII without spaces' })
  accessToken!: string;

  @ApiPropertyOptional({
    example: '104230000000001',
    description: 'The Facebook Page linked to the account (required with facebook-login)',
  })
  @ValidateIf((dto: ConnectInstagramAccountDto) => dto.flavour === 'facebook-login')
  @IsString({ message: 'pageId is required with facebook-login' })
  @Matches(/^\d{5,32}$/, { message: 'pageId must be digits' })
  pageId?: string;

  @ApiPropertyOptional({
    description: "This account's Meta app secret if it differs from META_APP_SECRET (webhooks)",
  })
  @IsOptional()
  @IsString()
  @Length(16, 256)
  appSecret?: string;

  @ApiPropertyOptional({
    description:
      "The verify token set in this account's Meta app dashboard, if it is not " +
      'META_VERIFY_TOKEN; stored as a hash',
  })
  @IsOptional()
  @IsString()
  @Length(8, 256)
  verifyToken?: string;

  @ApiPropertyOptional({
    description:
      'A person answers through this account: sends carry the HUMAN_AGENT tag and may go out ' +
      "up to 7 days after the person's last message (24 hours otherwise)",
  })
  @IsOptional()
  @IsBoolean()
  humanAgentTag?: boolean;
}

/** A presence signal to one person: typing on or off, or their messages marked seen. */
export class InstagramSenderActionDto {
  @ApiProperty({ example: 'shop-instagram', description: 'The Instagram account (id or name)' })
  @IsString()
  @Length(1, 64)
  channelAccountId!: string;

  @ApiProperty({ example: '7000000000000001', description: "The person's IGSID" })
  @IsString()
  @Matches(/^\d{5,32}$/, { message: 'to must be an IGSID (digits)' })
  to!: string;

  @ApiProperty({ enum: SENDER_ACTIONS })
  @IsIn(SENDER_ACTIONS, { message: `action must be one of ${SENDER_ACTIONS.join(', ')}` })
  action!: SenderAction;
}
