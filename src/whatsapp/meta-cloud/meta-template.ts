/**
 * A message template as Omnihub keeps it, normalised from Meta's `message_templates` edge.
 * Component and button types stay in Meta's upper case (HEADER, BODY, FOOTER, BUTTONS; URL,
 * QUICK_REPLY, PHONE_NUMBER, COPY_CODE...), texts keep their `{{1}}` / `{{name}}` placeholders.
 */
export interface MetaTemplate {
  id: string;
  name: string;
  /** Meta's language-and-locale code, e.g. `pt_BR`, `en_US`. */
  language: string;
  category: string;
  status: string;
  /** POSITIONAL templates use `{{1}}…{{n}}`, NAMED ones `{{first_name}}`. */
  parameterFormat: 'POSITIONAL' | 'NAMED';
  components: MetaTemplateComponent[];
}

export interface MetaTemplateComponent {
  type: string;
  /** Header only: TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION. */
  format?: string;
  text?: string;
  buttons?: MetaTemplateButton[];
}

export interface MetaTemplateButton {
  type: string;
  text?: string;
  /** URL buttons; may end in one placeholder filled at send time. */
  url?: string;
  phoneNumber?: string;
}

/** The template fields the list call asks for. */
export const TEMPLATE_FIELDS = [
  'id',
  'name',
  'language',
  'category',
  'status',
  'parameter_format',
  'components',
];

/** One entry of Meta's list, or undefined when it lacks what a send needs (name, language). */
export function normalizeTemplate(raw: unknown): MetaTemplate | undefined {
  if (!isRecord(raw) || !text(raw.name) || !text(raw.language)) return undefined;
  return {
    id: text(raw.id) ?? '',
    name: text(raw.name) ?? '',
    language: text(raw.language) ?? '',
    category: (text(raw.category) ?? '').toUpperCase(),
    status: (text(raw.status) ?? '').toUpperCase(),
    parameterFormat: text(raw.parameter_format)?.toUpperCase() === 'NAMED' ? 'NAMED' : 'POSITIONAL',
    components: Array.isArray(raw.components) ? raw.components.flatMap(component) : [],
  };
}

function component(raw: unknown): MetaTemplateComponent[] {
  if (!isRecord(raw) || !text(raw.type)) return [];
  return [
    {
      type: (text(raw.type) ?? '').toUpperCase(),
      ...(text(raw.format) ? { format: text(raw.format)?.toUpperCase() } : {}),
      ...(text(raw.text) ? { text: text(raw.text) } : {}),
      ...(Array.isArray(raw.buttons) ? { buttons: raw.buttons.flatMap(button) } : {}),
    },
  ];
}

function button(raw: unknown): MetaTemplateButton[] {
  if (!isRecord(raw) || !text(raw.type)) return [];
  return [
    {
      type: (text(raw.type) ?? '').toUpperCase(),
      ...(text(raw.text) ? { text: text(raw.text) } : {}),
      ...(text(raw.url) ? { url: text(raw.url) } : {}),
      ...(text(raw.phone_number) ? { phoneNumber: text(raw.phone_number) } : {}),
    },
  ];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
