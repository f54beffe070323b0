/**
 * What the fake Graph API accepts on `POST /{phone-number-id}/messages`, per Meta's message
 * object reference (CONTRACT.md): required fields, one of id/link for media, no caption on
 * audio or stickers, and no key Meta does not document. Each rule returns the problem as
 * Meta's `error_data.details` would, or undefined. Written from the docs, not from
 * src/whatsapp, so a builder bug cannot hide behind a fake that shares it.
 */
type Rule = (value: unknown, param: string) => string | undefined;

const ENVELOPE_KEYS = [
  'messaging_product',
  'recipient_type',
  'to',
  'type',
  'context',
  'biz_opaque_callback_data',
];

export function checkMessageBody(body: unknown): string | undefined {
  if (!isRecord(body)) return 'The request body must be a JSON object.';
  if (body.messaging_product === undefined) return required('messaging_product');
  if (body.messaging_product !== 'whatsapp') return 'Param messaging_product must be "whatsapp".';
  if (body.status !== undefined) return checkReadReceipt(body);
  const type = body.type ?? 'text';
  if (typeof type !== 'string' || !(type in TYPE_RULES)) {
    return `Param type must be one of {${Object.keys(TYPE_RULES).join(', ')}}.`;
  }
  return (
    onlyKeys(body, [...ENVELOPE_KEYS, type], 'message') ??
    (body.recipient_type === undefined || body.recipient_type === 'individual'
      ? undefined
      : 'Param recipient_type must be "individual".') ??
    (typeof body.to === 'string' && /^\+?\d{5,20}$/.test(body.to)
      ? undefined
      : body.to === undefined
        ? required('to')
        : 'Param to must be a phone number or WhatsApp id.') ??
    (body.context === undefined
      ? undefined
      : objectWith(body.context, 'context', ['message_id'])) ??
    (body[type] === undefined ? required(type) : TYPE_RULES[type](body[type], type))
  );
}

function checkReadReceipt(body: Record<string, unknown>): string | undefined {
  return (
    onlyKeys(body, ['messaging_product', 'status', 'message_id', 'typing_indicator'], 'message') ??
    (body.status === 'read' ? undefined : 'Param status must be "read".') ??
    (isText(body.message_id) ? undefined : required('message_id'))
  );
}

const media =
  (extra: string[]): Rule =>
  (value, param) => {
    if (!isRecord(value)) return `Param ${param} must be an object.`;
    const hasId = value.id !== undefined;
    const hasLink = value.link !== undefined;
    return (
      onlyKeys(value, ['id', 'link', ...extra], param) ??
      (hasId === hasLink ? `Param ${param} must have exactly one of id or link.` : undefined) ??
      (hasId && !isText(value.id) ? `Param ${param}['id'] must be a string.` : undefined) ??
      (hasLink && !isUrl(value.link) ? `Param ${param}['link'] must be a valid URL.` : undefined) ??
      textUpTo(value.caption, `${param}['caption']`, 1024) ??
      textUpTo(value.filename, `${param}['filename']`, 240)
    );
  };

const TYPE_RULES: Record<string, Rule> = {
  text: (value, param) => {
    if (!isRecord(value)) return `Param ${param} must be an object.`;
    return (
      onlyKeys(value, ['body', 'preview_url'], param) ??
      (isText(value.body) ? undefined : required(`${param}['body']`)) ??
      textUpTo(value.body, `${param}['body']`, 4096) ??
      booleanOrAbsent(value.preview_url, `${param}['preview_url']`)
    );
  },
  image: media(['caption']),
  video: media(['caption']),
  document: media(['caption', 'filename']),
  audio: media([]),
  sticker: media([]),
  location: (value, param) => {
    if (!isRecord(value)) return `Param ${param} must be an object.`;
    return (
      onlyKeys(value, ['latitude', 'longitude', 'name', 'address'], param) ??
      coordinate(value.latitude, `${param}['latitude']`, 90) ??
      coordinate(value.longitude, `${param}['longitude']`, 180) ??
      textUpTo(value.name, `${param}['name']`, 1000) ??
      textUpTo(value.address, `${param}['address']`, 1000)
    );
  },
  contacts: (value, param) =>
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((c) => isRecord(c) && isRecord(c.name) && isText(c.name.formatted_name))
      ? undefined
      : `Param ${param} must be a list of contacts, each with name['formatted_name'].`,
  template: (value, param) => {
    if (!isRecord(value)) return `Param ${param} must be an object.`;
    return (
      onlyKeys(value, ['name', 'language', 'components'], param) ??
      (isText(value.name) ? undefined : required(`${param}['name']`)) ??
      objectWith(value.language, `${param}['language']`, ['code'], ['policy']) ??
      (value.components === undefined ||
      (Array.isArray(value.components) &&
        value.components.every(
          (c) => isRecord(c) && ['header', 'body', 'button'].includes(String(c.type)),
        ))
        ? undefined
        : `Param ${param}['components'] must be a list of header, body and button components.`)
    );
  },
  interactive: (value, param) => {
    if (!isRecord(value) || !isText(value.type)) return required(`${param}['type']`);
    if (!isRecord(value.action)) return required(`${param}['action']`);
    const bodyText = isRecord(value.body) && isText(value.body.text);
    if (value.type === 'button') {
      const buttons = value.action.buttons;
      const ok =
        bodyText &&
        Array.isArray(buttons) &&
        buttons.length >= 1 &&
        buttons.length <= 3 &&
        buttons.every(
          (b) =>
            isRecord(b) &&
            b.type === 'reply' &&
            isRecord(b.reply) &&
            isText(b.reply.id) &&
            isText(b.reply.title),
        );
      return ok ? undefined : `Param ${param} needs body['text'] and 1 to 3 reply buttons.`;
    }
    if (value.type === 'list') {
      const sections = value.action.sections;
      const ok =
        bodyText &&
        isText(value.action.button) &&
        Array.isArray(sections) &&
        sections.length > 0 &&
        sections.every((s) => isRecord(s) && Array.isArray(s.rows) && s.rows.length > 0);
      return ok
        ? undefined
        : `Param ${param} needs body['text'], action['button'] and sections with rows.`;
    }
    return undefined;
  },
  reaction: (value, param) => {
    if (!isRecord(value)) return `Param ${param} must be an object.`;
    return (
      onlyKeys(value, ['message_id', 'emoji'], param) ??
      (isText(value.message_id) ? undefined : required(`${param}['message_id']`)) ??
      (typeof value.emoji === 'string' ? undefined : required(`${param}['emoji']`))
    );
  },
};

function objectWith(value: unknown, param: string, keys: string[], optional: string[] = []) {
  if (!isRecord(value)) return required(param);
  return (
    onlyKeys(value, [...keys, ...optional], param) ??
    keys
      .map((key) => (isText(value[key]) ? undefined : required(`${param}['${key}']`)))
      .find(Boolean)
  );
}

function onlyKeys(value: Record<string, unknown>, allowed: string[], param: string) {
  const unexpected = Object.keys(value).find((key) => !allowed.includes(key));
  return unexpected ? `Unexpected key "${unexpected}" on param "${param}".` : undefined;
}

function coordinate(value: unknown, param: string, limit: number) {
  const number = typeof value === 'string' ? Number(value) : value;
  if (value === undefined) return required(param);
  return typeof number === 'number' && Number.isFinite(number) && Math.abs(number) <= limit
    ? undefined
    : `Param ${param} must be a coordinate.`;
}

function textUpTo(value: unknown, param: string, max: number) {
  if (value === undefined) return undefined;
  return typeof value === 'string' && value.length <= max
    ? undefined
    : `Param ${param} must be a string of at most ${max} characters.`;
}

function booleanOrAbsent(value: unknown, param: string) {
  return value === undefined || typeof value === 'boolean'
    ? undefined
    : `Param ${param} must be a boolean.`;
}

const required = (param: string) => `The parameter ${param} is required.`;
const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isUrl = (value: unknown) => typeof value === 'string' && /^https?:\/\/\S+$/.test(value);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
