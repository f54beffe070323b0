import { AppConfig } from '@config/app-config';
import { Inject, Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter, Histogram } from 'prom-client';
import { Dispatcher } from 'undici';
import { PlatformError } from '@core/errors/platform-error';
import { classifyErrorResponse } from './error-response';
import { GUARDED_HTTP_DISPATCHER, HTTP_DISPATCHER } from './http-agent';
import { encodeMultipart } from './multipart-body';
import {
  HUB_REQUESTS_TOTAL,
  HUB_REQUEST_DURATION,
  HubRequestOutcome,
  outcomeOf,
} from './hub-metrics';
import { PlatformCall, PlatformResponse } from './platform-call';
import { AddressRefusedError } from './pinned-lookup';
import { platformUrl } from './platform-url';
import { PublicLinkGuard } from './public-link.guard';
import { classifyTransportError } from './transport-error';
import { noticeWrite } from './write-notice';

const USER_AGENT = 'omnihub/2';
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * The one way Omnihub calls a platform (Meta Graph, Evolution API, Google, Bitrix24). Every call
 * gets a deadline, is counted and timed per hub/operation/outcome, and fails only with a
 * PlatformError whose `retryable` tells the caller what to do next. Platform modules add their
 * own `errorMapper` for error codes hidden in 4xx bodies.
 *
 * Nothing of the request (URL query, headers, body) or of the response body is put into errors
 * or logs: they carry tokens and personal data.
 */
@Injectable()
export class PlatformHttpClient {
  constructor(
    private readonly config: AppConfig,
    @Inject(HTTP_DISPATCHER) private readonly dispatcher: Dispatcher,
    @Inject(GUARDED_HTTP_DISPATCHER) private readonly guarded: Dispatcher,
    private readonly links: PublicLinkGuard,
    @InjectMetric(HUB_REQUESTS_TOTAL) private readonly requests: Counter<string>,
    @InjectMetric(HUB_REQUEST_DURATION) private readonly duration: Histogram<string>,
  ) {}

  async request<T = unknown>(call: PlatformCall): Promise<PlatformResponse<T>> {
    const labels = { hub: call.hub, operation: call.operation };
    const stopTimer = this.duration.startTimer(labels);
    let outcome: HubRequestOutcome = 'permanent_error';
    try {
      const response = await this.send<T>(call);
      outcome = 'success';
      return response;
    } catch (error) {
      outcome = outcomeOf(error);
      throw error;
    } finally {
      stopTimer({ outcome });
      this.requests.inc({ ...labels, outcome });
    }
  }

  private async send<T>(call: PlatformCall): Promise<PlatformResponse<T>> {
    const url = platformUrl(call.baseUrl, call.path, call.query);
    // Before any timer: a refused form (http, a private IP literal, another port) throws here.
    if (call.publicLink) this.links.assertForm(url.href, call, call.publicLink.subject);
    const timeoutMs = call.timeoutMs ?? this.config.outboundHttp.timeoutMs;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const { body, contentType } = encodeBody(call);
    let requestWritten = false;
    const transport = call.publicLink ? this.guarded : this.dispatcher;
    const dispatcher = call.atMostOnce
      ? transport.compose(noticeWrite(() => (requestWritten = true)))
      : transport;
    try {
      const response = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: call.method,
        headers: {
          accept: (call.responseType ?? 'json') === 'json' ? 'application/json' : '*/*',
          'user-agent': USER_AGENT,
          ...(contentType ? { 'content-type': contentType } : {}),
          ...lowerCaseKeys(call.headers),
        },
        body,
        signal: deadline.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const { statusCode: status, headers } = response;
      if (call.returnRedirects && REDIRECTS.has(status)) {
        await response.body.dump();
        return { status, headers, body: undefined as T };
      }
      if (status >= 200 && status < 300) {
        // A 'stream' body is read after this returns, at its consumer's pace (a client
        // downloading a file): only bodyTimeout (time between chunks) bounds it, not the
        // whole-call deadline, which `finally` clears.
        return { status, headers, body: await readBody<T>(call, status, response.body) };
      }
      const text = await response.body.text();
      const errorResponse = {
        hub: call.hub,
        operation: call.operation,
        status,
        headers,
        body: parseLoosely(text),
      };
      const generic = classifyErrorResponse(errorResponse, Date.now());
      throw call.errorMapper ? call.errorMapper(errorResponse, generic) : generic;
    } catch (error) {
      if (error instanceof PlatformError) throw error;
      const refused = addressRefusalOf(error);
      if (refused && call.publicLink) {
        throw this.links.errorFor(refused.verdict, refused.host, call, call.publicLink.subject);
      }
      throw (
        classifyTransportError(error, {
          ...call,
          timeoutMs,
          deadlinePassed: deadline.signal.aborted,
          requestWritten,
        }) ?? error
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The pinned lookup's refusal, however the socket and undici passed it on. */
function addressRefusalOf(error: unknown): AddressRefusedError | undefined {
  if (error instanceof AddressRefusedError) return error;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof AddressRefusedError ? cause : undefined;
}

function encodeBody(call: PlatformCall): { body?: string | Buffer; contentType?: string } {
  if (call.form) {
    return {
      body: new URLSearchParams(call.form).toString(),
      contentType: 'application/x-www-form-urlencoded',
    };
  }
  if (call.multipart) return encodeMultipart(call.multipart);
  if (call.body !== undefined) return { body: call.body };
  if (call.json !== undefined) {
    return { body: JSON.stringify(call.json), contentType: 'application/json' };
  }
  return {};
}

async function readBody<T>(
  call: PlatformCall,
  status: number,
  body: Dispatcher.ResponseData['body'],
): Promise<T> {
  switch (call.responseType ?? 'json') {
    case 'stream':
      return body as T;
    case 'buffer':
      return Buffer.from(await body.arrayBuffer()) as T;
    case 'text':
      return (await body.text()) as T;
    case 'json': {
      const text = await body.text();
      if (text.length === 0) return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        // The platform may have acted (a message may be out): retrying could do it twice.
        throw new PlatformError(
          call.hub,
          call.operation,
          'server',
          `${call.hub} ${call.operation}: HTTP ${status} answer is not JSON`,
          { status, retryable: false },
        );
      }
    }
  }
}

function parseLoosely(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function lowerCaseKeys(headers: Readonly<Record<string, string>> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
}
