import type { FieldError } from '@core/errors/domain-error';

/**
 * Instagram's generic template (a card, or a carousel of up to 10), sent through
 * `POST /api/v2/messages` as `type: interactive` with `interactive: { type: 'generic',
 * elements }`. Documented for both flavours (Instagram Login "Send a Generic Template",
 * Messenger API for Instagram "Generic Template"); the limits are the generic template
 * reference's, which the Instagram pages point to.
 */
export const GENERIC_TEMPLATE_LIMITS = {
  elements: 10,
  /** `title` and `subtitle` of an element (characters). */
  title: 80,
  subtitle: 80,
  buttons: 3,
  /** A button's `title` (characters). */
  buttonTitle: 20,
  /** A postback button's `payload` (characters). */
  payload: 1000,
} as const;

export interface GenericTemplateButton {
  type: 'web_url' | 'postback';
  title: string;
  url?: string;
  payload?: string;
}

export interface GenericTemplateElement {
  title: string;
  subtitle?: string;
  imageUrl?: string;
  /** Opened when the card itself is tapped. */
  defaultAction?: { url: string };
  buttons?: GenericTemplateButton[];
}

export interface GenericTemplate {
  type: 'generic';
  elements: GenericTemplateElement[];
}

type Json = Record<string, unknown>;
const FIELD = 'interactive';

/** Why Instagram would refuse this template, one entry per field; empty when it takes it. */
export function genericTemplateViolations(interactive: Readonly<Json>): FieldError[] {
  if (interactive.type !== 'generic') {
    return [
      {
        field: `${FIELD}.type`,
        message: "Instagram's interactive message is the generic template: type must be generic",
      },
    ];
  }
  const elements = interactive.elements;
  if (!Array.isArray(elements) || elements.length === 0) {
    return [{ field: `${FIELD}.elements`, message: 'elements must hold at least one element' }];
  }
  if (elements.length > GENERIC_TEMPLATE_LIMITS.elements) {
    return [
      {
        field: `${FIELD}.elements`,
        message: `a generic template holds at most ${GENERIC_TEMPLATE_LIMITS.elements} elements`,
      },
    ];
  }
  return elements.flatMap((element, i) =>
    elementViolations(element as Json | null, `${FIELD}.elements[${i}]`),
  );
}

function elementViolations(element: Json | null, at: string): FieldError[] {
  if (!element || typeof element !== 'object' || Array.isArray(element)) {
    return [{ field: at, message: 'an element must be an object' }];
  }
  const errors: FieldError[] = [
    ...text(element.title, `${at}.title`, GENERIC_TEMPLATE_LIMITS.title, true),
    ...text(element.subtitle, `${at}.subtitle`, GENERIC_TEMPLATE_LIMITS.subtitle, false),
    ...link(element.imageUrl, `${at}.imageUrl`, false),
  ];
  if (element.defaultAction !== undefined) {
    const action = element.defaultAction as Json | null;
    errors.push(...link(action?.url, `${at}.defaultAction.url`, true));
  }
  // Meta wants something besides the title: a subtitle, an image, an action or a button.
  const extras = ['subtitle', 'imageUrl', 'defaultAction', 'buttons'];
  if (!extras.some((key) => element[key] !== undefined)) {
    errors.push({
      field: at,
      message: 'an element needs a subtitle, imageUrl, defaultAction or buttons besides its title',
    });
  }
  if (element.buttons !== undefined) errors.push(...buttonsViolations(element.buttons, at));
  return errors;
}

function buttonsViolations(buttons: unknown, at: string): FieldError[] {
  if (!Array.isArray(buttons) || buttons.length === 0) {
    return [{ field: `${at}.buttons`, message: 'buttons must be a non-empty list' }];
  }
  if (buttons.length > GENERIC_TEMPLATE_LIMITS.buttons) {
    return [
      {
        field: `${at}.buttons`,
        message: `an element holds at most ${GENERIC_TEMPLATE_LIMITS.buttons} buttons`,
      },
    ];
  }
  return buttons.flatMap((raw, j) => {
    const button = raw as Json | null;
    const path = `${at}.buttons[${j}]`;
    const errors = text(button?.title, `${path}.title`, GENERIC_TEMPLATE_LIMITS.buttonTitle, true);
    if (button?.type === 'web_url') return [...errors, ...link(button.url, `${path}.url`, true)];
    if (button?.type === 'postback') {
      return [
        ...errors,
        ...text(button.payload, `${path}.payload`, GENERIC_TEMPLATE_LIMITS.payload, true),
      ];
    }
    return [...errors, { field: `${path}.type`, message: 'type must be web_url or postback' }];
  });
}

function text(value: unknown, field: string, max: number, required: boolean): FieldError[] {
  if (value === undefined && !required) return [];
  if (typeof value !== 'string' || value.trim() === '') {
    return [{ field, message: `${field.split('.').pop()} must be a non-empty string` }];
  }
  return [...value].length > max ? [{ field, message: `at most ${max} characters` }] : [];
}

function link(value: unknown, field: string, required: boolean): FieldError[] {
  if (value === undefined && !required) return [];
  return typeof value === 'string' && /^https:\/\/\S+$/.test(value)
    ? []
    : [{ field, message: 'must be an https URL' }];
}
