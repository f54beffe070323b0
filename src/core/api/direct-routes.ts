import { Global, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['post']>;

/** A route Fastify serves directly, with the OpenAPI operation Swagger's scan cannot see. */
export interface DirectRoute {
  method: 'POST';
  /** The full path, as a platform calls it (no global prefix, no version). */
  url: string;
  handler: RouteHandlerMethod;
  openapi: OperationObject;
  /** The handler authenticates a JSON body's bytes and parses them itself (rawJsonBody). */
  rawJsonBody?: boolean;
}

/**
 * Routes on the hot path of a platform's traffic (webhook intake) that skip Nest's per-request
 * machinery: guards, interceptors, pipes and their rxjs plumbing cost about as much CPU as the
 * durable work itself, and a signed raw body needs none of them. What stays uniform is on
 * Fastify, so these routes get it too: the request id (genReqId and its header), the
 * request-duration metric (HttpMetricsHook), the body parser, and errors, since a thrown error
 * goes to the error handler Nest installs, i.e. the problem+json filter, which logs it with the
 * request id. They write no request line (RequestLogHook). Register only routes that
 * authenticate themselves; nothing here checks credentials or rate limits.
 */
@Injectable()
export class DirectRoutes implements OnModuleInit {
  private readonly routes = new Map<string, DirectRoute>();

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Call from a provider's constructor: every route is handed to Fastify when the app inits. */
  add(route: DirectRoute): void {
    this.routes.set(`${route.method} ${route.url}`, route);
  }

  /**
   * At init, not in `add`: a module compiled before its application exists (a test swapping a
   * provider) has no HTTP adapter while its providers are constructed.
   */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.route) return; // no HTTP server in this context (a CLI)
    for (const route of this.routes.values()) {
      // No request line: one per delivery would cost more CPU than storing it.
      fastify.route({
        method: route.method,
        url: route.url,
        handler: route.handler,
        config: { requestLog: false, rawJsonBody: route.rawJsonBody },
      });
    }
  }

  /** Adds every direct route's operation to a document Swagger generated from the controllers. */
  document(document: OpenAPIObject): void {
    for (const route of this.routes.values()) {
      const method = route.method.toLowerCase() as 'post';
      document.paths[route.url] = { ...document.paths[route.url], [method]: route.openapi };
    }
  }
}

@Global()
@Module({ providers: [DirectRoutes], exports: [DirectRoutes] })
export class DirectRoutesModule {}
