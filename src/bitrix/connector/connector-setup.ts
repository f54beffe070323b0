import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { bitrixCodeOf } from '../rest/bitrix-errors';
import { BitrixRestClient } from '../rest/bitrix-rest.client';
import { BitrixPortalsRepository } from '../portals/bitrix-portals.repository';

/** The events Omnihub binds on every portal: agents' messages, and a line or connector removed. */
export const BOUND_EVENTS = [
  'OnImConnectorMessageAdd',
  'OnImConnectorLineDelete',
  'OnImConnectorStatusDelete',
] as const;

/** A small icon for the connector in the Contact Center (SVG data URI, as the docs ask). */
const ICON =
  'data:image/svg+xml;charset=US-ASCII,%3Csvg%20xmlns%3D%22http%3A//www.w3.org/2000/svg%22%20' +
  'viewBox%3D%220%200%2070%2071%22%3E%3Ccircle%20cx%3D%2235%22%20cy%3D%2235%22%20r%3D%2230%22' +
  '%20fill%3D%22%2325D366%22/%3E%3C/svg%3E';

/**
 * Registers Omnihub's Open Lines connector on a portal and binds the events, then activates it
 * on lines. Each step is safe to repeat: re-registering updates the connector, and a binding
 * that exists already is Bitrix24's ERROR_EVENT_HANDLER_EXISTS, taken as done.
 */
@Injectable()
export class ConnectorSetup {
  private readonly logger = new Logger(ConnectorSetup.name);

  constructor(
    private readonly rest: BitrixRestClient,
    private readonly portals: BitrixPortalsRepository,
    private readonly config: AppConfig,
  ) {}

  async connect(portalId: string, handlerUrl: string): Promise<void> {
    try {
      await this.rest.call(portalId, 'imconnector.register', {
        ID: this.config.bitrix.connectorId,
        NAME: 'Omnihub',
        ICON: { DATA_IMAGE: ICON, COLOR: '#25D366', SIZE: '100%', POSITION: 'center' },
        PLACEMENT_HANDLER: handlerUrl,
      });
      for (const event of BOUND_EVENTS) {
        await this.rest
          .call(portalId, 'event.bind', { event, handler: handlerUrl })
          .catch((error: unknown) => {
            if (bitrixCodeOf(error) !== 'ERROR_EVENT_HANDLER_EXISTS') throw error;
          });
      }
      await this.portals.setConnectorState(portalId, 'registered', null);
    } catch (error) {
      const code = bitrixCodeOf(error) ?? 'connector_setup_failed';
      this.logger.warn({ portalId, code }, 'Registering the Open Lines connector failed');
      await this.portals.setConnectorState(portalId, 'failed', code);
      throw error;
    }
  }

  /** Our connector active on the line, with the data agents see for it. */
  async activate(portalId: string, lineId: string, accountName: string): Promise<void> {
    const connector = this.config.bitrix.connectorId;
    await this.rest.call(portalId, 'imconnector.activate', {
      CONNECTOR: connector,
      LINE: lineId,
      ACTIVE: 1,
    });
    await this.rest.call(portalId, 'imconnector.connector.data.set', {
      CONNECTOR: connector,
      LINE: lineId,
      DATA: {
        id: `${connector}-${lineId}`,
        url: this.config.http.publicBaseUrl,
        url_im: this.config.http.publicBaseUrl,
        name: `Omnihub: ${accountName}`,
      },
    });
  }

  async deactivate(portalId: string, lineId: string): Promise<void> {
    await this.rest.call(portalId, 'imconnector.activate', {
      CONNECTOR: this.config.bitrix.connectorId,
      LINE: lineId,
      ACTIVE: 0,
    });
  }
}
