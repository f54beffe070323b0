import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { PageInfoDoc } from '@core/api/pagination';
import type { ApiKeyEntity } from '../entities/api-key.entity';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'frontend-production', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'frontend-production' })
  name!: string;

  @ApiProperty({
    example: 'ohk_7Gq2LmXa',
    description: 'The first characters of the key, to tell keys apart',
  })
  prefix!: string;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty({ nullable: true, type: Date })
  lastUsedAt!: Date | null;

  @ApiProperty({ nullable: true, type: Date })
  revokedAt!: Date | null;

  static from(entity: ApiKeyEntity): ApiKeyDto {
    const { id, name, prefix, createdAt, lastUsedAt, revokedAt } = entity;
    return { id, name, prefix, createdAt, lastUsedAt, revokedAt };
  }
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    example: 'ohk_7Gq2LmXa9wRt0bYk3ZpQe5sVn1cHj8Df',
    description: 'The key itself. Shown once; only its hash is stored',
  })
  key!: string;
}

export class ApiKeyPageDto extends PageInfoDoc {
  @ApiProperty({ type: [ApiKeyDto] })
  items!: ApiKeyDto[];
}
