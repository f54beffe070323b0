import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { FastifyInstance } from 'fastify';
import { Histogram } from 'prom-client';
import { HTTP_REQUEST_DURATION } from './metric-names';
import { REQUEST_ID_HEADER } from './correlation-id';

/**
 * Measures every HTTP response, labelled by route template (never the raw URL, which would
 * explode label cardinality). It is a Fastify `onResponse` hook rather than a Nest interceptor
 * because interceptors never see what guards or the body parser reject (401, 413, 415, 429),
 * and those are exactly the answers an operator wants to count.
 */
@Injectable()
export class HttpMetricsHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectMetric(HTTP_REQUEST_DURATION) private readonly duration: Histogram<string>,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return; // no HTTP server in this context (e.g. a CLI)
    // Callback hooks, not async ones: every request would pay two promises for nothing.
    fastify.addHook('onRequest', (request, reply, done) => {
      void reply.header(REQUEST_ID_HEADER, request.id);
      done();
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      this.duration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
