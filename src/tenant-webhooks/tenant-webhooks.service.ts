import { AuditTrail } from '@app/audit/audit-trail';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { Injectable } from '@nestjs/common';
import { decodeIdCursor, Page, toPage } from '@core/api/pagination';
import { encryptedColumnContext } from '@core/crypto/encrypted-column';
import { SecretBox } from '@core/crypto/secret-box';
import { newId } from '@core/database/ids';
import { NotFoundError, ValidationFailedError } from '@core/errors/domain-error';
import { LinkRefusedError } from '@core/http/link-refused.error';
import { PublicLinkGuard } from '@core/http/public-link.guard';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { TenantWebhooksRepository, WebhookChanges, WebhookRow } from './tenant-webhooks.repository';
import {
  CreateWebhookDto,
  UpdateWebhookDto,
  WebhookDeliveryDto,
  WebhookDto,
  WebhookWithSecretDto,
} from './tenant-webhooks.dto';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDeliveriesEnqueuer } from './webhook-deliveries.enqueuer';
import { ActiveSubscriptions } from './active-subscriptions';
import { webhookDisabledAlert } from './webhook-disabled-alert';
import { TENANT_WEBHOOK_SECRET_COLUMN } from './webhook-secret-column';
import { newWebhookSecret } from './webhook-signature';

export const PING_EVENT_TYPE = 'webhook.ping';

/** A tenant's webhook subscriptions and their deliveries; another tenant's are not found. */
@Injectable()
export class TenantWebhooksService {
  constructor(
    private readonly webhooks: TenantWebhooksRepository,
    private readonly subscriptions: ActiveSubscriptions,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly enqueuer: WebhookDeliveriesEnqueuer,
    private readonly accounts: ChannelAccountsService,
    private readonly guard: PublicLinkGuard,
    private readonly secrets: SecretBox,
    private readonly audit: AuditTrail,
    private readonly alerts: AlertRaiser,
  ) {}

  async create(tenantId: string, command: CreateWebhookDto): Promise<WebhookWithSecretDto> {
    await this.assertUrl(command.url);
    await this.assertAccounts(tenantId, command.channelAccountIds);
    const id = newId();
    const secret = newWebhookSecret();
    const row = await this.webhooks.insert({
      id,
      tenantId,
      url: command.url,
      eventTypes: command.eventTypes,
      channelAccountIds: command.channelAccountIds ?? null,
      active: command.active ?? true,
      secret: this.seal(id, secret),
    });
    this.subscriptions.forget(tenantId);
    await this.audit.record({
      action: 'tenant_webhook.created',
      tenantId,
      resource: { type: 'tenant_webhook', id },
    });
    return { ...WebhookDto.from(row), secret };
  }

  async list(tenantId: string, limit: number, cursor?: string): Promise<Page<WebhookDto>> {
    const rows = await this.webhooks.list(tenantId, decodeIdCursor(cursor), limit + 1);
    return toPage(
      rows,
      limit,
      (row) => [row.id],
      (row) => WebhookDto.from(row),
    );
  }

  async get(tenantId: string, id: string): Promise<WebhookDto> {
    return WebhookDto.from(await this.owned(tenantId, id));
  }

  /** The answer carries `secret` only when the command rotated it. */
  async update(
    tenantId: string,
    id: string,
    command: UpdateWebhookDto,
  ): Promise<WebhookDto | WebhookWithSecretDto> {
    await this.owned(tenantId, id);
    if (command.url !== undefined) await this.assertUrl(command.url);
    await this.assertAccounts(tenantId, command.channelAccountIds ?? undefined);
    const secret = command.rotateSecret ? newWebhookSecret() : undefined;
    const changes: WebhookChanges = {
      url: command.url,
      eventTypes: command.eventTypes,
      active: command.active,
      secret: secret && this.seal(id, secret),
      ...('channelAccountIds' in command
        ? { channelAccountIds: command.channelAccountIds ?? null }
        : {}),
    };
    const row = await this.webhooks.update(tenantId, id, changes);
    if (!row) throw notFound();
    this.subscriptions.forget(tenantId);
    if (command.active === true) await this.alerts.resolve(webhookDisabledAlert(tenantId, id));
    return secret ? { ...WebhookDto.from(row), secret } : WebhookDto.from(row);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.webhooks.delete(tenantId, id))) throw notFound();
    this.subscriptions.forget(tenantId);
    await this.alerts.resolve(webhookDisabledAlert(tenantId, id));
    await this.audit.record({
      action: 'tenant_webhook.deleted',
      tenantId,
      resource: { type: 'tenant_webhook', id },
    });
  }

  async listDeliveries(
    tenantId: string,
    id: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<WebhookDeliveryDto>> {
    await this.owned(tenantId, id);
    const rows = await this.deliveries.page(id, decodeIdCursor(cursor), limit + 1);
    return toPage(
      rows,
      limit,
      (row) => [row.id],
      (row) => WebhookDeliveryDto.from(row),
    );
  }

  /** Sends a delivery again, with a fresh 24 h of retries, under the same event id. */
  async redeliver(tenantId: string, id: string, deliveryId: string): Promise<WebhookDeliveryDto> {
    await this.owned(tenantId, id);
    const row = await this.deliveries.reopen(id, deliveryId);
    if (!row) throw new NotFoundError('Webhook delivery', 'WEBHOOKS.DELIVERY_NOT_FOUND');
    await this.enqueuer.enqueueRedelivery(row.id, row.attempts);
    return WebhookDeliveryDto.from(row);
  }

  /** A `webhook.ping` event for this subscription alone, delivered like any other. */
  async ping(tenantId: string, id: string): Promise<WebhookDeliveryDto> {
    const webhook = await this.owned(tenantId, id);
    const [deliveryId] = await this.deliveries.insertNew([
      {
        id: newId(),
        webhookId: webhook.id,
        tenantId,
        eventId: newId(),
        eventType: PING_EVENT_TYPE,
        occurredAt: new Date(),
        payload: { webhookId: webhook.id },
      },
    ]);
    await this.enqueuer.enqueue([deliveryId]);
    const row = await this.deliveries.get(deliveryId);
    if (!row) throw new NotFoundError('Webhook delivery', 'WEBHOOKS.DELIVERY_NOT_FOUND');
    return WebhookDeliveryDto.from(row);
  }

  private async owned(tenantId: string, id: string): Promise<WebhookRow> {
    const row = await this.webhooks.get(tenantId, id);
    if (!row) throw notFound();
    return row;
  }

  /** The guard's full check, DNS included, answered as a 400 naming `url`. */
  private async assertUrl(url: string): Promise<void> {
    try {
      await this.guard.assertPublic(
        url,
        { hub: 'tenant-webhooks', operation: 'subscribe' },
        'webhook URL',
      );
    } catch (error) {
      if (!(error instanceof LinkRefusedError)) throw error;
      const why = error.message.replace(/^tenant-webhooks subscribe: /, '');
      throw new ValidationFailedError([{ field: 'url', message: why }]);
    }
  }

  private async assertAccounts(tenantId: string, ids: readonly string[] | undefined) {
    for (const [index, accountId] of (ids ?? []).entries()) {
      try {
        await this.accounts.get(tenantId, accountId);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        throw new ValidationFailedError([
          { field: `channelAccountIds[${index}]`, message: 'no such channel account' },
        ]);
      }
    }
  }

  private seal(id: string, secret: string): string {
    return this.secrets.seal(secret, encryptedColumnContext(TENANT_WEBHOOK_SECRET_COLUMN, id));
  }
}

function notFound(): NotFoundError {
  return new NotFoundError('Webhook', 'WEBHOOKS.NOT_FOUND');
}
