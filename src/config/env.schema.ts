import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmpty,
  IsEnum,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsTimeZone,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

export enum AppRole {
  Api = 'api',
  Worker = 'worker',
  All = 'all',
}

const ADDRESS_OR_RANGE = String.raw`(loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(\/\d{1,3})?)`;
const TRUST_PROXY_FORMAT = new RegExp(
  String.raw`^(false|\d{1,2}|${ADDRESS_OR_RANGE}(\s*,\s*${ADDRESS_OR_RANGE})*)$`,
);

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

/**
 * Every environment variable Omnihub reads, in one place. `.env.example` documents each of
 * them; `loadConfig` validates this class once at boot and nothing else reads `process.env`.
 */
export class EnvironmentVariables {
  @IsEnum(AppRole)
  APP_ROLE: AppRole = AppRole.All;

  @IsString()
  HOST = '0.0.0.0';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PUBLIC_BASE_URL = 'http://localhost:3000';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL!: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @Transform(toBoolean)
  @IsBoolean()
  DATABASE_SSL = false;

  /**
   * Statements each pooled connection keeps prepared (parsed and planned once); 0 when a
   * pooler in transaction mode sits between Omnihub and PostgreSQL and cannot keep them.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  DATABASE_STATEMENT_CACHE_SIZE = 256;

  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL!: string;

  /** Prefix of every Redis key Omnihub writes; the braces make it a Redis Cluster hash tag. */
  @IsString()
  @MinLength(1)
  QUEUE_PREFIX = '{omnihub}';

  @IsString()
  @MinLength(32, { message: 'ADMIN_API_KEY must be at least 32 characters' })
  ADMIN_API_KEY!: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  JWT_JWKS_URL?: string;

  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  @IsString()
  JWT_TENANT_CLAIM = 'tenant_id';

  /**
   * Longest lifetime a JWT may have: `exp - iat`, and `exp - now` (so neither a missing nor a
   * future `iat` stretches it). Tokens without `exp` are refused.
   */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  JWT_MAX_AGE_SECONDS = 86_400;

  /** Failed authentications per client address (and per address + key prefix) per window. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  AUTH_FAILURE_LIMIT = 20;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  AUTH_FAILURE_WINDOW_SECONDS = 300;

  /**
   * How long a process reuses what an API key resolved to (0: never). A revocation or a tenant
   * suspension drops every reused key at once, in this process and, announced over Redis, in
   * the others; a process that cannot hear announcements reuses nothing. This is the most a
   * revoked key may still be let in somewhere should an announcement be lost mid-flight.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  API_KEY_CACHE_MS = 5_000;

  /**
   * Which peers may set X-Forwarded-For (Fastify `trustProxy`): `false`, a hop count, or a comma
   * list of addresses, CIDRs and the names loopback, linklocal, uniquelocal. The client address
   * buckets failed authentications and anonymous rate limits, so trusting every peer would let a
   * client pick its own address.
   */
  @Matches(TRUST_PROXY_FORMAT, {
    message:
      'TRUST_PROXY must be false, a hop count, or a comma list of addresses, CIDRs, loopback, linklocal, uniquelocal',
  })
  TRUST_PROXY = 'loopback,linklocal,uniquelocal';

  /** Bearer token Prometheus sends to GET /metrics; unset: /metrics is refused. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'METRICS_TOKEN must be at least 32 characters' })
  METRICS_TOKEN?: string;

  /** When set, /api/docs and /api/docs-json need it (Bearer, or Basic with it as password). */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'DOCS_TOKEN must be at least 32 characters' })
  DOCS_TOKEN?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  THROTTLE_TTL_SECONDS = 60;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  THROTTLE_LIMIT = 600;

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 1_048_576;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  SHUTDOWN_TIMEOUT_MS = 25_000;

  /** Off unless asked for: production serves no docs by accident (.env.example turns them on). */
  @Transform(toBoolean)
  @IsBoolean()
  SWAGGER_ENABLED = false;

  /** Key ring for secrets at rest: `keyId:base64(32 bytes)`, comma-separated, newest first. */
  @Matches(/^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=)*$/, {
    message: 'SECRETS_KEYS must be keyId:base64-of-32-bytes[,keyId:base64...] (newest first)',
  })
  SECRETS_KEYS!: string;

  /** Default timeout of one outbound platform call. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  HTTP_TIMEOUT_MS = 10_000;

  /**
   * How long a worker's claim on a send (`sending`) stays live: longer than any provider call
   * takes, since another run that finds a live claim leaves it alone, and one that finds it
   * lapsed holds the send as `unknown` (it may have gone out; it is never sent again).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  OUTBOUND_CLAIM_LEASE_MS = 60_000;

  /** Sends one worker process runs at once (BullMQ concurrency of the `outbound` queue). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  OUTBOUND_WORKER_CONCURRENCY = 10;

  /**
   * How long a process reuses a channel account it read for accepting sends or for ingesting a
   * platform's delivery (0: never). A change (PATCH, switch-off, new credentials, a status
   * change) drops every reused account at once, in this process and, announced over Redis, in
   * the others; a process that cannot hear announcements reuses nothing. The worker reads the
   * account's status with every send all the same.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  CHANNEL_ACCOUNT_CACHE_MS = 5_000;

  /**
   * The operator's allow-list for every outbound URL a tenant supplies (media links, tenant
   * webhook URLs): host names that may point inside the network (an internal media server for
   * Evolution API, an on-premise webhook receiver). They skip the address and port checks,
   * never the https one. Names only: a URL with a literal private IP is always refused.
   */
  @Matches(
    /^((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z](?:[a-z0-9-]*[a-z0-9])?)(,(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z](?:[a-z0-9-]*[a-z0-9])?)*$/,
    { message: 'OUTBOUND_URL_ALLOWLIST must be a comma list of lower-case host names (no IPs)' },
  )
  @IsOptional()
  OUTBOUND_URL_ALLOWLIST?: string;

  /** The allow-list's earlier name: refused, so an upgrade never drops an allow-list silently. */
  @IsEmpty({
    message:
      'MEDIA_LINK_ALLOWED_HOSTS was renamed OUTBOUND_URL_ALLOWLIST (it covers media links and tenant webhook URLs): rename the variable',
  })
  MEDIA_LINK_ALLOWED_HOSTS?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  RETRY_MAX_ATTEMPTS = 3;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  RETRY_BASE_DELAY_MS = 1_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  CIRCUIT_WHATSAPP_FAILURE_THRESHOLD = 5;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  CIRCUIT_WHATSAPP_HALF_OPEN_AFTER_MS = 30_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  CIRCUIT_INSTAGRAM_FAILURE_THRESHOLD = 5;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  CIRCUIT_INSTAGRAM_HALF_OPEN_AFTER_MS = 30_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  CIRCUIT_TIKTOK_FAILURE_THRESHOLD = 5;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  CIRCUIT_TIKTOK_HALF_OPEN_AFTER_MS = 30_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  CIRCUIT_CALENDAR_FAILURE_THRESHOLD = 3;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  CIRCUIT_CALENDAR_HALF_OPEN_AFTER_MS = 60_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  CIRCUIT_BITRIX_FAILURE_THRESHOLD = 5;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  CIRCUIT_BITRIX_HALF_OPEN_AFTER_MS = 30_000;

  /** Share of failed calls over 5 minutes above which an account is degraded (0..1). */
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  HUB_HEALTH_ERROR_RATE = 0.1;

  /** p95 latency over 5 minutes above which an account is degraded. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  HUB_HEALTH_P95_MS = 2_000;

  /** Calls an account needs in the window before its error rate or p95 may degrade it. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  HUB_HEALTH_MIN_CALLS = 5;

  /** Graph API root; point it at a proxy or a local fake. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  META_GRAPH_BASE_URL = 'https://graph.facebook.com';

  @Matches(/^v\d+\.\d+$/, { message: 'META_GRAPH_API_VERSION must look like v23.0' })
  META_GRAPH_API_VERSION = 'v23.0';

  /** App secret that signs Meta webhooks (X-Hub-Signature-256) when an account has none of its own. */
  @IsOptional()
  @IsString()
  @MinLength(16)
  META_APP_SECRET?: string;

  /** Token Meta echoes in the GET /webhooks/meta verification handshake. */
  @IsOptional()
  @IsString()
  @MinLength(8)
  META_VERIFY_TOKEN?: string;

  /**
   * Instagram API with Instagram Login root (graph.instagram.com); the Page-linked flavour
   * (Messenger API for Instagram) uses META_GRAPH_BASE_URL. Point it at a proxy or a local fake.
   */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  INSTAGRAM_GRAPH_BASE_URL = 'https://graph.instagram.com';

  /**
   * Instagram sends per second per professional account. Meta allows 300/s for text, links,
   * reactions and stickers but 10/s for audio and video; one bucket paces every kind, so the
   * default is the lower limit, which no content kind can exceed.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(300)
  INSTAGRAM_MESSAGES_PER_SECOND = 10;

  /** TikTok API for Business root (business-api.tiktok.com); point it at a proxy or a local fake. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  TIKTOK_BUSINESS_API_BASE_URL = 'https://business-api.tiktok.com';

  /** TikTok's account-holder authorisation page (OAuth); the fake serves its own in tests. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  TIKTOK_AUTHORIZE_URL = 'https://www.tiktok.com/v2/auth/authorize/';

  /** The TikTok developer app's id (client_key); without it TikTok accounts cannot connect. */
  @IsOptional()
  @IsString()
  @MinLength(4)
  TIKTOK_APP_ID?: string;

  /** The app's secret: OAuth code exchange and the HMAC key of `Tiktok-Signature` webhooks. */
  @IsOptional()
  @IsString()
  @MinLength(16)
  TIKTOK_APP_SECRET?: string;

  /** Oldest `Tiktok-Signature` timestamp accepted, in seconds either side of our clock. */
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(3600)
  TIKTOK_WEBHOOK_TOLERANCE_SECONDS = 300;

  /** Sends per second per TikTok account (Business Messaging allows 10 QPS per app). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  TIKTOK_MESSAGES_PER_SECOND = 5;

  /** An access token is refreshed when it expires within this many seconds. */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  TIKTOK_TOKEN_REFRESH_MARGIN_SECONDS = 3600;
  /** Google OAuth2 client of the Calendar connect flow; unset: calendar routes answer 503. */
  @IsOptional()
  @IsString()
  @MinLength(8)
  GOOGLE_OAUTH_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @MinLength(8)
  GOOGLE_OAUTH_CLIENT_SECRET?: string;

  /** Google's consent page, token and revoke endpoints; point them at a proxy or a local fake. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  GOOGLE_OAUTH_AUTH_URL = 'https://accounts.google.com/o/oauth2/v2/auth';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  GOOGLE_OAUTH_TOKEN_URL = 'https://oauth2.googleapis.com/token';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  GOOGLE_OAUTH_REVOKE_URL = 'https://oauth2.googleapis.com/revoke';

  /**
   * Where Google sends the user's browser back; registered in the Google Cloud console.
   * Default: PUBLIC_BASE_URL + /api/v2/calendar/oauth/callback.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  GOOGLE_OAUTH_REDIRECT_URI?: string;

  /** Calendar API root (`rootUrl` of the googleapis client; Calendar v3 lives under calendar/v3). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  GOOGLE_CALENDAR_BASE_URL = 'https://www.googleapis.com/';

  /**
   * The frontend page the connect flow ends on, with `?calendar=connected` or
   * `?calendar=error&code=...` appended. Default: PUBLIC_BASE_URL.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  CALENDAR_FRONTEND_REDIRECT_URL?: string;

  /** Deadline of one Google Calendar call (attempt), response included. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  CALENDAR_HTTP_TIMEOUT_MS = 15_000;

  /**
   * The address Google pushes calendar changes to (events.watch); Google requires https.
   * Default: PUBLIC_BASE_URL + /webhooks/google-calendar.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  CALENDAR_WEBHOOK_URL?: string;

  /** Lifetime asked for a push channel (Google caps it, at most 7 days for events). */
  @Type(() => Number)
  @IsInt()
  @Min(3600)
  CALENDAR_CHANNEL_TTL_SECONDS = 604_800;

  /** A channel is replaced by a new one this long before it expires. */
  @Type(() => Number)
  @IsInt()
  @Min(600)
  CALENDAR_CHANNEL_RENEW_BEFORE_SECONDS = 86_400;

  /** How long calendar reads (lists, availability) are served from the Redis cache. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  CALENDAR_CACHE_TTL_SECONDS = 300;

  /** How long a consent URL (its signed, single-use state) stays valid. */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(3600)
  CALENDAR_OAUTH_STATE_TTL_SECONDS = 600;

  /** Time zone of tenants that set none (IANA name, e.g. America/Sao_Paulo). */
  @IsTimeZone()
  CALENDAR_DEFAULT_TIME_ZONE = 'UTC';

  /** How often the reminder task looks for due appointment reminders (one run across pods). */
  @Type(() => Number)
  @IsInt()
  @Min(5000)
  CALENDAR_REMINDERS_EVERY_MS = 60_000;
  /** Bitrix24's OAuth server root (token grants at `<root>token/`); a proxy or a local fake. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  BITRIX_OAUTH_URL = 'https://oauth.bitrix.info/oauth/';

  /** The Bitrix24 application's client id, for portals created without their own. */
  @IsOptional()
  @IsString()
  @MinLength(4)
  BITRIX_CLIENT_ID?: string;

  /** The Bitrix24 application's client secret, for portals created without their own. */
  @IsOptional()
  @IsString()
  @MinLength(8)
  BITRIX_CLIENT_SECRET?: string;

  /**
   * Times Bitrix24 may refuse a mirrored message (backing off 1 s, 2 s, 4 s...) before it becomes
   * a dead letter (GET /api/v2/bitrix/portals/:id/dead-letters, re-driven by POST .../redrive).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  BITRIX_MIRROR_MAX_ATTEMPTS = 5;

  /**
   * Hosts (names or IPs, comma-separated) whose portal URLs skip the public-address check a new
   * portal's URL gets (https, no private, loopback or internal host): an on-premise Bitrix24
   * on the internal network. Empty: every portal must be a public https host.
   */
  @Matches(/^[a-z0-9.:-]+(,[a-z0-9.:-]+)*$/, {
    message: 'BITRIX_PORTAL_URL_ALLOWLIST must be a comma list of lower-case host names or IPs',
  })
  @IsOptional()
  BITRIX_PORTAL_URL_ALLOWLIST?: string;

  /** Our Open Lines connector id as registered on every portal (imconnector.register ID). */
  @Matches(/^[a-z0-9_]{1,32}$/, { message: 'BITRIX_CONNECTOR_ID: lower case, digits, _' })
  BITRIX_CONNECTOR_ID = 'omnihub';

  /**
   * REST requests per second per portal. Bitrix24 drains 2/s (Enterprise 5/s) from a bucket of
   * 50 (Enterprise 250) and answers 503 QUERY_LIMIT_EXCEEDED beyond.
   */
  @Type(() => Number)
  @IsNumber()
  @Min(0.1)
  BITRIX_REQUESTS_PER_SECOND = 2;

  /** How many REST requests a portal may take at once after a quiet spell (below Bitrix's 50). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(250)
  BITRIX_REQUEST_BURST = 40;

  /** Cloud API sends per second per phone number (Meta's default throughput is 80). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  WHATSAPP_CLOUD_MESSAGES_PER_SECOND = 80;

  /** Largest media file served back to the frontend (GET .../messages/:id/media), in bytes. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  MEDIA_DOWNLOAD_MAX_BYTES = 104_857_600;

  /**
   * Lifetime of the signed links Omnihub hands out for received media (GET /api/v2/media/:id,
   * no API key): Bitrix24 open lines get customers' files this way. Up to 30 days, how long Meta
   * keeps a received file.
   */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(2_592_000)
  MEDIA_LINK_TTL_SECONDS = 86_400;

  /** Templates are re-read from Meta after this long. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  WHATSAPP_TEMPLATE_CACHE_SECONDS = 900;

  /** The self-hosted Evolution API v2 server new instances are created on (unset: no Evolution). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  EVOLUTION_BASE_URL?: string;

  /** The Evolution server's global API key (AUTHENTICATION_API_KEY), used to create instances. */
  @IsOptional()
  @IsString()
  @MinLength(8)
  EVOLUTION_API_KEY?: string;

  /** How often the connection state of every Evolution instance is polled. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  EVOLUTION_SESSION_CHECK_INTERVAL_MS = 60_000;

  /** Evolution (unofficial) instances: sends per minute per instance, kept low to lower ban risk. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  EVOLUTION_MESSAGES_PER_MINUTE = 30;

  /**
   * Message classes that may move to an account's fallback account when its provider fails:
   * `service` (free-form replies) and/or `template`. Templates stay on the official provider
   * unless listed here.
   */
  @Matches(/^(none|(service|template)(,(service|template))*)$/, {
    message: 'FALLBACK_MESSAGE_CLASSES must be none, or a comma list of service and template',
  })
  FALLBACK_MESSAGE_CLASSES = 'service';

  /** Inbox rows are kept at least this long: Meta retries failed deliveries for up to 7 days. */
  @Type(() => Number)
  @IsInt()
  @Min(7)
  INBOX_RETENTION_DAYS = 7;

  /**
   * Hours an Idempotency-Key of a send is kept after its first request: a retry within them
   * gets the first message back; after them the key may name a new send (Stripe keeps 24).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  IDEMPOTENCY_KEY_RETENTION_HOURS = 24;

  /** How often the sweeper looks for inbox rows that never reached the queue. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  INBOX_SWEEP_INTERVAL_MS = 30_000;

  /** An inbox row not enqueued after this long is re-enqueued by the sweeper. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  INBOX_SWEEP_AFTER_MS = 30_000;

  /**
   * An inbox row or queued message whose job was added this long ago without running is added
   * again (same job id: a no-op while the job still exists). Recovers work whose jobs Redis
   * lost (a restart without persistence, a failover to a lagging replica).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  INBOX_SWEEP_STALLED_AFTER_MS = 300_000;

  /**
   * Days messaging events are kept once every subscriber has had them. Subscribers added later
   * are handed what is still kept; a dead letter's event stays until it is re-driven.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  MESSAGING_EVENTS_RETENTION_DAYS = 7;

  /** How often an idle worker looks for messaging events to deliver. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(60_000)
  MESSAGING_EVENTS_POLL_INTERVAL_MS = 250;

  /** Attempts per event and subscriber before the event becomes that subscriber's dead letter. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(30)
  MESSAGING_EVENTS_MAX_ATTEMPTS = 8;

  /**
   * Deadline of one delivery to a tenant's webhook URL, answer included. Short on purpose: a
   * receiver should acknowledge and work later; a slow one only delays its own deliveries.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(30_000)
  WEBHOOKS_TIMEOUT_MS = 5_000;

  /**
   * Wait before the first retry of a failed delivery; doubled for each later one (minus up to
   * half, as jitter), at most an hour apart and never sooner than the receiver's Retry-After.
   * Deliveries are retried for 24 hours.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  WEBHOOKS_RETRY_BASE_DELAY_MS = 10_000;

  /** Deliveries in a row that end failed (given up) before the subscription is disabled. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000)
  WEBHOOKS_DISABLE_AFTER_FAILURES = 10;

  /** Deliveries in flight at once per subscription, across all workers. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  WEBHOOKS_CONCURRENCY_PER_SUBSCRIPTION = 2;

  /** Days finished deliveries (succeeded or failed) are kept for the deliveries API. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  WEBHOOKS_DELIVERY_RETENTION_DAYS = 30;

  /**
   * Hours the live event stream keeps each tenant's events for clients that reconnect with
   * Last-Event-ID; a client whose gap is older is told to resync.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(168)
  LIVE_EVENTS_RETENTION_HOURS = 24;

  /** Seconds a stream ticket (POST /api/v2/events/tickets) may wait for its one use. */
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(600)
  LIVE_EVENTS_TICKET_TTL_SECONDS = 60;

  /** Seconds between heartbeat comments on an idle event stream (proxies cut silent ones). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(300)
  LIVE_EVENTS_HEARTBEAT_SECONDS = 15;

  /** Bytes a stream client may leave unread in its socket buffer before it is dropped as slow. */
  @Type(() => Number)
  @IsInt()
  @Min(4096)
  LIVE_EVENTS_MAX_BUFFER_BYTES = 1_048_576;

  /** Event streams a tenant may hold open at once, across all pods; more answer 429. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  LIVE_EVENTS_MAX_CONNECTIONS_PER_TENANT = 100;

  /** Slack incoming webhook (https://hooks.slack.com/services/...) for platform alerts. */
  @IsUrl({ require_tld: false, protocols: ['https'], require_protocol: true })
  @IsOptional()
  ALERTS_SLACK_WEBHOOK_URL?: string;

  /** Discord webhook (https://discord.com/api/webhooks/<id>/<token>) for platform alerts. */
  @IsUrl({ require_tld: false, protocols: ['https'], require_protocol: true })
  @IsOptional()
  ALERTS_DISCORD_WEBHOOK_URL?: string;

  /** Any HTTPS endpoint for platform alerts, signed with ALERTS_WEBHOOK_SECRET. */
  @IsUrl({ require_tld: false, protocols: ['https'], require_protocol: true })
  @IsOptional()
  ALERTS_WEBHOOK_URL?: string;

  /** Signing secret of ALERTS_WEBHOOK_URL (HMAC-SHA256 of `<timestamp>.<body>`). */
  @ValidateIf((env: EnvironmentVariables) => env.ALERTS_WEBHOOK_URL !== undefined)
  @IsString()
  @MinLength(16)
  ALERTS_WEBHOOK_SECRET?: string;

  /** Whether the global channels also hear tenants' alerts (re-auth needed, token refresh). */
  @Transform(toBoolean)
  @IsBoolean()
  ALERTS_GLOBAL_INCLUDES_TENANT_ALERTS = false;

  /** The same alert (type and subject) is announced at most once per window, across pods. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  ALERTS_DEDUP_WINDOW_SECONDS = 300;

  /** Announcements of one alert type per hour, across pods; more are recorded, not sent. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  ALERTS_RATE_LIMIT_PER_TYPE_PER_HOUR = 60;

  /** Deadline of one alert delivery to a channel. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(30_000)
  ALERTS_TIMEOUT_MS = 5_000;

  /** Attempts of one delivery (exponential backoff from 1 s, Retry-After honoured). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  ALERTS_DELIVERY_ATTEMPTS = 8;

  /** How often queue counts and hub error rates are checked against the thresholds below. */
  @Type(() => Number)
  @IsInt()
  @Min(5_000)
  ALERTS_CHECK_INTERVAL_MS = 60_000;

  /** Jobs waiting in one queue above which `queue.backlog` fires. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  ALERTS_QUEUE_BACKLOG_THRESHOLD = 1_000;

  /** Share of a hub's calls over the last 5 minutes that failed, above which an alert fires. */
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  ALERTS_ERROR_RATE_THRESHOLD = 0.1;

  /** p95 latency of a hub's calls over the last 5 minutes above which an alert fires. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  ALERTS_LATENCY_P95_THRESHOLD_MS = 2_000;

  /** Share of a hub's calls that succeeded, below which an alert fires. */
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  ALERTS_SUCCESS_RATE_THRESHOLD = 0.9;

  /** Calls a hub needs in the window before its rates are judged (5 failures of 6 is noise). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  ALERTS_MIN_CALLS = 20;

  /** Days a resolved alert stays in the history (GET /hub/alerts); firing ones stay until resolved. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  ALERTS_HISTORY_RETENTION_DAYS = 90;

  /** Days the audit log is kept by default (a tenant may set its own); then a signed prefix goes. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  AUDIT_RETENTION_DAYS = 90;

  /** Days messages are kept by default (a tenant may set its own); older ones are deleted. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  MESSAGE_RETENTION_DAYS = 365;

  /** Messages one retention DELETE removes: its row locks and WAL burst stay this small. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  RETENTION_MESSAGE_BATCH_SIZE = 500;

  /** Seconds one hourly retention run may spend on large backlogs before leaving the rest to the next. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3_000)
  RETENTION_RUN_BUDGET_SECONDS = 900;

  /** Days a data subject request may take (LGPD art. 19: 15 days); sets each request's due date. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(30)
  PRIVACY_REQUEST_DUE_DAYS = 15;

  /** Days before its due date an unfinished data subject request raises `privacy.request_due`. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(30)
  PRIVACY_REQUEST_WARN_DAYS = 3;

  /** Hours a data export's download link works; the document is deleted after them. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(720)
  PRIVACY_EXPORT_LINK_TTL_HOURS = 72;
}
