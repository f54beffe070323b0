import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** Which circuits of the hub to reset; none named resets every circuit the caller may see. */
export class ResetCircuitsDto {
  @ApiPropertyOptional({ example: 'meta-cloud', description: 'Only this provider' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  provider?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only this channel account' })
  @IsOptional()
  @IsUUID()
  account?: string;
}
