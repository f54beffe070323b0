import { randomInt } from 'node:crypto';
import {
  metaMessages,
  metaMessagesWebhook,
  metaStatus,
  metaStatusesWebhook,
  newWamid,
  signMetaWebhook,
  type MetaBusinessNumber,
} from '@test/fakes/meta-graph/webhooks';

/** One signed delivery, ready to send as is. */
export interface SignedWebhook {
  body: string;
  signature: string;
}

const NUMBER: MetaBusinessNumber = { phoneNumberId: '106540352242922' };
const STATUSES = ['sent', 'delivered', 'read'] as const;
const WORDS = 'order delivery tomorrow thanks please confirm address invoice time the at for'.split(
  ' ',
);

function sentence(length: number): string {
  let text = '';
  while (text.length < length) text += `${WORDS[randomInt(WORDS.length)]} `;
  return text.slice(0, length);
}

function customer(): string {
  return `5511${randomInt(10_000_000, 99_999_999)}${randomInt(10)}`;
}

/** A customer's text message with a long body: ~1.0–1.7 KB once wrapped. */
function textDelivery(): object {
  const from = customer();
  return metaMessagesWebhook(
    NUMBER,
    { waId: from, name: 'Bench Customer' },
    metaMessages.text({ from }, sentence(randomInt(600, 1_300))),
  );
}

/** A batch of 7–13 status updates for our outbound messages: ~1.1–1.8 KB. */
function statusDelivery(): object {
  const count = randomInt(7, 14);
  const statuses = Array.from({ length: count }, () =>
    metaStatus({
      id: newWamid(),
      status: STATUSES[randomInt(STATUSES.length)],
      recipientId: customer(),
    }),
  );
  return metaStatusesWebhook(NUMBER, ...statuses);
}

/**
 * Distinct signed deliveries, half messages and half statuses, built before a run so the load
 * generator spends no CPU on JSON or HMAC. Every body carries fresh wamids, so each one is a
 * new inbox row (the inbox keys Meta deliveries by the SHA-256 of the body).
 */
export function buildWebhookPool(size: number, appSecret: string): SignedWebhook[] {
  const pool: SignedWebhook[] = new Array<SignedWebhook>(size);
  for (let i = 0; i < size; i += 1) {
    const body = JSON.stringify(i % 2 === 0 ? textDelivery() : statusDelivery());
    pool[i] = { body, signature: signMetaWebhook(body, appSecret) };
  }
  return pool;
}

/** Smallest, mean and largest body size in bytes, for the report. */
export function bodySizes(pool: readonly SignedWebhook[]): {
  min: number;
  mean: number;
  max: number;
} {
  let min = Infinity;
  let max = 0;
  let total = 0;
  for (const { body } of pool) {
    const size = Buffer.byteLength(body);
    min = Math.min(min, size);
    max = Math.max(max, size);
    total += size;
  }
  return { min, mean: Math.round(total / Math.max(pool.length, 1)), max };
}
