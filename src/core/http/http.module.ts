import { AppConfig } from '@config/app-config';
import { Global, Module } from '@nestjs/common';
import { HTTP_DISPATCHER, HttpAgentCloser, createHttpAgent } from './http-agent';
import { hubMetricProviders } from './hub-metrics';
import { PlatformHttpClient } from './platform-http.client';

const transport = [
  { provide: HTTP_DISPATCHER, inject: [AppConfig], useFactory: createHttpAgent },
  HttpAgentCloser,
];

/** The outbound HTTP client, global so every platform module injects the same one. */
@Global()
@Module({
  providers: [...transport, ...hubMetricProviders, PlatformHttpClient],
  exports: [PlatformHttpClient, ...hubMetricProviders],
})
export class PlatformHttpModule {}
