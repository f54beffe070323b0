import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { PageInfoDoc } from '@core/api/pagination';
import type { TenantEntity, TenantStatus } from '../entities/tenant.entity';
import { CreatedApiKeyDto } from './api-key.dto';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Dental', minLength: 2, maxLength: 120 })
  @IsString()
  @Length(2, 120)
  name!: string;

  @ApiPropertyOptional({
    example: 'acme-dental',
    description: 'Lowercase letters, digits and dashes; derived from the name when omitted',
  })
  @IsOptional()
  @IsString()
  @Matches(SLUG, { message: 'slug must be lowercase letters, digits and dashes (max 64)' })
  slug?: string;
}

/**
 * Validates the field unless it is left out. @IsOptional() would also let `null` through
 * unchecked, and these columns cannot be cleared (NOT NULL): `{"name": null}` answered 500.
 */
const OmittableButNotNull = () => ValidateIf((_: object, value: unknown) => value !== undefined);

export class UpdateTenantDto {
  @ApiPropertyOptional({ example: 'Acme Dental Clinics', minLength: 2, maxLength: 120 })
  @OmittableButNotNull()
  @IsString()
  @Length(2, 120)
  name?: string;

  @ApiPropertyOptional({
    enum: ['active', 'suspended'],
    description: 'Suspended tenants cannot authenticate',
  })
  @OmittableButNotNull()
  @IsIn(['active', 'suspended'])
  status?: TenantStatus;
}

export class TenantDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Acme Dental' })
  name!: string;

  @ApiProperty({ example: 'acme-dental' })
  slug!: string;

  @ApiProperty({ enum: ['active', 'suspended'] })
  status!: TenantStatus;

  @ApiProperty()
  createdAt!: Date;

  static from(entity: TenantEntity): TenantDto {
    const { id, name, slug, status, createdAt } = entity;
    return { id, name, slug, status, createdAt };
  }
}

export class TenantPageDto extends PageInfoDoc {
  @ApiProperty({ type: [TenantDto] })
  items!: TenantDto[];
}

export class CreatedTenantDto {
  @ApiProperty({ type: TenantDto })
  tenant!: TenantDto;

  @ApiProperty({
    type: CreatedApiKeyDto,
    description: 'The first API key; its secret is shown only here',
  })
  apiKey!: CreatedApiKeyDto;
}
