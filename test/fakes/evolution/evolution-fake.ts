import { randomUUID } from 'node:crypto';
import { FakeHttpServer, FakeResponse, RecordedRequest } from '@test/fakes/fake-http-server';
import {
  badRequestAnswer,
  connectionClosedAnswer,
  evolutionError,
  fakeEvolutionMessageId,
  fakeInstanceToken,
  fakeJidOf,
  fakeQr,
  instanceNotFoundAnswer,
  notOnWhatsappAnswer,
  unauthorizedAnswer,
} from './evolution-answers';
import { SEND_ROUTES, SendRoute, checkSendBody } from './evolution-send-rules';
import { evolutionEnvelope } from './webhooks';

export type FakeConnectionState = 'open' | 'connecting' | 'close';

export interface FakeInstance {
  name: string;
  token: string;
  state: FakeConnectionState;
  webhook?: Record<string, unknown>;
  /** QR codes handed out so far (Evolution's `count`). */
  qrCount: number;
}

export interface EvolutionFakeOptions {
  /** The server's AUTHENTICATION_API_KEY: accepted for every route, required for create. */
  globalApiKey: string;
  instances?: readonly { name: string; token: string; state?: FakeConnectionState }[];
  /** Phone numbers (digits) WhatsApp does not know: sends to them fail the number check. */
  unregisteredNumbers?: readonly string[];
  /**
   * AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES: only then does a webhook body carry the
   * instance token in `apikey`; off by default, as on Evolution, and the body says null.
   */
  exposeApiKeyInWebhooks?: boolean;
}

/** One webhook POST as Evolution would make it to an instance's configured webhook. */
export interface EvolutionWebhookDelivery {
  url: string;
  /** The URL's path (and query), for app.inject. */
  path: string;
  /** `content-type` plus every header configured with the webhook, as Evolution sends them. */
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** A message Evolution accepted, as the fake received it. */
export interface EvolutionSentMessage {
  instance: string;
  route: SendRoute;
  id: string;
  remoteJid: string;
  body: Record<string, unknown>;
}

export interface EvolutionFake {
  baseUrl: string;
  requests: RecordedRequest[];
  /** The next `n` authorised requests answer with this status (Evolution's body) or answer. */
  failNext(n: number, failure: number | (FakeResponse & { status: number })): void;
  setState(instance: string, state: FakeConnectionState): void;
  instance(name: string): FakeInstance | undefined;
  sent(): EvolutionSentMessage[];
  /**
   * The POST Evolution makes for `envelope` (built with test/fakes/evolution/webhooks.ts) to
   * the instance's webhook: its URL (with `/<event>` appended when byEvents is on), its
   * configured headers, and the body with `destination` and `apikey` as Evolution fills them.
   * Undefined when the instance has no enabled webhook or the event is not subscribed.
   */
  webhookDelivery(
    instance: string,
    envelope: Record<string, unknown>,
  ): EvolutionWebhookDelivery | undefined;
  /**
   * Like Evolution, post each accepted send as a `send.message` webhook to the instance's
   * webhook URL before answering it, not awaited; the answer follows `gapMs` later. `null`
   * stops it. Instances without a webhook URL answer as before.
   */
  echoSendsBeforeAnswering(gapMs: number | null): void;
  close(): Promise<void>;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
};

type Handler = (request: RecordedRequest, instance: FakeInstance) => FakeResponse;

/**
 * Posts Evolution's `send.message` webhook for a stored send, as its sendDataWebhook does: the
 * envelope with the instance key, to `<url>/send-message` when events go to their own paths,
 * and without waiting for the answer. False when the instance has no webhook URL.
 */
function postSendEcho(
  instance: FakeInstance,
  stored: Record<string, unknown>,
  exposeApiKey: boolean | undefined,
): boolean {
  const envelope = evolutionEnvelope(
    { name: instance.name, apiKey: instance.token },
    'send.message',
    stored,
  );
  // Delivered like every other webhook: only when subscribed, with the configured headers.
  const delivery = webhookDeliveryOf(instance, envelope, exposeApiKey);
  if (!delivery) return false;
  void fetch(delivery.url, {
    method: 'POST',
    headers: delivery.headers,
    body: JSON.stringify(delivery.body),
  }).catch(() => undefined);
  return true;
}

/**
 * A local stand-in for an Evolution API v2 server (Baileys integration): instance lifecycle,
 * webhook settings and the send routes. Like Evolution it checks that the instance exists
 * (404) before the `apikey` (401; global key or the instance's token), validates bodies as its
 * schemas do (400) and answers sends with 201 and the stored message (`key.id`, `remoteJid`,
 * status PENDING, messageTimestamp). CONTRACT.md lists the facts and their sources.
 */
export async function startEvolutionFake(options: EvolutionFakeOptions): Promise<EvolutionFake> {
  const server = await FakeHttpServer.start();
  const instances = new Map<string, FakeInstance>();
  for (const seed of options.instances ?? []) {
    instances.set(seed.name, {
      name: seed.name,
      token: seed.token,
      state: seed.state ?? 'open',
      qrCount: 0,
    });
  }
  const unregistered = new Set(options.unregisteredNumbers ?? []);
  let echoGapMs: number | null = null;
  const failures: (number | (FakeResponse & { status: number }))[] = [];
  const sent: EvolutionSentMessage[] = [];

  const scripted = (): FakeResponse | undefined => {
    const failure = failures.shift();
    if (failure === undefined) return undefined;
    if (typeof failure !== 'number') return failure;
    return evolutionError(
      failure,
      REASONS[failure] ?? 'Error',
      failure >= 500 ? 'Internal Server Error' : ['failed'],
    );
  };

  const guarded =
    (handler: Handler) =>
    (request: RecordedRequest): FakeResponse => {
      const instance = instances.get(request.params.instance);
      if (!instance) return instanceNotFoundAnswer(request.params.instance);
      const key = request.headers.apikey;
      if (key !== options.globalApiKey && key !== instance.token) return unauthorizedAnswer();
      return scripted() ?? handler(request, instance);
    };

  const connectAnswer = (instance: FakeInstance, number?: string): FakeResponse => {
    if (instance.state === 'open') {
      return { status: 200, body: { instance: { instanceName: instance.name, state: 'open' } } };
    }
    instance.state = 'connecting';
    instance.qrCount += 1;
    return { status: 200, body: fakeQr(instance.qrCount, number ? 'WZYEH1YY' : undefined) };
  };

  const create = (request: RecordedRequest): FakeResponse => {
    if (request.headers.apikey !== options.globalApiKey) return unauthorizedAnswer();
    const body = (request.json ?? {}) as Record<string, unknown>;
    const name = body.instanceName;
    if (typeof name !== 'string' || name === '')
      return badRequestAnswer('The "instanceName" cannot be empty');
    if (instances.has(name)) {
      return evolutionError(403, 'Forbidden', [`This name "${name}" is already in use.`]);
    }
    const failure = scripted();
    if (failure) return failure;
    const token =
      typeof body.token === 'string' && body.token !== '' ? body.token : fakeInstanceToken();
    const webhook = body.webhook as Record<string, unknown> | undefined;
    const instance: FakeInstance = { name, token, state: 'close', webhook, qrCount: 0 };
    instances.set(name, instance);
    const qrcode =
      body.qrcode === true ? connectAnswer(instance, body.number as string).body : undefined;
    return {
      status: 201,
      body: {
        instance: {
          instanceName: name,
          instanceId: randomUUID(),
          integration: body.integration,
          status: instance.state,
        },
        hash: token,
        webhook: {
          webhookUrl: webhook?.url,
          webhookByEvents: webhook?.byEvents,
          webhookBase64: webhook?.base64,
        },
        settings: {
          rejectCall: false,
          groupsIgnore: false,
          alwaysOnline: false,
          readMessages: false,
        },
        qrcode,
      },
    };
  };

  const send =
    (route: SendRoute): Handler =>
    (request, instance) => {
      const problem = checkSendBody(route, request.json);
      if (problem) return badRequestAnswer(problem);
      const body = request.json as Record<string, unknown>;
      const target =
        route === 'sendReaction'
          ? String((body.key as Record<string, unknown>).remoteJid)
          : String(body.number);
      const remoteJid = fakeJidOf(target);
      if (instance.state !== 'open') return connectionClosedAnswer();
      const digits = remoteJid.split('@')[0];
      if (remoteJid.endsWith('@s.whatsapp.net') && unregistered.has(digits)) {
        return notOnWhatsappAnswer(remoteJid, target);
      }
      const id = fakeEvolutionMessageId();
      sent.push({ instance: instance.name, route, id, remoteJid, body });
      const stored = {
        key: { remoteJid, fromMe: true, id },
        pushName: 'Você',
        status: 'PENDING',
        message: route === 'sendText' ? { conversation: body.text } : {},
        messageType: route === 'sendText' ? 'conversation' : 'unknown',
        messageTimestamp: Math.floor(Date.now() / 1000),
        instanceId: instance.name,
        source: 'unknown',
      };
      const echoed =
        echoGapMs !== null && postSendEcho(instance, stored, options.exposeApiKeyInWebhooks);
      return { status: 201, body: stored, ...(echoed ? { delayMs: echoGapMs! } : {}) };
    };

  server
    .reply('POST', '/instance/create', create)
    .reply(
      'GET',
      '/instance/connect/:instance',
      guarded((request, instance) =>
        connectAnswer(instance, request.query.number as string | undefined),
      ),
    )
    .reply(
      'GET',
      '/instance/connectionState/:instance',
      guarded((_request, instance) => ({
        status: 200,
        body: { instance: { instanceName: instance.name, state: instance.state } },
      })),
    )
    .reply(
      'DELETE',
      '/instance/logout/:instance',
      guarded((_request, instance) => {
        if (instance.state === 'close') {
          return badRequestAnswer(`The "${instance.name}" instance is not connected`);
        }
        instance.state = 'close';
        return {
          status: 200,
          body: { status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } },
        };
      }),
    )
    .reply(
      'DELETE',
      '/instance/delete/:instance',
      guarded((_request, instance) => {
        instances.delete(instance.name);
        return {
          status: 200,
          body: { status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } },
        };
      }),
    )
    .reply(
      'POST',
      '/webhook/set/:instance',
      guarded((request, instance) => {
        const webhook = (request.json as Record<string, unknown> | undefined)?.webhook as
          Record<string, unknown> | undefined;
        if (!webhook) return badRequestAnswer('requires property "webhook"');
        if (
          webhook.enabled === undefined ||
          typeof webhook.url !== 'string' ||
          webhook.url === ''
        ) {
          return badRequestAnswer('webhook requires property "enabled" and "url"');
        }
        instance.webhook = webhook;
        return {
          status: 201,
          body: { webhook: { instanceName: instance.name, webhook: { ...webhook } } },
        };
      }),
    );
  for (const route of SEND_ROUTES)
    server.reply('POST', `/message/${route}/:instance`, guarded(send(route)));

  return {
    baseUrl: server.url,
    requests: server.requests,
    failNext: (n, failure) => {
      for (let i = 0; i < n; i += 1) failures.push(failure);
    },
    setState: (name, state) => {
      const instance = instances.get(name);
      if (!instance) throw new Error(`The fake has no instance "${name}"`);
      instance.state = state;
    },
    instance: (name) => instances.get(name),
    sent: () => [...sent],
    webhookDelivery: (name, envelope) => {
      const instance = instances.get(name);
      return instance && webhookDeliveryOf(instance, envelope, options.exposeApiKeyInWebhooks);
    },
    echoSendsBeforeAnswering: (gapMs) => {
      echoGapMs = gapMs;
    },
    close: () => server.close(),
  };
}

/** Evolution's WebhookController.emit for an instance webhook (REPO webhook.controller.ts). */
function webhookDeliveryOf(
  instance: FakeInstance,
  envelope: Record<string, unknown>,
  exposeApiKey = false,
): EvolutionWebhookDelivery | undefined {
  const webhook = instance.webhook;
  if (!webhook || webhook.enabled === false || typeof webhook.url !== 'string') return undefined;
  const event = String(envelope.event).replace(/[.-]/g, '_').toUpperCase();
  const events = Array.isArray(webhook.events) ? (webhook.events as string[]) : [];
  if (!events.includes(event)) return undefined;
  const url =
    webhook.byEvents === true
      ? `${webhook.url}/${event.replace(/_/g, '-').toLowerCase()}`
      : webhook.url;
  const configured = (webhook.headers ?? {}) as Record<string, string>;
  const { pathname, search } = new URL(url);
  return {
    url,
    path: `${pathname}${search}`,
    headers: { 'content-type': 'application/json', ...configured },
    body: {
      ...envelope,
      instance: instance.name,
      destination: webhook.url,
      apikey: exposeApiKey ? instance.token : null,
    },
  };
}
