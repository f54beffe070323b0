import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { UnauthenticatedError } from '@core/errors/domain-error';
import { safeEqual } from '@core/crypto/hmac';
import { SecretBox } from '@core/crypto/secret-box';
import type { BitrixPortal } from '../portals/bitrix-portal';
import { BitrixPortalsRepository } from '../portals/bitrix-portals.repository';
import { BitrixEventBody, readEvent, stringField, withoutTokens } from './bitrix-event';

export interface AuthenticatedEvent {
  portal: BitrixPortal;
  event: BitrixEventBody;
  /** What the inbox stores: the event with its tokens sealed (install) or removed. */
  payload: Record<string, unknown>;
}

/** SecretBox context of an install event's tokens while they wait in the inbox. */
export const installTokensContext = (portalId: string) => `bitrix24.install:${portalId}`;

/**
 * Proves a posted event is the portal's. Bitrix24 signs nothing: `auth[application_token]`,
 * which it hands us once at install, is the proof, compared timing-safe. Before the first
 * install (or after the grant was lost) only ONAPPINSTALL is taken, and only when its
 * `client_endpoint` is the portal's own `<portalUrl>/rest/`.
 */
@Injectable()
export class BitrixWebhookAuthenticator {
  constructor(
    private readonly portals: BitrixPortalsRepository,
    private readonly box: SecretBox,
  ) {}

  async authenticate(portalId: string, body: unknown): Promise<AuthenticatedEvent> {
    const refused = new UnauthenticatedError(
      'Unknown portal or wrong application token',
      'BITRIX.WEBHOOK_UNAUTHENTICATED',
    );
    const event = readEvent(body);
    if (!event || !isUUID(portalId)) throw refused;
    const portal = await this.portals.byId(portalId);
    if (!portal) throw refused;
    const given = stringField(event.auth, 'application_token') ?? '';
    const stored = await this.portals.applicationToken(portal.id);
    const install = event.event === 'ONAPPINSTALL';
    if (stored && safeEqual(given, stored))
      return { portal, event, payload: this.stored(portal, event) };
    if (install && portal.status !== 'active' && given && this.fromPortal(portal, event)) {
      return { portal, event, payload: this.stored(portal, event) };
    }
    throw refused;
  }

  private fromPortal(portal: BitrixPortal, event: BitrixEventBody): boolean {
    const endpoint = stringField(event.auth, 'client_endpoint');
    return endpoint === `${portal.portalUrl}/rest/`;
  }

  private stored(portal: BitrixPortal, event: BitrixEventBody): Record<string, unknown> {
    const auth = withoutTokens(event.auth);
    if (event.event !== 'ONAPPINSTALL') return { event: event.event, data: event.data, auth };
    const tokens = {
      access_token: stringField(event.auth, 'access_token'),
      refresh_token: stringField(event.auth, 'refresh_token'),
      application_token: stringField(event.auth, 'application_token'),
      expires_in: stringField(event.auth, 'expires_in'),
    };
    return {
      event: event.event,
      data: event.data,
      auth: {
        ...auth,
        sealed: this.box.seal(JSON.stringify(tokens), installTokensContext(portal.id)),
      },
    };
  }
}
