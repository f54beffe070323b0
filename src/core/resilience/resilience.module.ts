import { Global, Module } from '@nestjs/common';
import { CallStats } from './call-stats';
import { CircuitBoard } from './circuit-board';
import { CircuitBreakerInterceptor } from './circuit-breaker.interceptor';
import { CircuitBreakerRegistry } from './circuit-breaker.registry';
import { CircuitResetChannel } from './circuit-reset.channel';
import { PodIdentity } from './pod-identity';
import { ResilientCaller } from './resilient-caller';
import { resilienceMetrics } from './resilience.metrics';
import { RetryPolicyFactory } from './retry-policy';
import { TokenBucket } from './token-bucket';

const breakers = [
  CircuitBreakerRegistry,
  CircuitResetChannel,
  CircuitBreakerInterceptor,
  CircuitBoard,
  PodIdentity,
];
const stats = [CallStats];
const retries = [RetryPolicyFactory, ResilientCaller];
const pacing = [TokenBucket];

/**
 * Circuit breakers, retry policies and Redis token-bucket pacing for every platform module.
 * Needs AppConfig and REDIS (ConfigModule, RedisModule), both global.
 */
@Global()
@Module({
  providers: [...breakers, ...stats, ...retries, ...pacing, ...resilienceMetrics],
  exports: [
    CircuitBreakerRegistry,
    CircuitBreakerInterceptor,
    CircuitBoard,
    CallStats,
    PodIdentity,
    RetryPolicyFactory,
    ResilientCaller,
    TokenBucket,
  ],
})
export class ResilienceModule {}
