import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { HttpLogger } from 'pino-http';
import { Store, storage } from 'nestjs-pino/storage';
import { HeldStorage } from '@core/context/held-storage';

/** The pino-http instance that writes the request lines (LoggerModule builds it). */
export const HTTP_LOGGER = Symbol('HTTP_LOGGER');

declare module 'fastify' {
  interface FastifyContextConfig {
    /** False: no request line and no request logger for this route (DirectRoutes). */
    requestLog?: boolean;
  }
}

/** nestjs-pino's request store, held only while a request that has one is in flight. */
const requestLoggers = new HeldStorage(storage);

/**
 * Every request gets pino-http's logger (its line when the response ends, the request id on
 * every line written while serving it: nestjs-pino's PinoLogger reads it from the store set
 * here). A Fastify hook rather than nestjs-pino's Nest middleware: Nest runs middleware
 * through @fastify/middie, which on every request copies request fields (ip, hostname, query)
 * and matches each middleware's path, 8 % of the CPU of a Meta webhook in the intake profile
 * although that route logs nothing. The application runs without middie (app.factory).
 */
export function logRequests(fastify: FastifyInstance, httpLogger: HttpLogger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config.requestLog === false) return done();
    httpLogger(request.raw, reply.raw);
    // 'close' ends every response: sent, failed or cut off by the client.
    const { end } = requestLoggers.enter(new Store(request.raw.log), done);
    reply.raw.once('close', end);
  });
}

@Injectable()
export class RequestLogHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(HTTP_LOGGER) private readonly httpLogger: HttpLogger,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return; // no HTTP server in this context (a CLI)
    logRequests(fastify, this.httpLogger);
  }
}
