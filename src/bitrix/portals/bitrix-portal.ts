/** A portal's lifecycle: waiting for its install, usable, or its grant lost (reinstall). */
export type PortalStatus = 'pending' | 'active' | 'needs_reauth';
export type ConnectorState = 'none' | 'registered' | 'failed';

/** A portal as the module works with it: secrets stay sealed until a token is needed. */
export interface BitrixPortal {
  id: string;
  tenantId: string;
  name: string;
  portalUrl: string;
  memberId: string | null;
  clientId: string | null;
  hasOwnSecret: boolean;
  clientEndpoint: string | null;
  accessExpiresAt: Date | null;
  tokenGeneration: number;
  status: PortalStatus;
  connectorState: ConnectorState;
  lastCallAt: Date | null;
  lastError: string | null;
  createdAt: Date;
}

/** What a token grant (install event, code or refresh) gives us. */
export interface PortalGrant {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  clientEndpoint: string;
  memberId: string;
}

/** An access token ready for a REST call, with the generation it belongs to. */
export interface PortalAccess {
  accessToken: string;
  clientEndpoint: string;
  generation: number;
}
