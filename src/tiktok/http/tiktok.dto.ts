import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class StartTikTokConnectDto {
  @ApiProperty({
    example: 'shop-tiktok',
    description: 'Your handle for this account (usable wherever an account id is asked)',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: 'name must be letters, digits, dot, dash or underscore (max 64)',
  })
  name!: string;

  @ApiProperty({
    example: 'BR',
    description:
      'ISO 3166-1 alpha-2 country the TikTok Business account is registered in. Accounts of ' +
      'the EEA, Switzerland and the UK are refused: TikTok excludes them from Business Messaging',
  })
  @IsString()
  @Matches(/^[A-Za-z]{2}$/, { message: 'registrationRegion must be a two-letter country code' })
  registrationRegion!: string;
}

export class TikTokCallbackQueryDto {
  @ApiProperty({ description: "TikTok's authorisation code" })
  @IsString()
  @Length(1, 2048)
  code!: string;

  @ApiProperty({ description: 'The state issued by POST /api/v2/tiktok/accounts' })
  @IsString()
  @Length(1, 2048)
  state!: string;
}

export class TikTokAuthorizationDto {
  @ApiProperty({ description: "Open this in the account holder's browser" })
  authorizeUrl!: string;
  @ApiProperty()
  state!: string;
  @ApiProperty()
  expiresAt!: Date;
}
