/** The Evolution events Omnihub's webhook handles (names as Evolution's schema lists them). */
export const EVOLUTION_WEBHOOK_EVENTS = [
  'MESSAGES_UPSERT',
  'MESSAGES_UPDATE',
  'MESSAGES_EDITED',
  'MESSAGES_DELETE',
  'CONNECTION_UPDATE',
  'QRCODE_UPDATED',
  'SEND_MESSAGE',
] as const;

export interface EvolutionWebhookSettings {
  url: string;
  events: readonly string[];
  /** Extra headers Evolution sends with every webhook call. */
  headers?: Readonly<Record<string, string>>;
}

/**
 * `webhook` of `POST /instance/create` and `POST /webhook/set/{instance}`: one URL for every
 * event (byEvents false: Evolution would otherwise append the event name to the path) and
 * media as URLs, not inline base64 (base64 false keeps webhook bodies small).
 */
export function webhookBody(settings: EvolutionWebhookSettings): {
  webhook: Record<string, unknown>;
} {
  return {
    webhook: {
      enabled: true,
      url: settings.url,
      byEvents: false,
      base64: false,
      events: [...settings.events],
      ...(settings.headers ? { headers: { ...settings.headers } } : {}),
    },
  };
}

/**
 * What `GET /instance/connect/{instance}` tells: already `open`, or pairing with a QR code
 * (`base64` data URL of the image, `code` its raw text) and, when a number was given, a pairing
 * code to type on the phone. Evolution can answer `{ count: 0 }` before the first QR exists;
 * that is pairing with nothing to show yet.
 */
export type EvolutionConnectResult =
  | { state: 'open' }
  | {
      state: 'pairing';
      qrBase64?: string;
      qrCode?: string;
      pairingCode?: string;
      attempt?: number;
    };

export function readConnectResult(body: unknown): EvolutionConnectResult {
  const answer = record(body) ?? {};
  if (record(answer.instance)?.state === 'open') return { state: 'open' };
  const fields = {
    qrBase64: text(answer.base64),
    qrCode: text(answer.code),
    pairingCode: text(answer.pairingCode),
    attempt: typeof answer.count === 'number' ? answer.count : undefined,
  };
  return {
    state: 'pairing',
    ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
  };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
