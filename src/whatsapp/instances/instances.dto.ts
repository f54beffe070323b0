import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches } from 'class-validator';

export class ConnectInstanceDto {
  @ApiProperty({
    example: 'loja-centro',
    description: 'Your handle for this WhatsApp line (created on first connect)',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: 'instanceId must be letters, digits, dot, dash or underscore (max 64)',
  })
  instanceId!: string;

  @ApiProperty({ description: "Must be the caller's tenant id" })
  @IsUUID()
  businessId!: string;

  @ApiPropertyOptional({
    example: '5511999999999',
    description: 'Phone number (digits, with country code) to receive a pairing code for',
  })
  @IsOptional()
  @Matches(/^\d{8,15}$/, { message: 'number must be 8 to 15 digits with country code' })
  number?: string;
}

export class QrCodeDto {
  @ApiPropertyOptional({ description: 'PNG data URL of the QR code' })
  base64?: string;

  @ApiPropertyOptional({ description: 'Raw QR text' })
  code?: string;

  @ApiPropertyOptional({ description: 'Code to type on the phone instead of scanning' })
  pairingCode?: string;
}

/** Evolution's session state, or `unknown` when the server could not be asked. */
export type InstanceState = 'open' | 'connecting' | 'close' | 'unknown';

export class ConnectedInstanceDto {
  @ApiProperty({ example: 'loja-centro' })
  instanceId!: string;

  @ApiProperty()
  accountId!: string;

  @ApiProperty({ enum: ['open', 'connecting', 'close', 'unknown'] })
  state!: InstanceState;

  @ApiPropertyOptional({ type: QrCodeDto })
  qrCode?: QrCodeDto;
}

export class InstanceSummaryDto {
  @ApiProperty({ example: 'loja-centro' })
  instanceId!: string;

  @ApiProperty()
  accountId!: string;

  @ApiProperty({ example: 'active' })
  status!: string;

  @ApiProperty({ enum: ['open', 'connecting', 'close', 'unknown'] })
  state!: InstanceState;
}

export class RecoveryResultDto {
  @ApiProperty({ example: 'loja-centro' })
  instanceId!: string;

  @ApiProperty({ enum: ['reconnected', 'pairing', 'failed'] })
  outcome!: 'reconnected' | 'pairing' | 'failed';

  @ApiPropertyOptional({ example: 'PLATFORM.NETWORK', description: 'Why it failed' })
  code?: string;
}
