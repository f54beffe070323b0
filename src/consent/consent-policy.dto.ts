import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, Length } from 'class-validator';
import { FieldError } from '@core/errors/domain-error';
import { PURPOSE_PATTERN, SERVICE_PURPOSE } from '@app/messaging/outbound/send-purpose';
import { PURPOSE_DEFAULTS } from './consent-policy';
import { keywordForm } from './keyword-text';

const MAX_PURPOSES = 50;

/** PUT /consent/policy: fields left out take the defaults; built-in purposes always exist. */
export class ConsentPolicyDto {
  @ApiPropertyOptional({
    description:
      'Default of each purpose without a decision of the contact: `allowed` (until ' +
      'withdrawn), `requires_grant`, or `follows_service`. service, marketing and reminders ' +
      "always exist (defaults allowed, requires_grant, follows_service); add the tenant's own.",
    example: { reminders: 'requires_grant', newsletter: 'requires_grant' },
  })
  @IsOptional()
  @IsObject()
  purposes?: Record<string, string>;

  @ApiPropertyOptional({
    description: 'Whole-text opt-out words (case, accents and punctuation ignored)',
    example: ['PARAR', 'SAIR', 'CANCELAR', 'DESCADASTRAR', 'STOP', 'UNSUBSCRIBE'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 40, { each: true })
  optOutKeywords?: string[];

  @ApiPropertyOptional({ example: ['VOLTAR', 'START'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 40, { each: true })
  optInKeywords?: string[];

  @ApiPropertyOptional({ description: 'Sent once in answer to an opt-out word' })
  @IsOptional()
  @IsString()
  @Length(1, 1_000)
  optOutConfirmation?: string;

  @ApiPropertyOptional({ description: 'Sent once in answer to an opt-in word' })
  @IsOptional()
  @IsString()
  @Length(1, 1_000)
  optInConfirmation?: string;
}

/** What class-validator cannot say about a policy: purpose names and defaults, keyword clashes. */
export function policyErrors(dto: ConsentPolicyDto): FieldError[] {
  const errors: FieldError[] = [];
  const purposes = Object.entries(dto.purposes ?? {});
  if (purposes.length > MAX_PURPOSES) {
    errors.push({ field: 'purposes', message: `at most ${MAX_PURPOSES} purposes` });
  }
  for (const [name, value] of purposes) {
    const field = `purposes.${name}`;
    if (!PURPOSE_PATTERN.test(name)) {
      errors.push({ field, message: 'a purpose is lower case letters, digits and underscores' });
    } else if (!(PURPOSE_DEFAULTS as readonly string[]).includes(value)) {
      errors.push({ field, message: `must be one of ${PURPOSE_DEFAULTS.join(', ')}` });
    } else if (name === SERVICE_PURPOSE && value === 'follows_service') {
      errors.push({ field, message: 'service cannot follow itself' });
    }
  }
  const optOut = new Set((dto.optOutKeywords ?? []).map(keywordForm));
  for (const [index, word] of (dto.optOutKeywords ?? []).entries()) {
    if (!keywordForm(word)) {
      errors.push({ field: `optOutKeywords[${index}]`, message: 'has no letters or digits' });
    }
  }
  for (const [index, word] of (dto.optInKeywords ?? []).entries()) {
    const form = keywordForm(word);
    if (!form || optOut.has(form)) {
      errors.push({
        field: `optInKeywords[${index}]`,
        message: form ? 'is also an opt-out keyword' : 'has no letters or digits',
      });
    }
  }
  return errors;
}
