import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './send-problem';
import { toProblem } from './to-problem';

/**
 * Where an error becomes a response. Nest routes Fastify's own errors (body parsing, content
 * type, size) through global filters too, so this sees every failure but the few Fastify's
 * router refuses before routing; answerFrameworkError renders those the same way.
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
    sendProblem(reply, rendered);
  }
}
