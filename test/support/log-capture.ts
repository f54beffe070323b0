import type { Logger } from 'pino';
import pinoHttp from 'pino-http';
import { Writable } from 'node:stream';
import { loggerOptions } from '@core/observability/logger-options';

export interface CapturedLogs {
  /** A pino logger built exactly as LoggerModule builds the app's (pino-http, same options). */
  logger: Logger;
  /** Every line written so far, as written (JSON text). */
  text(): string;
  lines(): Record<string, unknown>[];
}

/** The app's logger writing into memory, so a test can read what would reach the log sink. */
export function captureLogs(level = 'info'): CapturedLogs {
  const written: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      done();
    },
  });
  const { logger } = pinoHttp(loggerOptions(level), sink);
  return {
    logger,
    text: () => written.join(''),
    lines: () =>
      written
        .join('')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
