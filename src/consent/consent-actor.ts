import type { Principal } from '@core/auth/principal';

/** Who records a decision through the API, by id only (no names, no personal data). */
export function actorOf(principal: Principal | undefined): string {
  switch (principal?.via) {
    case 'api-key':
      return `api-key:${principal.apiKeyId}`;
    case 'jwt':
      return `jwt:${principal.subject ?? 'unknown'}`;
    case 'admin-key':
      return 'admin';
    default:
      return 'system';
  }
}
