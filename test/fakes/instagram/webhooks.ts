import { randomBytes } from 'node:crypto';

/**
 * Instagram messaging webhooks as Meta documents them (Instagram Platform "Webhook
 * Notification Examples"; Messenger Platform webhook events): `object: "instagram"`,
 * `entry[].id` the professional account, `entry[].messaging[]` one event each, `timestamp`
 * in milliseconds. Sign with signMetaWebhook (the same X-Hub-Signature-256 as every Meta app).
 */
type Json = Record<string, unknown>;

export const newMid = (): string =>
  `aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj${randomBytes(16).toString('hex')}`;

export function instagramDelivery(igId: string, ...messaging: Json[]): Json {
  return { object: 'instagram', entry: [{ id: igId, time: Date.now(), messaging }] };
}

/** One messaging event from a person (`from`) to the account, or an echo from the account. */
export function fromPerson(igId: string, igsid: string, event: Json, at = Date.now()): Json {
  return { sender: { id: igsid }, recipient: { id: igId }, timestamp: at, ...event };
}

export function echoTo(igId: string, igsid: string, message: Json, at = Date.now()): Json {
  return {
    sender: { id: igId },
    recipient: { id: igsid },
    timestamp: at,
    message: { ...message, is_echo: true },
  };
}
