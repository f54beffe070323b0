import type { FastifyRequest } from 'fastify';

export const GUARDED_BY_CIRCUIT = 'omnihub:guarded-by-circuit';

export interface GuardedByCircuitOptions {
  hub: string;
  provider: string;
  /** The route param holding the account id, or a function reading it from the request. */
  accountParam: string | ((request: FastifyRequest) => string | undefined);
}
