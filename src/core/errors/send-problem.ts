import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem';
import { RenderedError, toProblem } from './to-problem';

/** Sends a rendered problem (status, headers, problem+json body) unless an answer went out. */
export function sendProblem(reply: FastifyReply, rendered: RenderedError): void {
  if (reply.sent) return;
  void reply
    .code(rendered.body.status)
    .headers(rendered.headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send(rendered.body);
}

/**
 * Fastify's `frameworkErrors` hook: requests its router refuses before any route or Nest
 * filter runs (a malformed percent-encoding, a path parameter over maxParamLength) get the
 * same problem+json answer as every other error, instead of Fastify's own JSON.
 */
export function answerFrameworkError(
  error: Error,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  sendProblem(reply, toProblem(error, String(request.id), request.url.split('?')[0]));
}
