import { AppRole, EnvironmentVariables } from './env.schema';

/** Hubs with their own circuit-breaker settings (the same names as HubName in core/channel). */
export type BreakerHub = 'whatsapp' | 'instagram' | 'tiktok' | 'calendar' | 'bitrix';

/**
 * Typed, grouped view of the validated environment. Services inject `AppConfig` and read
 * `config.database.url`; they never see raw variable names.
 */
export class AppConfig {
  readonly role: AppRole;
  readonly http: {
    host: string;
    port: number;
    publicBaseUrl: string;
    bodyLimitBytes: number;
    swaggerEnabled: boolean;
    /** Fastify `trustProxy`: which peers' X-Forwarded-For names the client. */
    trustProxy: boolean | number | string;
    /** Bearer token of GET /metrics; undefined: /metrics is refused. */
    metricsToken?: string;
    /** Token guarding /api/docs; undefined: the docs (when enabled) are open. */
    docsToken?: string;
  };
  readonly log: { level: string };
  readonly database: { url: string; poolSize: number; ssl: boolean; statementCacheSize: number };
  readonly redis: { url: string; prefix: string };
  readonly auth: {
    adminApiKey: string;
    jwt: {
      secret?: string;
      jwksUrl?: string;
      issuer?: string;
      audience?: string;
      tenantClaim: string;
      maxAgeSeconds: number;
    };
    failures: { limit: number; windowSeconds: number };
    /** How long a resolved API key is reused (API_KEY_CACHE_MS). */
    apiKeyCacheMs: number;
  };
  readonly throttle: { ttlSeconds: number; limit: number };
  readonly shutdownTimeoutMs: number;
  readonly secrets: { keyRing: string };
  readonly outboundHttp: {
    timeoutMs: number;
    /** Hosts whose media links and webhook URLs may point inside the network (PublicLinkGuard). */
    allowedHosts: ReadonlySet<string>;
  };
  readonly outbound: {
    /** How long a claim on a send stays live (OUTBOUND_CLAIM_LEASE_MS). */
    claimLeaseMs: number;
    workerConcurrency: number;
    /** How long a read channel account is reused (CHANNEL_ACCOUNT_CACHE_MS). */
    accountCacheMs: number;
  };
  readonly resilience: {
    retry: { maxAttempts: number; baseDelayMs: number };
    breakers: Record<BreakerHub, { failureThreshold: number; halfOpenAfterMs: number }>;
  };
  readonly hubHealth: { errorRate: number; p95Ms: number; minCalls: number };
  readonly inbox: {
    retentionDays: number;
    sweepIntervalMs: number;
    sweepAfterMs: number;
    sweepStalledAfterMs: number;
  };
  readonly meta: {
    graphBaseUrl: string;
    graphApiVersion: string;
    appSecret?: string;
    verifyToken?: string;
  };
  readonly whatsapp: {
    cloudMessagesPerSecond: number;
    templateCacheSeconds: number;
    mediaDownloadMaxBytes: number;
    evolutionMessagesPerMinute: number;
    evolution: { baseUrl?: string; apiKey?: string; sessionCheckIntervalMs: number };
  };
  readonly instagram: { graphBaseUrl: string; messagesPerSecond: number };
  readonly tiktok: {
    businessApiBaseUrl: string;
    authorizeUrl: string;
    appId?: string;
    appSecret?: string;
    webhookToleranceSeconds: number;
    messagesPerSecond: number;
    tokenRefreshMarginSeconds: number;
  };
  readonly calendar: {
    /** Both set, or the calendar routes answer 503 CALENDAR.NOT_CONFIGURED. */
    clientId?: string;
    clientSecret?: string;
    authUrl: string;
    tokenUrl: string;
    revokeUrl: string;
    redirectUri: string;
    /** googleapis `rootUrl`, ending in '/'. */
    apiRootUrl: string;
    frontendRedirectUrl: string;
    timeoutMs: number;
    cacheTtlSeconds: number;
    stateTtlSeconds: number;
    defaultTimeZone: string;
    /** Interval of the calendar.reminders maintenance task. */
    remindersEveryMs: number;
    /** Where Google pushes calendar changes (events.watch `address`). */
    webhookUrl: string;
    channelTtlSeconds: number;
    channelRenewBeforeSeconds: number;
  };
  /** Signed links to received media (served without an API key), capped like any download. */
  readonly mediaLinks: { ttlSeconds: number; maxBytes: number };
  readonly bitrix: {
    oauthUrl: string;
    clientId?: string;
    clientSecret?: string;
    connectorId: string;
    /** Refusals of a mirrored message before it is a dead letter. */
    mirrorMaxAttempts: number;
    /** Portal hosts exempt from the public-address check (BITRIX_PORTAL_URL_ALLOWLIST). */
    portalUrlAllowlist: ReadonlySet<string>;
    requestsPerSecond: number;
    requestBurst: number;
  };
  /** Message classes allowed to fall back to a secondary account ('service', 'template'). */
  readonly fallbackMessageClasses: ReadonlySet<string>;
  /** How long a send's Idempotency-Key is kept. */
  readonly idempotencyKeyRetentionHours: number;
  readonly messagingEvents: { retentionDays: number; pollIntervalMs: number; maxAttempts: number };
  readonly webhooks: {
    timeoutMs: number;
    retryBaseDelayMs: number;
    disableAfterFailures: number;
    concurrencyPerSubscription: number;
    retentionDays: number;
  };
  readonly alerts: {
    /** Channels every platform-wide alert goes to (the log always hears every alert). */
    global: {
      slackUrl?: string;
      discordUrl?: string;
      webhook?: { url: string; secret: string };
      includesTenantAlerts: boolean;
    };
    dedupWindowMs: number;
    rateLimitPerTypePerHour: number;
    timeoutMs: number;
    deliveryAttempts: number;
    checkIntervalMs: number;
    queueBacklogThreshold: number;
    errorRateThreshold: number;
    latencyP95ThresholdMs: number;
    successRateThreshold: number;
    minCalls: number;
    historyRetentionDays: number;
  };
  readonly retention: {
    auditDays: number;
    messageDays: number;
    messageBatchSize: number;
    runBudgetMs: number;
  };
  readonly privacy: { requestDueDays: number; requestWarnDays: number; exportLinkTtlMs: number };
  readonly liveEvents: {
    retentionMs: number;
    ticketTtlSeconds: number;
    heartbeatMs: number;
    maxBufferBytes: number;
    maxConnectionsPerTenant: number;
  };

  constructor(env: EnvironmentVariables) {
    this.role = env.APP_ROLE;
    this.http = {
      host: env.HOST,
      port: env.PORT,
      publicBaseUrl: env.PUBLIC_BASE_URL.replace(/\/+$/, ''),
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      swaggerEnabled: env.SWAGGER_ENABLED,
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
      metricsToken: env.METRICS_TOKEN,
      docsToken: env.DOCS_TOKEN,
    };
    this.log = { level: env.LOG_LEVEL };
    this.database = {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      ssl: env.DATABASE_SSL,
      statementCacheSize: env.DATABASE_STATEMENT_CACHE_SIZE,
    };
    this.redis = { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX };
    this.auth = {
      adminApiKey: env.ADMIN_API_KEY,
      jwt: {
        secret: env.JWT_SECRET,
        jwksUrl: env.JWT_JWKS_URL,
        issuer: env.JWT_ISSUER,
        audience: env.JWT_AUDIENCE,
        tenantClaim: env.JWT_TENANT_CLAIM,
        maxAgeSeconds: env.JWT_MAX_AGE_SECONDS,
      },
      failures: { limit: env.AUTH_FAILURE_LIMIT, windowSeconds: env.AUTH_FAILURE_WINDOW_SECONDS },
      apiKeyCacheMs: env.API_KEY_CACHE_MS,
    };
    this.throttle = { ttlSeconds: env.THROTTLE_TTL_SECONDS, limit: env.THROTTLE_LIMIT };
    this.shutdownTimeoutMs = env.SHUTDOWN_TIMEOUT_MS;
    this.secrets = { keyRing: env.SECRETS_KEYS };
    this.outboundHttp = {
      timeoutMs: env.HTTP_TIMEOUT_MS,
      allowedHosts: new Set(env.OUTBOUND_URL_ALLOWLIST?.split(',') ?? []),
    };
    this.outbound = {
      claimLeaseMs: env.OUTBOUND_CLAIM_LEASE_MS,
      workerConcurrency: env.OUTBOUND_WORKER_CONCURRENCY,
      accountCacheMs: env.CHANNEL_ACCOUNT_CACHE_MS,
    };
    this.hubHealth = {
      errorRate: env.HUB_HEALTH_ERROR_RATE,
      p95Ms: env.HUB_HEALTH_P95_MS,
      minCalls: env.HUB_HEALTH_MIN_CALLS,
    };
    this.resilience = {
      retry: { maxAttempts: env.RETRY_MAX_ATTEMPTS, baseDelayMs: env.RETRY_BASE_DELAY_MS },
      breakers: {
        whatsapp: {
          failureThreshold: env.CIRCUIT_WHATSAPP_FAILURE_THRESHOLD,
          halfOpenAfterMs: env.CIRCUIT_WHATSAPP_HALF_OPEN_AFTER_MS,
        },
        instagram: {
          failureThreshold: env.CIRCUIT_INSTAGRAM_FAILURE_THRESHOLD,
          halfOpenAfterMs: env.CIRCUIT_INSTAGRAM_HALF_OPEN_AFTER_MS,
        },
        tiktok: {
          failureThreshold: env.CIRCUIT_TIKTOK_FAILURE_THRESHOLD,
          halfOpenAfterMs: env.CIRCUIT_TIKTOK_HALF_OPEN_AFTER_MS,
        },
        calendar: {
          failureThreshold: env.CIRCUIT_CALENDAR_FAILURE_THRESHOLD,
          halfOpenAfterMs: env.CIRCUIT_CALENDAR_HALF_OPEN_AFTER_MS,
        },
        bitrix: {
          failureThreshold: env.CIRCUIT_BITRIX_FAILURE_THRESHOLD,
          halfOpenAfterMs: env.CIRCUIT_BITRIX_HALF_OPEN_AFTER_MS,
        },
      },
    };
    this.mediaLinks = {
      ttlSeconds: env.MEDIA_LINK_TTL_SECONDS,
      maxBytes: env.MEDIA_DOWNLOAD_MAX_BYTES,
    };
    this.meta = {
      graphBaseUrl: env.META_GRAPH_BASE_URL.replace(/\/+$/, ''),
      graphApiVersion: env.META_GRAPH_API_VERSION,
      appSecret: env.META_APP_SECRET,
      verifyToken: env.META_VERIFY_TOKEN,
    };
    this.whatsapp = {
      cloudMessagesPerSecond: env.WHATSAPP_CLOUD_MESSAGES_PER_SECOND,
      templateCacheSeconds: env.WHATSAPP_TEMPLATE_CACHE_SECONDS,
      mediaDownloadMaxBytes: env.MEDIA_DOWNLOAD_MAX_BYTES,
      evolutionMessagesPerMinute: env.EVOLUTION_MESSAGES_PER_MINUTE,
      evolution: {
        baseUrl: env.EVOLUTION_BASE_URL?.replace(/\/+$/, ''),
        apiKey: env.EVOLUTION_API_KEY,
        sessionCheckIntervalMs: env.EVOLUTION_SESSION_CHECK_INTERVAL_MS,
      },
    };
    this.instagram = {
      graphBaseUrl: env.INSTAGRAM_GRAPH_BASE_URL.replace(/\/+$/, ''),
      messagesPerSecond: env.INSTAGRAM_MESSAGES_PER_SECOND,
    };
    this.tiktok = {
      businessApiBaseUrl: env.TIKTOK_BUSINESS_API_BASE_URL.replace(/\/+$/, ''),
      authorizeUrl: env.TIKTOK_AUTHORIZE_URL,
      appId: env.TIKTOK_APP_ID,
      appSecret: env.TIKTOK_APP_SECRET,
      webhookToleranceSeconds: env.TIKTOK_WEBHOOK_TOLERANCE_SECONDS,
      messagesPerSecond: env.TIKTOK_MESSAGES_PER_SECOND,
      tokenRefreshMarginSeconds: env.TIKTOK_TOKEN_REFRESH_MARGIN_SECONDS,
    };
    this.calendar = {
      clientId: env.GOOGLE_OAUTH_CLIENT_ID,
      clientSecret: env.GOOGLE_OAUTH_CLIENT_SECRET,
      authUrl: env.GOOGLE_OAUTH_AUTH_URL,
      tokenUrl: env.GOOGLE_OAUTH_TOKEN_URL,
      revokeUrl: env.GOOGLE_OAUTH_REVOKE_URL,
      redirectUri:
        env.GOOGLE_OAUTH_REDIRECT_URI ??
        `${env.PUBLIC_BASE_URL.replace(/\/+$/, '')}/api/v2/calendar/oauth/callback`,
      apiRootUrl: `${env.GOOGLE_CALENDAR_BASE_URL.replace(/\/+$/, '')}/`,
      frontendRedirectUrl: env.CALENDAR_FRONTEND_REDIRECT_URL ?? env.PUBLIC_BASE_URL,
      timeoutMs: env.CALENDAR_HTTP_TIMEOUT_MS,
      cacheTtlSeconds: env.CALENDAR_CACHE_TTL_SECONDS,
      stateTtlSeconds: env.CALENDAR_OAUTH_STATE_TTL_SECONDS,
      defaultTimeZone: env.CALENDAR_DEFAULT_TIME_ZONE,
      remindersEveryMs: env.CALENDAR_REMINDERS_EVERY_MS,
      webhookUrl:
        env.CALENDAR_WEBHOOK_URL ??
        `${env.PUBLIC_BASE_URL.replace(/\/+$/, '')}/webhooks/google-calendar`,
      channelTtlSeconds: env.CALENDAR_CHANNEL_TTL_SECONDS,
      channelRenewBeforeSeconds: env.CALENDAR_CHANNEL_RENEW_BEFORE_SECONDS,
    };
    this.bitrix = {
      oauthUrl: env.BITRIX_OAUTH_URL.replace(/\/*$/, '/'),
      clientId: env.BITRIX_CLIENT_ID,
      clientSecret: env.BITRIX_CLIENT_SECRET,
      connectorId: env.BITRIX_CONNECTOR_ID,
      mirrorMaxAttempts: env.BITRIX_MIRROR_MAX_ATTEMPTS,
      portalUrlAllowlist: new Set(env.BITRIX_PORTAL_URL_ALLOWLIST?.split(',') ?? []),
      requestsPerSecond: env.BITRIX_REQUESTS_PER_SECOND,
      requestBurst: env.BITRIX_REQUEST_BURST,
    };
    this.fallbackMessageClasses = new Set(
      env.FALLBACK_MESSAGE_CLASSES === 'none' ? [] : env.FALLBACK_MESSAGE_CLASSES.split(','),
    );
    this.idempotencyKeyRetentionHours = env.IDEMPOTENCY_KEY_RETENTION_HOURS;
    this.messagingEvents = {
      retentionDays: env.MESSAGING_EVENTS_RETENTION_DAYS,
      pollIntervalMs: env.MESSAGING_EVENTS_POLL_INTERVAL_MS,
      maxAttempts: env.MESSAGING_EVENTS_MAX_ATTEMPTS,
    };
    this.webhooks = {
      timeoutMs: env.WEBHOOKS_TIMEOUT_MS,
      retryBaseDelayMs: env.WEBHOOKS_RETRY_BASE_DELAY_MS,
      disableAfterFailures: env.WEBHOOKS_DISABLE_AFTER_FAILURES,
      concurrencyPerSubscription: env.WEBHOOKS_CONCURRENCY_PER_SUBSCRIPTION,
      retentionDays: env.WEBHOOKS_DELIVERY_RETENTION_DAYS,
    };
    this.alerts = {
      global: {
        slackUrl: env.ALERTS_SLACK_WEBHOOK_URL,
        discordUrl: env.ALERTS_DISCORD_WEBHOOK_URL,
        webhook:
          env.ALERTS_WEBHOOK_URL && env.ALERTS_WEBHOOK_SECRET
            ? { url: env.ALERTS_WEBHOOK_URL, secret: env.ALERTS_WEBHOOK_SECRET }
            : undefined,
        includesTenantAlerts: env.ALERTS_GLOBAL_INCLUDES_TENANT_ALERTS,
      },
      dedupWindowMs: env.ALERTS_DEDUP_WINDOW_SECONDS * 1000,
      rateLimitPerTypePerHour: env.ALERTS_RATE_LIMIT_PER_TYPE_PER_HOUR,
      timeoutMs: env.ALERTS_TIMEOUT_MS,
      deliveryAttempts: env.ALERTS_DELIVERY_ATTEMPTS,
      checkIntervalMs: env.ALERTS_CHECK_INTERVAL_MS,
      queueBacklogThreshold: env.ALERTS_QUEUE_BACKLOG_THRESHOLD,
      errorRateThreshold: env.ALERTS_ERROR_RATE_THRESHOLD,
      latencyP95ThresholdMs: env.ALERTS_LATENCY_P95_THRESHOLD_MS,
      successRateThreshold: env.ALERTS_SUCCESS_RATE_THRESHOLD,
      minCalls: env.ALERTS_MIN_CALLS,
      historyRetentionDays: env.ALERTS_HISTORY_RETENTION_DAYS,
    };
    this.retention = {
      auditDays: env.AUDIT_RETENTION_DAYS,
      messageDays: env.MESSAGE_RETENTION_DAYS,
      messageBatchSize: env.RETENTION_MESSAGE_BATCH_SIZE,
      runBudgetMs: env.RETENTION_RUN_BUDGET_SECONDS * 1_000,
    };
    this.privacy = {
      requestDueDays: env.PRIVACY_REQUEST_DUE_DAYS,
      requestWarnDays: env.PRIVACY_REQUEST_WARN_DAYS,
      exportLinkTtlMs: env.PRIVACY_EXPORT_LINK_TTL_HOURS * 3_600_000,
    };
    this.liveEvents = {
      retentionMs: env.LIVE_EVENTS_RETENTION_HOURS * 3_600_000,
      ticketTtlSeconds: env.LIVE_EVENTS_TICKET_TTL_SECONDS,
      heartbeatMs: env.LIVE_EVENTS_HEARTBEAT_SECONDS * 1000,
      maxBufferBytes: env.LIVE_EVENTS_MAX_BUFFER_BYTES,
      maxConnectionsPerTenant: env.LIVE_EVENTS_MAX_CONNECTIONS_PER_TENANT,
    };
    this.inbox = {
      retentionDays: env.INBOX_RETENTION_DAYS,
      sweepIntervalMs: env.INBOX_SWEEP_INTERVAL_MS,
      sweepAfterMs: env.INBOX_SWEEP_AFTER_MS,
      sweepStalledAfterMs: env.INBOX_SWEEP_STALLED_AFTER_MS,
    };
  }

  get runsApi(): boolean {
    return this.role === AppRole.Api || this.role === AppRole.All;
  }

  get runsWorkers(): boolean {
    return this.role === AppRole.Worker || this.role === AppRole.All;
  }
}

/** `false`, a hop count, or proxy-addr's comma list of trusted addresses and ranges. */
function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}
