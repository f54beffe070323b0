import { AppRole, EnvironmentVariables } from './env.schema';

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
  };
  readonly log: { level: string };
  readonly database: { url: string; poolSize: number; ssl: boolean };
  readonly redis: { url: string; prefix: string };
  readonly auth: {
    adminApiKey: string;
    jwt: {
      secret?: string;
      jwksUrl?: string;
      issuer?: string;
      audience?: string;
      tenantClaim: string;
    };
  };
  readonly throttle: { ttlSeconds: number; limit: number };
  readonly shutdownTimeoutMs: number;

  constructor(env: EnvironmentVariables) {
    this.role = env.APP_ROLE;
    this.http = {
      host: env.HOST,
      port: env.PORT,
      publicBaseUrl: env.PUBLIC_BASE_URL.replace(/\/+$/, ''),
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      swaggerEnabled: env.SWAGGER_ENABLED,
    };
    this.log = { level: env.LOG_LEVEL };
    this.database = { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE, ssl: env.DATABASE_SSL };
    this.redis = { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX };
    this.auth = {
      adminApiKey: env.ADMIN_API_KEY,
      jwt: {
        secret: env.JWT_SECRET,
        jwksUrl: env.JWT_JWKS_URL,
        issuer: env.JWT_ISSUER,
        audience: env.JWT_AUDIENCE,
        tenantClaim: env.JWT_TENANT_CLAIM,
      },
    };
    this.throttle = { ttlSeconds: env.THROTTLE_TTL_SECONDS, limit: env.THROTTLE_LIMIT };
    this.shutdownTimeoutMs = env.SHUTDOWN_TIMEOUT_MS;
  }

  get runsApi(): boolean {
    return this.role === AppRole.Api || this.role === AppRole.All;
  }

  get runsWorkers(): boolean {
    return this.role === AppRole.Worker || this.role === AppRole.All;
  }
}
