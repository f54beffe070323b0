import { Injectable, Logger } from '@nestjs/common';
import { SecretBox } from '@core/crypto/secret-box';
import {
  InboundEventHandler,
  InboundEventRecord,
  InboundHandler,
} from '@core/inbox/inbound-event-handler';
import { BitrixLinesRepository } from '../connector/bitrix-lines.repository';
import { AgentReplies } from '../replies/agent-replies';
import { PortalInstaller } from '../portals/portal-installer';
import { readEvent, stringField } from './bitrix-event';
import { installTokensContext } from './bitrix-webhook.authenticator';
import { BITRIX_INBOX_SOURCE } from './bitrix-webhook.controller';

/**
 * Works through the stored Bitrix24 events: the install (tokens, then the connector), agents'
 * messages (sent to the customer), and lines or connectors removed on the portal.
 */
@Injectable()
@InboundHandler()
export class BitrixInboundHandler implements InboundEventHandler {
  readonly source = BITRIX_INBOX_SOURCE;
  private readonly logger = new Logger(BitrixInboundHandler.name);

  constructor(
    private readonly box: SecretBox,
    private readonly installer: PortalInstaller,
    private readonly replies: AgentReplies,
    private readonly lines: BitrixLinesRepository,
  ) {}

  async handle(record: InboundEventRecord): Promise<void> {
    const event = readEvent(record.payload);
    const portalId = record.accountRef;
    if (!event || !portalId) return;
    switch (event.event) {
      case 'ONAPPINSTALL': {
        const sealed = stringField(event.auth, 'sealed');
        if (!sealed) return;
        const tokens = JSON.parse(this.box.open(sealed, installTokensContext(portalId))) as Record<
          string,
          string | undefined
        >;
        await this.installer.install(portalId, {
          accessToken: tokens.access_token ?? '',
          refreshToken: tokens.refresh_token ?? '',
          applicationToken: tokens.application_token ?? '',
          expiresInSeconds: Number(tokens.expires_in) || 3600,
          clientEndpoint: stringField(event.auth, 'client_endpoint') ?? '',
          memberId: stringField(event.auth, 'member_id') ?? '',
        });
        return;
      }
      case 'ONIMCONNECTORMESSAGEADD':
        await this.replies.handle(portalId, event.data);
        return;
      case 'ONIMCONNECTORLINEDELETE':
      case 'ONIMCONNECTORSTATUSDELETE': {
        const line = stringField(event.data, 'LINE') ?? stringField(event.data, 'line');
        if (line) await this.lines.deactivateLine(portalId, line);
        return;
      }
      default:
        this.logger.debug({ portalId, event: event.event }, 'Bitrix24 event ignored');
    }
  }
}
