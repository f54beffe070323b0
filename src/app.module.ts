import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AppConfig } from '@config/app-config';
import { ConfigModule } from '@config/config.module';
import { AuthGuard, AuthModule } from '@core/auth/auth.module';
import { ChannelModule } from '@core/channel/channel.module';
import { DirectRoutesModule } from '@core/api/direct-routes';
import { CryptoModule } from '@core/crypto/crypto.module';
import { DatabaseModule } from '@core/database/database.module';
import { ProblemDetailsFilter } from '@core/errors/problem-details.filter';
import { HealthModule } from '@core/health/health.module';
import { InboxModule } from '@core/inbox/inbox.module';
import { PrivacyContributorsModule } from '@core/privacy/privacy-contributors.module';
import { PlatformHttpModule } from '@core/http/http.module';
import { LoggerModule } from '@core/observability/logger.module';
import { MetricsModule } from '@core/observability/metrics.module';
import { QueueModule } from '@core/queue/queue.module';
import { RedisModule } from '@core/redis/redis.module';
import { ResilienceModule } from '@core/resilience/resilience.module';
import { TenantThrottlerGuard } from '@core/throttling/tenant-throttler.guard';
import { ThrottlingModule } from '@core/throttling/throttling.module';
import { ConsentModule } from '@app/consent/consent.module';
import { CalendarModule } from '@app/calendar/calendar.module';
import { BitrixModule } from '@app/bitrix/bitrix.module';
import { AuditModule } from '@app/audit/audit.module';
import { PrivacyModule } from '@app/privacy/privacy.module';
import { HubHealthModule } from '@app/hub-health/hub-health.module';
import { InstagramModule } from '@app/instagram/instagram.module';
import { TikTokModule } from '@app/tiktok/tiktok.module';
import { MessagingModule } from '@app/messaging/messaging.module';
import { TenantWebhooksModule } from '@app/tenant-webhooks/tenant-webhooks.module';
import { TenantsModule } from '@app/tenants/tenants.module';
import { WhatsappModule } from '@app/whatsapp/whatsapp.module';
import { LiveEventsModule } from '@app/live-events/live-events.module';
import { AlertsModule } from '@app/alerts/alerts.module';

const infrastructure = [
  LoggerModule,
  CryptoModule,
  MetricsModule,
  DirectRoutesModule,
  DatabaseModule,
  RedisModule,
  QueueModule,
  ThrottlingModule,
  PlatformHttpModule,
  ResilienceModule,
  ChannelModule,
  InboxModule,
  PrivacyContributorsModule,
];
const features = [
  AuthModule,
  HealthModule,
  AuditModule,
  TenantsModule,
  MessagingModule,
  WhatsappModule,
  InstagramModule,
  TikTokModule,
  BitrixModule,
  TenantWebhooksModule,
  LiveEventsModule,
  AlertsModule,
  ConsentModule,
  CalendarModule,
  PrivacyModule,
  HubHealthModule,
];

/**
 * Global guards run in this order: authenticate first, so the throttler can bucket by tenant.
 */
const globalPipeline = [
  { provide: APP_GUARD, useClass: AuthGuard },
  { provide: APP_GUARD, useClass: TenantThrottlerGuard },
  { provide: APP_FILTER, useClass: ProblemDetailsFilter },
];

@Module({})
export class AppModule {
  /** `extra` adds modules beside the app's own (tests plug platform doubles in this way). */
  static forConfig(config: AppConfig, extra: Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forConfig(config), ...infrastructure, ...features, ...extra],
      providers: globalPipeline,
    };
  }
}
