import type { FieldError } from '@core/errors/domain-error';

/** One component of a template send, with where it sat in the request. */
export interface SentComponent {
  /** Index in `template.components`, for error field names. */
  position: number;
  parameters: unknown[];
  /** Buttons only, lower-cased: url, quick_reply, copy_code, flow... */
  subType?: string;
}

export interface SentComponents {
  header?: SentComponent;
  body?: SentComponent;
  /** By button index (the button's position in the template's BUTTONS). */
  buttons: Map<number, SentComponent>;
}

export const componentField = (position: number) => `template.components[${position}]`;

/**
 * Sorts the `components` of a template send by role, recording what is malformed (not an
 * array, an unknown type, a repeated header/body/button index) in `errors`.
 */
export function readSentComponents(components: unknown, errors: FieldError[]): SentComponents {
  const sent: SentComponents = { buttons: new Map() };
  if (components === undefined) return sent;
  if (!Array.isArray(components)) {
    errors.push({ field: 'template.components', message: 'must be an array' });
    return sent;
  }
  components.forEach((raw, position) => {
    const field = componentField(position);
    if (!isRecord(raw) || typeof raw.type !== 'string') {
      errors.push({ field: `${field}.type`, message: 'must be header, body or button' });
      return;
    }
    if (raw.parameters !== undefined && !Array.isArray(raw.parameters)) {
      errors.push({ field: `${field}.parameters`, message: 'must be an array' });
      return;
    }
    const component: SentComponent = { position, parameters: raw.parameters ?? [] };
    const type = raw.type.toLowerCase();
    if (type === 'header' || type === 'body') {
      if (sent[type]) {
        errors.push({ field, message: `${type} given twice` });
        return;
      }
      sent[type] = component;
    } else if (type === 'button') {
      const index = buttonIndex(raw.index);
      if (index === undefined) {
        errors.push({ field: `${field}.index`, message: 'must be the button position (0, 1, …)' });
      } else if (sent.buttons.has(index)) {
        errors.push({ field: `${field}.index`, message: `button ${index} given twice` });
      } else {
        const subType = typeof raw.sub_type === 'string' ? raw.sub_type.toLowerCase() : undefined;
        sent.buttons.set(index, { ...component, subType });
      }
    } else {
      errors.push({ field: `${field}.type`, message: 'must be header, body or button' });
    }
  });
  return sent;
}

/** Meta documents the index as a string ("0"); a non-negative integer is read the same. */
function buttonIndex(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d{1,2}$/.test(value)) return Number(value);
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
