import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HubIndicatorRegistry } from './hub-indicator.registry';
import { MigrationsHealthIndicator, expectedMigrationsProvider } from './migrations.health';
import { ReadinessState } from './readiness-state';
import { RedisHealthIndicator } from './redis.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), DiscoveryModule],
  controllers: [HealthController],
  providers: [
    RedisHealthIndicator,
    ReadinessState,
    MigrationsHealthIndicator,
    expectedMigrationsProvider,
    HubIndicatorRegistry,
  ],
})
export class HealthModule {}
