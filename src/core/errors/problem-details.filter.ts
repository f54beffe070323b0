import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem';
import { toProblem } from './to-problem';

/**
 * The single place an error becomes a response. Nest routes Fastify's own errors (body
 * parsing, content type, size) through global filters too, so this sees every failure.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const rendered = toProblem(error, String(request.id), request.url.split('?')[0]);
    if (rendered.unexpected) {
      this.logger.error(
        { err: error, traceId: request.id },
        'Unhandled error while serving request',
      );
    }
    if (reply.sent) return;
    void reply
      .code(rendered.body.status)
      .headers(rendered.headers)
      .type(PROBLEM_CONTENT_TYPE)
      .send(rendered.body);
  }
}
