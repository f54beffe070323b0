import { createHash } from 'node:crypto';
import { asObject } from '@app/messaging/inbound/webhook-payload.reader';

/** Token fields of an event's `auth` block: never stored in the inbox as they came. */
const TOKEN_FIELDS = ['access_token', 'refresh_token', 'application_token'] as const;

export interface BitrixEventBody {
  event: string;
  data: Record<string, unknown>;
  auth: Record<string, unknown>;
}

/** The parts of a posted event Omnihub reads; the event name upper-cased as Bitrix24 sends it. */
export function readEvent(body: unknown): BitrixEventBody | null {
  const object = asObject(body);
  if (!object || typeof object.event !== 'string') return null;
  return {
    event: object.event.toUpperCase(),
    // OnImConnectorLineDelete posts the line id itself as `data`.
    data: typeof object.data === 'string' ? { LINE: object.data } : (asObject(object.data) ?? {}),
    auth: asObject(object.auth) ?? {},
  };
}

export function stringField(object: Record<string, unknown>, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** `auth` without its tokens. */
export function withoutTokens(auth: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...auth };
  for (const field of TOKEN_FIELDS) delete rest[field];
  return rest;
}

/** PHP lists arrive as objects keyed '0', '1'...: their values in order. */
export function listOf(value: unknown): Record<string, unknown>[] {
  const items = Array.isArray(value)
    ? value
    : value && typeof value === 'object'
      ? Object.values(value)
      : [];
  return items
    .map((item) => asObject(item))
    .filter((item): item is Record<string, unknown> => !!item);
}

/**
 * The inbox id of an event, scoped to the portal: an agent's message by its Bitrix message ids
 * (Bitrix24 redelivers the same message with another `ts`), anything else by its bytes.
 */
export function inboxIdOf(
  portalId: string,
  event: BitrixEventBody,
  rawBody: Buffer | string,
): string {
  if (event.event === 'ONIMCONNECTORMESSAGEADD') {
    const ids = listOf(event.data.MESSAGES).map((m) =>
      stringField(asObject(m.im) ?? {}, 'message_id'),
    );
    if (ids.length && ids.every(Boolean)) return `${portalId}:message:${ids.join(',')}`;
  }
  return `${portalId}:${createHash('sha256').update(rawBody).digest('hex')}`;
}
