/**
 * The request checks Evolution's JSON schemas (src/validate/message.schema.ts) make per send
 * route, reduced to what a client can get wrong. Returns the violation or undefined.
 */
export type SendRoute =
  'sendText' | 'sendMedia' | 'sendWhatsAppAudio' | 'sendLocation' | 'sendContact' | 'sendReaction';

export const SEND_ROUTES: readonly SendRoute[] = [
  'sendText',
  'sendMedia',
  'sendWhatsAppAudio',
  'sendLocation',
  'sendContact',
  'sendReaction',
];

export function checkSendBody(route: SendRoute, body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return 'requires a JSON object';
  const b = body as Record<string, unknown>;
  const required = (...names: string[]) => names.find((name) => b[name] === undefined);
  const missing = (name: string) => `requires property "${name}"`;
  switch (route) {
    case 'sendText': {
      const absent = required('number', 'text');
      return absent ? missing(absent) : undefined;
    }
    case 'sendMedia': {
      const absent = required('number', 'mediatype');
      if (absent) return missing(absent);
      if (!['image', 'document', 'video', 'audio'].includes(String(b.mediatype))) {
        return 'mediatype is not one of enum values';
      }
      return isUrlOrBase64(b.media) ? undefined : 'Owned media must be a url or base64';
    }
    case 'sendWhatsAppAudio': {
      const absent = required('number');
      if (absent) return missing(absent);
      return isUrlOrBase64(b.audio)
        ? undefined
        : 'Owned media must be a url, base64, or valid file';
    }
    case 'sendLocation': {
      const absent = required('number', 'latitude', 'longitude', 'name', 'address');
      if (absent) return missing(absent);
      return typeof b.latitude === 'number' && typeof b.longitude === 'number'
        ? undefined
        : 'latitude and longitude must be numbers';
    }
    case 'sendContact': {
      const absent = required('number', 'contact');
      if (absent) return missing(absent);
      const cards = Array.isArray(b.contact) ? (b.contact as Record<string, unknown>[]) : [];
      if (cards.length === 0) return 'contact does not meet minimum length of 1';
      const bad = cards.find(
        (card) =>
          typeof card.fullName !== 'string' ||
          card.fullName === '' ||
          typeof card.phoneNumber !== 'string' ||
          card.phoneNumber.length < 10,
      );
      return bad ? 'every contact needs fullName and a phoneNumber of 10+ characters' : undefined;
    }
    case 'sendReaction': {
      const absent = required('key', 'reaction');
      if (absent) return missing(absent);
      const key = (b.key ?? {}) as Record<string, unknown>;
      const keyOk =
        typeof key.id === 'string' &&
        key.id !== '' &&
        typeof key.remoteJid === 'string' &&
        key.remoteJid !== '' &&
        typeof key.fromMe === 'boolean';
      return keyOk ? undefined : 'key requires id, remoteJid and fromMe';
    }
  }
}

function isUrlOrBase64(value: unknown): boolean {
  if (typeof value !== 'string' || value === '') return false;
  return /^https?:\/\//.test(value) || /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}
