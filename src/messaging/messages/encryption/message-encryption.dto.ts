import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

/** PUT /settings/message-encryption and its answer. */
export class MessageEncryptionDto {
  @ApiProperty({
    description:
      'Seal the text of messages stored from now on (texts, captions, titles, contact cards, ' +
      'template parameters) with the secret box; messages stored before keep their form and ' +
      'read the same either way.',
  })
  @IsBoolean()
  enabled!: boolean;
}
