import type { FieldError } from '@core/errors/domain-error';
import { checkLinkForm } from '@core/http/link-form';
import { isRecord } from './sent-template-components';
import type { Placeholders } from './template-placeholders';

/**
 * Checks one parameter object against Meta's parameter shapes: `{ type: 'text', text }`,
 * `{ type: 'currency', currency: { fallback_value, code, amount_1000 } }`,
 * `{ type: 'date_time', date_time: { fallback_value } }`, media `{ type: 'image', image: { id |
 * link } }`, `{ type: 'payload', payload }`, `{ type: 'coupon_code', coupon_code }`.
 */
export function checkParameter(
  field: string,
  parameter: unknown,
  allowedTypes: readonly string[],
  errors: FieldError[],
): void {
  if (!isRecord(parameter) || typeof parameter.type !== 'string') {
    errors.push({ field: `${field}.type`, message: `must be one of: ${allowedTypes.join(', ')}` });
    return;
  }
  const { type } = parameter;
  if (!allowedTypes.includes(type)) {
    errors.push({
      field: `${field}.type`,
      message: `"${type}" is not allowed here; expected ${allowedTypes.join(' or ')}`,
    });
    return;
  }
  const value = parameter[type];
  const problem = SHAPES[type]?.(value);
  if (problem) errors.push({ field: `${field}.${type}`, message: problem });
}

const nonEmptyText = (value: unknown) =>
  typeof value === 'string' && value.trim() !== '' ? undefined : 'must be a non-empty string';

const SHAPES: Record<string, (value: unknown) => string | undefined> = {
  text: nonEmptyText,
  payload: (value) => (typeof value === 'string' ? undefined : 'must be a string'),
  coupon_code: nonEmptyText,
  currency: (value) =>
    isRecord(value) &&
    typeof value.fallback_value === 'string' &&
    typeof value.code === 'string' &&
    Number.isInteger(value.amount_1000)
      ? undefined
      : 'needs fallback_value, code and an integer amount_1000',
  date_time: (value) =>
    isRecord(value) && typeof value.fallback_value === 'string'
      ? undefined
      : 'needs fallback_value',
  image: mediaSource,
  video: mediaSource,
  document: mediaSource,
  location: (value) =>
    isRecord(value) && value.latitude !== undefined && value.longitude !== undefined
      ? undefined
      : 'needs latitude and longitude',
};

function mediaSource(value: unknown): string | undefined {
  if (!isRecord(value)) return 'needs an id or a link';
  const hasId = typeof value.id === 'string' && value.id !== '';
  const hasLink = typeof value.link === 'string' && value.link !== '';
  if (hasId === hasLink) return 'needs exactly one of id or link';
  const form = hasLink ? checkLinkForm(value.link as string) : undefined;
  return form && 'refused' in form ? `link ${form.refused} (a public https URL)` : undefined;
}

/**
 * Parameters of a text with placeholders (a text header or the body): as many as `{{1}}…{{n}}`
 * in order, or, for named templates, one per `{{name}}` with a matching `parameter_name`.
 */
export function checkTextParameters(
  field: string,
  parameters: readonly unknown[],
  placeholders: Placeholders,
  allowedTypes: readonly string[],
  what: string,
  errors: FieldError[],
): void {
  if (placeholders.kind === 'positional' && parameters.length !== placeholders.count) {
    errors.push({
      field: `${field}.parameters`,
      message:
        `the template ${what} has ${placeholders.count} placeholder(s) ` +
        `({{1}}…{{${placeholders.count}}}); got ${parameters.length} parameter(s)`,
    });
  }
  if (placeholders.kind === 'named')
    checkNames(field, parameters, placeholders.names, what, errors);
  parameters.forEach((parameter, index) =>
    checkParameter(`${field}.parameters[${index}]`, parameter, allowedTypes, errors),
  );
}

function checkNames(
  field: string,
  parameters: readonly unknown[],
  expected: readonly string[],
  what: string,
  errors: FieldError[],
): void {
  const given = new Set<string>();
  parameters.forEach((parameter, index) => {
    const name = isRecord(parameter) ? parameter.parameter_name : undefined;
    const nameField = `${field}.parameters[${index}].parameter_name`;
    if (typeof name !== 'string' || name === '') {
      errors.push({
        field: nameField,
        message: `required: the template ${what} uses named parameters`,
      });
    } else if (!expected.includes(name)) {
      errors.push({
        field: nameField,
        message: `"${name}" is not in the template ${what} (expected ${expected.join(', ')})`,
      });
    } else if (given.has(name)) {
      errors.push({ field: nameField, message: `"${name}" given twice` });
    } else {
      given.add(name);
    }
  });
  const missing = expected.filter((name) => !given.has(name));
  if (missing.length > 0) {
    errors.push({
      field: `${field}.parameters`,
      message: `missing ${what} parameter(s): ${missing.join(', ')}`,
    });
  }
}
