import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { basicPassword, bearerToken } from '@core/auth/bearer-token';
import { StaticToken } from '@core/auth/static-token';
import { UnauthenticatedError } from '@core/errors/domain-error';
import { sendProblem } from '@core/errors/send-problem';
import { toProblem } from '@core/errors/to-problem';

const DOCS_ROUTE = /^\/api\/docs(?:$|[-/])/;

/**
 * Puts Swagger UI and the OpenAPI document behind DOCS_TOKEN: as a Bearer token (tools,
 * scripts), or as the password of HTTP Basic auth (any user name), which a browser asks for
 * once and then sends with every request of the page, including Swagger UI's own fetch of
 * the document. A Fastify hook, because SwaggerModule registers these routes outside Nest's
 * guards; matched on the route template, so no spelling of the URL slips past it.
 */
export function guardDocs(fastify: FastifyInstance, docsToken: string): void {
  const token = new StaticToken(docsToken);
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    const route = request.routeOptions.url;
    if (route === undefined || !DOCS_ROUTE.test(route)) return done();
    if (token.matches(bearerToken(request)) || token.matches(basicPassword(request))) {
      return done();
    }
    const rendered = toProblem(
      new UnauthenticatedError(
        'The API docs need the docs token: "Authorization: Bearer <DOCS_TOKEN>", or Basic auth with it as password',
        'DOCS.TOKEN_REQUIRED',
      ),
      String(request.id),
      request.url.split('?')[0],
    );
    rendered.headers['www-authenticate'] = 'Basic realm="Omnihub API docs", charset="UTF-8"';
    sendProblem(reply, rendered);
  });
}
