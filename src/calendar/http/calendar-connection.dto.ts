import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ConsentUrlDto {
  @ApiProperty({ example: 'https://accounts.google.com/o/oauth2/v2/auth?access_type=offline&...' })
  url!: string;

  @ApiProperty({ description: 'The URL (its state) is refused after this' })
  expiresAt!: Date;
}

export class GrantedCalendarDto {
  @ApiProperty({ example: 'dra.ana@clinica.example' })
  calendarId!: string;

  @ApiProperty({ example: 'Dra. Ana' })
  summary!: string;

  @ApiProperty({ example: 'America/Sao_Paulo' })
  timeZone!: string;

  @ApiProperty()
  primary!: boolean;

  @ApiProperty({ example: 'owner' })
  accessRole!: string;
}

export class CalendarConnectionDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ example: 'clinica@example.com' })
  googleAccount!: string;

  @ApiProperty({
    enum: ['active', 'needs_reauth'],
    description: 'needs_reauth: Google refused the grant; reconnect through oauth/url',
  })
  status!: string;

  @ApiProperty({ type: [String] })
  scopes!: string[];

  @ApiProperty({ type: [GrantedCalendarDto] })
  calendars!: GrantedCalendarDto[];

  @ApiProperty()
  createdAt!: Date;

  @ApiPropertyOptional()
  updatedAt!: Date;
}
