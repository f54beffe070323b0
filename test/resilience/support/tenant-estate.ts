import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { EvolutionFake, startEvolutionFake } from '@test/fakes/evolution/evolution-fake';
import {
  InstagramFakeAccount,
  InstagramGraphFake,
  startInstagramGraphFake,
} from '@test/fakes/instagram/instagram-graph-fake';
import { MetaGraphFake, startMetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import { TikTokBusinessFake, TikTokFakeAccount } from '@test/fakes/tiktok/tiktok-business-fake';
import {
  MetaBusinessNumber,
  metaMessages,
  metaMessagesWebhook,
  signMetaWebhook,
} from '@test/fakes/meta-graph/webhooks';
import { eventually } from '@test/support/eventually';
import { TestTenant, createTenant, createTestApp } from '@test/support/test-app';
import type { GoogleFake } from '@test/fakes/google/google-fake';
import { estateCalendarEvent, estateCalendarOperation, startEstateGoogle } from './calendar-estate';
import { TEST_JWT_SECRET } from '@test/support/test-env';
import type { BodyOwner } from './example-body';

/** The app secret Meta signs this world's webhooks with. */
export const ESTATE_APP_SECRET = 'estate-app-secret-0123456789abcdef';
const EVOLUTION_KEY = 'ESTATE-EVOLUTION-GLOBAL-KEY-0001';
const PUBLIC_BASE_URL = 'https://omnihub.example.com';
/** The TikTok developer app of this world. */
const TIKTOK_APP = { id: 'estate-tiktok-app', secret: 'estate-tiktok-app-secret-0123456789' };
/** A video every estate account has, with one comment by a person (TikTok ids are digits). */
export const ESTATE_TIKTOK_VIDEO = '7300000000000000001';
export const ESTATE_TIKTOK_COMMENT = '7300000000000000002';
/** Tenants' own webhook receivers: allow-listed, so no DNS is asked (nothing answers there). */
const RECEIVER_HOST = 'receiver.estate.test';

/** One app with its worker and both platform fakes, where several tenants set up shop. */
export interface EstateWorld {
  app: NestFastifyApplication;
  db: DataSource;
  graph: MetaGraphFake;
  evolution: EvolutionFake;
  instagram: InstagramGraphFake;
  tiktok: TikTokBusinessFake;
  google: GoogleFake;
  close(): Promise<void>;
}

/** A tenant with one resource of every kind the tenant routes serve. */
export interface TenantEstate {
  label: string;
  tenant: TestTenant;
  /** Headers with a JWT naming the tenant (the frontend's credential). */
  jwtHeaders: { authorization: string };
  number: MetaBusinessNumber;
  cloudAccount: { id: string; name: string };
  instagramAccount: { id: string; name: string };
  tiktokAccount: { id: string; name: string };
  /**
   * `instanceName` is the instance's name on Evolution, `instanceKey` its token (a webhook key
   * too), `webhookSecret` the secret header Omnihub registered with its webhook.
   */
  evolutionAccount: {
    id: string;
    name: string;
    instanceName: string;
    instanceKey: string;
    webhookSecret: string;
  };
  /** A second API key, so revoking it does not lock the tenant out. */
  spareApiKeyId: string;
  contactId: string;
  conversationId: string;
  /** A received image: it has media to download and can be marked read. */
  inboundMessageId: string;
  inboundWamid: string;
  mediaId: string;
  outboundMessageId: string;
  /** A subscription to the tenant's own webhook receiver, and the delivery of its ping. */
  webhookId: string;
  webhookDeliveryId: string;
  /** One of the tenant's alert channels, switched off (nothing answers at its URL). */
  alertChannelId: string;
  /** An appointment in the tenant's connected Google calendar. */
  calendarEventId: string;
  /** An appointment reminder rule sending through the Cloud API account. */
  reminderRuleId: string;
  /** A queued calendar write (GET /calendar/operations/{operationId}). */
  calendarOperationId: string;
  /** A Bitrix24 portal added but never installed: its routes answer without calling Bitrix24. */
  bitrixPortalId: string;
  /** An export request for the contact (its download route takes the same id). */
  privacyRequestId: string;
}

/** The system-user token the Graph fake knows for a number of this world (its owner's). */
export const estateAccessToken = (number: MetaBusinessNumber) =>
  `EAAGestate${number.phoneNumberId}`;

/** The TikTok Business account the TikTok fake knows for a number's tenant. */
export function estateTikTokAccount(number: MetaBusinessNumber): TikTokFakeAccount {
  return {
    openId: `-000estate${number.phoneNumberId}`,
    username: `estate.${number.phoneNumberId}`,
  };
}

/** The Instagram professional account the Instagram fake knows for a number's tenant. */
export function estateInstagramAccount(number: MetaBusinessNumber): InstagramFakeAccount {
  return {
    igId: `178414${number.phoneNumberId.slice(-11)}`,
    username: `estate.${number.phoneNumberId}`,
    instagramToken: `IGAAestate${number.phoneNumberId}`,
  };
}

/** `env` overrides the app's variables. */
/** Every label an estate is built under (the resilience specs' tenants). */
const ESTATE_LABELS = ['alpha', 'bravo', 'fuzz'];

function portalHostOf(label: string): string {
  return `${label}.bitrix24.example`;
}

export async function startEstateWorld(
  numbers: readonly MetaBusinessNumber[],
  env: Record<string, string> = {},
): Promise<EstateWorld> {
  const graph = await startMetaGraphFake({
    accounts: numbers.map((number) => ({
      phoneNumberId: number.phoneNumberId,
      wabaId: number.wabaId ?? '102290129340398',
      accessToken: estateAccessToken(number),
    })),
  });
  const evolution = await startEvolutionFake({ globalApiKey: EVOLUTION_KEY });
  const instagram = await startInstagramGraphFake({
    host: 'graph.instagram.com',
    accounts: numbers.map(estateInstagramAccount),
    version: graph.version,
  });
  const tiktok = await TikTokBusinessFake.start(TIKTOK_APP, numbers.map(estateTikTokAccount));
  tiktok.comments.add(
    ESTATE_TIKTOK_VIDEO,
    'Vocês entregam?',
    'estate.person',
    ESTATE_TIKTOK_COMMENT,
  );
  const calendar = await startEstateGoogle();
  const app = await createTestApp({
    ...calendar.env,
    APP_ROLE: 'all',
    // The estates' portals (https://<label>.bitrix24.example) resolve nowhere: let them past
    // the portal URL check, as an operator would for a portal on a private network.
    BITRIX_PORTAL_URL_ALLOWLIST: ['127.0.0.1', ...ESTATE_LABELS.map(portalHostOf)].join(','),
    TIKTOK_APP_ID: TIKTOK_APP.id,
    TIKTOK_APP_SECRET: TIKTOK_APP.secret,
    TIKTOK_BUSINESS_API_BASE_URL: tiktok.baseUrl,
    META_GRAPH_BASE_URL: graph.baseUrl,
    META_GRAPH_API_VERSION: graph.version,
    META_APP_SECRET: ESTATE_APP_SECRET,
    EVOLUTION_BASE_URL: evolution.baseUrl,
    INSTAGRAM_GRAPH_BASE_URL: instagram.baseUrl,
    OUTBOUND_URL_ALLOWLIST: RECEIVER_HOST,
    // Deliveries to the receivers (nobody answers there) settle in moments, not minutes.
    WEBHOOKS_RETRY_BASE_DELAY_MS: '50',
    EVOLUTION_API_KEY: EVOLUTION_KEY,
    PUBLIC_BASE_URL,
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}estate-${newId()}`,
    ...env,
  });
  return {
    app,
    db: app.get(DataSource),
    graph,
    evolution,
    instagram,
    tiktok,
    google: calendar.google,
    close: async () => {
      await app.close();
      await graph.close();
      await evolution.close();
      await instagram.close();
      await tiktok.close();
      await calendar.google.close();
    },
  };
}

/** A Cloud API number of its own for each tenant (phone_number_id is unique per account). */
export function businessNumber(index: number): MetaBusinessNumber {
  const stamp = `${Date.now()}`.slice(-9);
  return { phoneNumberId: `1${index}${stamp}`, wabaId: `20${index}${stamp}` };
}

/**
 * Creates a tenant and, through the public routes and a signed webhook as a real frontend and
 * Meta would, gives it a Cloud API number, an Evolution instance, a spare API key, a customer
 * who sent an image (contact, conversation, inbound message) and a reply (outbound message).
 */
export async function buildTenantEstate(
  world: EstateWorld,
  label: string,
  number: MetaBusinessNumber,
): Promise<TenantEstate> {
  const { app, db, graph, evolution } = world;
  const tenant = await createTenant(app, `Estate ${label} ${newId()}`);
  const call = async (method: 'POST', url: string, payload: object, expected: number) => {
    const response = await app.inject({ method, url, headers: tenant.headers, payload });
    if (response.statusCode !== expected)
      throw new Error(
        `${label}: ${method} ${url} answered ${response.statusCode}: ${response.body}`,
      );
    return response.json<Record<string, unknown>>();
  };

  const cloud = await call(
    'POST',
    '/api/v2/whatsapp/accounts',
    {
      name: `${label}-cloud`,
      phoneNumberId: number.phoneNumberId,
      wabaId: number.wabaId,
      accessToken: estateAccessToken(number),
    },
    201,
  );
  const instance = await call(
    'POST',
    '/api/v2/whatsapp/connect',
    { instanceId: `${label}-evo`, businessId: tenant.id },
    200,
  );
  const instanceName = evolution.requests
    .filter((request) => request.path === '/instance/create')
    .map((request) => (request.json as { instanceName: string }).instanceName)
    .find((name) => name.endsWith(`-${label}-evo`));
  const created = instanceName ? evolution.instance(instanceName) : undefined;
  const instanceKey = created?.token;
  const webhookSecret = Object.values(created?.webhook?.headers ?? {})[0];
  if (!instanceName || !instanceKey || typeof webhookSecret !== 'string')
    throw new Error(`${label}: Evolution instance was not created`);
  const instagramAccount = estateInstagramAccount(number);
  const instagram = await call(
    'POST',
    '/api/v2/instagram/accounts',
    {
      name: `${label}-instagram`,
      accountId: instagramAccount.igId,
      flavour: 'instagram-login',
      accessToken: instagramAccount.instagramToken,
    },
    201,
  );
  const tiktokAccount = await connectTikTok(world, tenant, label, number);
  const spareKey = await call('POST', '/api/v2/api-keys', { name: `${label}-spare` }, 201);

  const waId = `55119${number.phoneNumberId.slice(-8)}`;
  const mediaId = graph.addMedia(number.phoneNumberId, {
    mimeType: 'image/jpeg',
    body: Buffer.from(`${label} photo`),
  });
  const inboundWamid = `wamid.${newId()}`;
  const raw = JSON.stringify(
    metaMessagesWebhook(
      number,
      { waId, name: `${label} customer` },
      metaMessages.image({ from: waId, id: inboundWamid }, mediaId, 'photo'),
    ),
  );
  const delivered = await app.inject({
    method: 'POST',
    url: '/webhooks/meta',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signMetaWebhook(raw, ESTATE_APP_SECRET),
    },
    payload: raw,
  });
  if (delivered.statusCode !== 200) throw new Error(`${label}: webhook refused: ${delivered.body}`);
  const [inbound] = await eventually(async () => {
    const rows: { id: string; conversation_id: string; contact_id: string }[] = await db.query(
      `SELECT m.id, m.conversation_id, c.contact_id
         FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE m.provider_message_id = $1`,
      [inboundWamid],
    );
    if (rows.length !== 1) throw new Error(`${label}: inbound message not stored yet`);
    return rows;
  });

  const reply = await call(
    'POST',
    '/api/v2/messages',
    {
      channelAccountId: `${label}-cloud`,
      to: `+${waId}`,
      type: 'text',
      text: { body: `hello from ${label}` },
    },
    202,
  );

  const { webhookId, webhookDeliveryId } = await settledWebhook(app, tenant, label);
  const alertChannel = await app.inject({
    method: 'POST',
    url: '/api/v2/hub/alert-channels',
    headers: tenant.headers,
    payload: {
      kind: 'slack',
      name: `${label} on-call`,
      url: `https://${RECEIVER_HOST}/${label}-alerts`,
      active: false,
    },
  });
  if (alertChannel.statusCode !== 201) {
    throw new Error(
      `${label}: alert channel answered ${alertChannel.statusCode}: ${alertChannel.body}`,
    );
  }
  estateCount += 1;
  const calendarEventId = await estateCalendarEvent(
    app,
    world.google,
    tenant,
    label,
    estateCount % 9,
  );
  const reminderRule = await call(
    'POST',
    '/api/v2/calendar/reminder-rules',
    {
      name: `${label}-24h`,
      offsetMinutes: 1440,
      channelAccountId: String(cloud.id),
      template: { name: 'lembrete_consulta', language: 'pt_BR' },
      bodyParameters: ['contact_name', 'date', 'time'],
      buttons: ['confirm', 'reschedule', 'cancel'],
      confirmationTexts: { confirm: 'Confirmado', reschedule: 'Remarcar', cancel: 'Cancelado' },
    },
    201,
  );
  const calendarOperationId = await estateCalendarOperation(app, tenant, calendarEventId);
  const portal = await call(
    'POST',
    '/api/v2/bitrix/portals',
    { name: `${label}-portal`, portalUrl: `https://${portalHostOf(label)}` },
    201,
  );
  const privacyRequest = await call(
    'POST',
    '/api/v2/privacy/requests',
    { type: 'export', contact: { id: inbound.contact_id } },
    202,
  );

  return {
    label,
    tenant,
    jwtHeaders: { authorization: `Bearer ${await tenantJwt(tenant.id)}` },
    number,
    cloudAccount: { id: String(cloud.id), name: `${label}-cloud` },
    instagramAccount: { id: String(instagram.id), name: `${label}-instagram` },
    tiktokAccount,
    evolutionAccount: {
      id: String(instance.accountId),
      name: `${label}-evo`,
      instanceName,
      instanceKey,
      webhookSecret,
    },
    spareApiKeyId: String(spareKey.id),
    contactId: inbound.contact_id,
    conversationId: inbound.conversation_id,
    inboundMessageId: inbound.id,
    inboundWamid,
    mediaId,
    outboundMessageId: String(reply.id),
    webhookId,
    webhookDeliveryId,
    alertChannelId: alertChannel.json<{ id: string }>().id,
    calendarEventId,
    reminderRuleId: String(reminderRule.id),
    calendarOperationId,
    bitrixPortalId: String(portal.id),
    privacyRequestId: String(privacyRequest.id),
  };
}

/** The tenant's TikTok account, connected by OAuth as its holder would (TikTok's fake approves). */
async function connectTikTok(
  { app, tiktok }: EstateWorld,
  tenant: TestTenant,
  label: string,
  number: MetaBusinessNumber,
): Promise<{ id: string; name: string }> {
  const name = `${label}-tiktok`;
  const started = await app.inject({
    method: 'POST',
    url: '/api/v2/tiktok/accounts',
    headers: tenant.headers,
    payload: { name, registrationRegion: 'BR' },
  });
  if (started.statusCode !== 201) throw new Error(`${label}: TikTok connect: ${started.body}`);
  const authorize = new URL(started.json<{ authorizeUrl: string }>().authorizeUrl);
  const code = tiktok.issueCode(
    estateTikTokAccount(number).openId,
    authorize.searchParams.get('redirect_uri')!,
  );
  const query = new URLSearchParams({ code, state: authorize.searchParams.get('state')! });
  const callback = await app.inject({
    method: 'GET',
    url: `/api/v2/tiktok/oauth/callback?${query.toString()}`,
  });
  if (callback.statusCode !== 200) throw new Error(`${label}: TikTok callback: ${callback.body}`);
  return { id: callback.json<{ id: string }>().id, name };
}

let estateCount = 0;

/**
 * A subscription to the tenant's own receiver with one delivery (its ping), switched off and
 * its delivery settled (abandoned) before the scenario starts: nothing answers at the receiver,
 * and retries running in the background would change the tenant's rows under the scenario.
 */
async function settledWebhook(
  app: NestFastifyApplication,
  tenant: TestTenant,
  label: string,
): Promise<{ webhookId: string; webhookDeliveryId: string }> {
  const call = async (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object) => {
    const response = await app.inject({ method, url, headers: tenant.headers, payload });
    if (response.statusCode >= 300)
      throw new Error(
        `${label}: ${method} ${url} answered ${response.statusCode}: ${response.body}`,
      );
    return response.json<Record<string, unknown>>();
  };
  const webhook = await call('POST', '/api/v2/webhooks', {
    url: `https://${RECEIVER_HOST}/${label}`,
    eventTypes: ['message.received'],
  });
  const webhookId = String(webhook.id);
  const ping = await call('POST', `/api/v2/webhooks/${webhookId}/test`);
  await call('PATCH', `/api/v2/webhooks/${webhookId}`, { active: false });
  await eventually(async () => {
    const page = await call('GET', `/api/v2/webhooks/${webhookId}/deliveries`);
    const items = page.items as { status: string }[];
    if (items.some((item) => item.status === 'pending'))
      throw new Error(`${label}: webhook deliveries still pending`);
  });
  return { webhookId, webhookDeliveryId: String(ping.id) };
}

/** The estate as the owner of a request body (see exampleBody). */
export function bodyOwner(estate: TenantEstate): BodyOwner {
  return {
    accountId: estate.cloudAccount.id,
    instanceName: estate.evolutionAccount.instanceName,
    instanceKey: estate.evolutionAccount.instanceKey,
  };
}

function tenantJwt(tenantId: string): Promise<string> {
  return new SignJWT({ tenant_id: tenantId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('estate-user')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

/**
 * Every row of every tenant-owned table (those with a tenant_id column) that belongs to
 * `tenantId`, as JSON, to compare before and after. `last_used_at` is left out: it records the
 * tenant's own requests, asynchronously.
 */
export async function tenantRows(db: DataSource, tenantId: string): Promise<string> {
  const tables: { table_name: string }[] = await db.query(
    `SELECT table_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name`,
  );
  const snapshot: Record<string, unknown[]> = {};
  for (const { table_name: table } of tables) {
    const rows: Record<string, unknown>[] = await db.query(
      `SELECT * FROM "${table}" WHERE tenant_id = $1 ORDER BY 1`,
      [tenantId],
    );
    snapshot[table] = rows.map(({ last_used_at: _ignored, ...row }) => row);
  }
  const tenant: unknown[] = await db.query(`SELECT * FROM tenants WHERE id = $1`, [tenantId]);
  snapshot.tenants = tenant;
  return JSON.stringify(snapshot);
}
