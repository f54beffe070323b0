import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import type { AccountClaim, OwnershipProvingProvider } from '@core/channel/account-ownership';
import type { RetiringProvider } from '@core/channel/account-retirement';
import { AccountNotOwnedError } from '@core/channel/account-ownership.errors';
import type { MessagingProvider } from '@core/channel/channel-provider';
import type { HubHealth } from '@core/channel/hub-health';
import type { ContentKind, OutboundMessage, SendResult } from '@core/channel/outbound-message';
import { RegisterChannelProvider } from '@core/channel/register-channel-provider.decorator';
import { PlatformError } from '@core/errors/platform-error';
import { PublicLinkGuard } from '@core/http/public-link.guard';
import {
  EvolutionApiClient,
  evolutionPath,
  unexpectedEvolutionAnswer,
} from './evolution-api.client';
import {
  healthOfConnectionState,
  healthOfFailedStateProbe,
  readConnectionState,
} from './evolution-connection-state';
import { evolutionInstanceName } from './evolution-instance-name';
import { EvolutionInstancesClient } from './evolution-instances.client';
import { EVOLUTION_MESSAGE_TYPES, buildEvolutionSend } from './evolution-message-body';
import { WHATSAPP_MESSAGING_RULES } from '@app/whatsapp/rules/whatsapp-messaging.rules';
import {
  EVOLUTION_CREDENTIALS,
  EvolutionAccount,
  EvolutionCredentials,
  evolutionAccessOf,
} from './evolution.credentials';

/** What every `/message/send*` route answers (201): the stored Baileys message. */
interface EvolutionSentMessage {
  key?: { id?: string; remoteJid?: string; fromMe?: boolean };
  status?: string;
  messageTimestamp?: number | string;
}

/**
 * WhatsApp through a self-hosted Evolution API v2 server (a Baileys session scanned with a QR
 * code). Credentials come with each account (EvolutionCredentials, `externalId` = instance
 * name); failures are PlatformErrors. Evolution's `key.id` becomes the provider message id,
 * which its webhooks (MESSAGES_UPDATE) later refer to.
 */
@Injectable()
@RegisterChannelProvider()
export class EvolutionProvider
  implements
    MessagingProvider<EvolutionCredentials>,
    OwnershipProvingProvider,
    RetiringProvider<EvolutionCredentials>
{
  readonly hub = 'whatsapp' as const;
  readonly provider = 'evolution';
  readonly credentials = EVOLUTION_CREDENTIALS;
  readonly capabilities: ReadonlySet<ContentKind> = new Set<ContentKind>(EVOLUTION_MESSAGE_TYPES);
  readonly rules = WHATSAPP_MESSAGING_RULES;
  /**
   * Evolution drives a personal WhatsApp session (Baileys): bursts from one number are what
   * gets numbers banned, so each instance is paced to EVOLUTION_MESSAGES_PER_MINUTE (default
   * 30) with no burst; the pacing layer adds a random extra wait to every delayed send.
   */
  readonly pacing: { ratePerSecond: number; burst: number };

  constructor(
    private readonly evolution: EvolutionApiClient,
    private readonly links: PublicLinkGuard,
    private readonly instances: EvolutionInstancesClient,
    config: AppConfig,
  ) {
    this.pacing = { ratePerSecond: config.whatsapp.evolutionMessagesPerMinute / 60, burst: 1 };
  }

  /**
   * Instances live on Omnihub's shared server under names derived from the tenant id, created
   * by Omnihub with a token of its own: an account may only name an instance in its tenant's
   * namespace, so no tenant can attach to (and read the webhooks of) another tenant's instance.
   */
  /**
   * A deleted account's instance is deleted on the server too: left there, its WhatsApp
   * session would stay logged in and keep posting webhooks nobody routes.
   */
  async retireAccount(account: EvolutionAccount): Promise<void> {
    await this.instances.delete(evolutionAccessOf(account, 'delete_instance'));
  }

  proveOwnership(claim: AccountClaim): Promise<void> {
    if (claim.externalId !== evolutionInstanceName(claim.tenantId, claim.name)) {
      return Promise.reject(
        new AccountNotOwnedError('instanceId', "the instance is not in this tenant's namespace"),
      );
    }
    return Promise.resolve();
  }

  async send(account: EvolutionAccount, message: OutboundMessage): Promise<SendResult> {
    const access = evolutionAccessOf(account, 'send_message');
    const { endpoint, body: json } = buildEvolutionSend(message);
    // Evolution downloads the media itself, from inside our network: checked here, at send
    // time, because the name may resolve elsewhere than when the API accepted the link.
    if ('media' in message && message.media.url) {
      await this.links.assertPublic(message.media.url, {
        hub: 'whatsapp',
        operation: 'send_message',
      });
    }
    const { body } = await this.evolution.request<EvolutionSentMessage | undefined>(access, {
      operation: 'send_message',
      method: 'POST',
      path: evolutionPath('message', endpoint, access.instance),
      json,
      // No idempotency key on the platform: a send that may have gone out is never repeated.
      atMostOnce: true,
    });
    const providerMessageId = body?.key?.id;
    if (!providerMessageId) throw unexpectedEvolutionAnswer('send_message', 'a message key id');
    return {
      providerMessageId,
      acceptedAt: timestampOf(body.messageTimestamp) ?? new Date(),
      recipientId: body.key?.remoteJid,
    };
  }

  /**
   * With an account: its instance's connection state (open up, connecting degraded, close
   * down). Without one nothing is probed: every account names its own server and key.
   */
  async checkHealth(account?: EvolutionAccount): Promise<HubHealth> {
    const checkedAt = new Date();
    if (!account) {
      return {
        status: 'up',
        detail:
          'Evolution API provider loaded; no server probed (each account has its own server: ' +
          'check an account for its connection state)',
        checkedAt,
      };
    }
    const started = performance.now();
    try {
      const access = evolutionAccessOf(account, 'connection_state');
      const { body } = await this.evolution.request<unknown>(access, {
        operation: 'connection_state',
        method: 'GET',
        path: evolutionPath('instance', 'connectionState', access.instance),
      });
      return healthOfConnectionState(readConnectionState(body), checkedAt, elapsedSince(started));
    } catch (error) {
      if (error instanceof PlatformError) {
        return healthOfFailedStateProbe(error, checkedAt, elapsedSince(started));
      }
      throw error;
    }
  }
}

/** Baileys timestamps are seconds since the epoch, as a number or a numeric string. */
function timestampOf(value: number | string | undefined): Date | undefined {
  const seconds = typeof value === 'string' ? Number(value) : value;
  return seconds !== undefined && Number.isFinite(seconds) && seconds > 0
    ? new Date(seconds * 1000)
    : undefined;
}

function elapsedSince(started: number): number {
  return Math.round(performance.now() - started);
}
