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
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
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
}
