import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import type { RecordedRequest } from '@test/fakes/fake-http-server';
import type { MetaGraphFake, SentMessage } from '@test/fakes/meta-graph/meta-graph-fake';
import type { TestTenant } from '@test/support/test-app';

/** One text accepted by POST /api/v2/messages; the text is unique, so it names the message. */
export interface AcceptedSend {
  id: string;
  text: string;
}

export interface SendTarget {
  app: NestFastifyApplication;
  tenant: TestTenant;
  /** Channel account id or name. */
  account: string;
  to: string;
}

/** Sends one text through the public route; fails unless it is accepted (202). */
export async function acceptText(target: SendTarget, text: string): Promise<AcceptedSend> {
  const response = await target.app.inject({
    method: 'POST',
    url: '/api/v2/messages',
    headers: target.tenant.headers,
    payload: {
      channelAccountId: target.account,
      to: target.to,
      type: 'text',
      text: { body: text },
    },
  });
  if (response.statusCode !== 202) {
    throw new Error(`send "${text}" was not accepted: ${response.statusCode} ${response.body}`);
  }
  return { id: response.json<{ id: string }>().id, text };
}

/** Sends every text, `lanes` requests at a time, as a frontend with a connection pool would. */
export async function acceptTexts(
  target: SendTarget,
  texts: readonly string[],
  lanes = 16,
): Promise<AcceptedSend[]> {
  const accepted: AcceptedSend[] = [];
  let next = 0;
  const lane = async () => {
    while (next < texts.length) {
      const text = texts[next++];
      accepted.push(await acceptText(target, text));
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return accepted;
}

export interface SteadySends {
  /** Stops sending and returns everything accepted, once the sends in flight are answered. */
  stop(): Promise<AcceptedSend[]>;
  accepted(): readonly AcceptedSend[];
}

/** A frontend sending one text every `intervalMs` until stopped, texts `${prefix}-<n>`. */
export function startSteadySends(
  target: SendTarget,
  prefix: string,
  intervalMs: number,
): SteadySends {
  const accepted: AcceptedSend[] = [];
  const pending = new Set<Promise<void>>();
  const failures: unknown[] = [];
  let count = 0;
  const timer = setInterval(() => {
    const send = acceptText(target, `${prefix}-${count++}`)
      .then((sent) => void accepted.push(sent))
      .catch((error: unknown) => void failures.push(error))
      .finally(() => pending.delete(send));
    pending.add(send);
  }, intervalMs);
  return {
    accepted: () => accepted,
    stop: async () => {
      clearInterval(timer);
      await Promise.all(pending);
      if (failures.length) throw failures[0];
      return accepted;
    },
  };
}

/** The text of a text message the Graph fake accepted. */
export const textOf = (message: SentMessage): string | undefined =>
  (message.body.text as { body?: string } | undefined)?.body;

/** The text of a text message the Graph fake received, whatever it answered. */
export const textOfRequest = (request: RecordedRequest): string | undefined =>
  (request.json as { text?: { body?: string } } | undefined)?.text?.body;

/** How many times the fake accepted each text (a text accepted twice went out twice). */
export function deliveriesByText(graph: MetaGraphFake): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of graph.sent()) {
    const text = textOf(message);
    if (text !== undefined) counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return counts;
}

/** The status column of each message, by id. */
export async function statusesOf(
  db: DataSource,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const rows: { id: string; status: string }[] = await db.query(
    `SELECT id, status FROM messages WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.status]));
}
