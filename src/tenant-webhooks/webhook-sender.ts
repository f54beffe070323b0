import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { encryptedColumnContext } from '@core/crypto/encrypted-column';
import { SecretBox } from '@core/crypto/secret-box';
import { newId } from '@core/database/ids';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { PlatformError } from '@core/errors/platform-error';
import { PlatformHttpClient } from '@core/http/platform-http.client';
import { retryDelayMs } from '@core/resilience/retry-delay';
import { SubscriptionSlots } from './subscription-slots';
import { TenantWebhooksRepository, WebhookRow } from './tenant-webhooks.repository';
import { WEBHOOK_DELIVERIES_TOTAL, WEBHOOKS_DISABLED_TOTAL } from './tenant-webhooks.metrics';
import { DeliveryRow, WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { TENANT_WEBHOOK_SECRET_COLUMN } from './webhook-secret-column';
import { webhookDisabledAlert } from './webhook-disabled-alert';
import { WEBHOOK_HEADERS, signWebhook } from './webhook-signature';

const CALL = { hub: 'tenant-webhooks', operation: 'deliver' } as const;
/** Retries of one delivery are at most this far apart (the 24 h window bounds the rest). */
const MAX_RETRY_DELAY_MS = 60 * 60_000;
/** How long a job without a free slot waits before trying again (plus jitter). */
const SLOT_WAIT_MS = 250;
/** A slot's lease outlives the call it guards: DNS, the call itself and the bookkeeping. */
const SLOT_LEASE_MARGIN_MS = 15_000;
const ERROR_TEXT_MAX = 500;

/** What the processor does with the job next. */
export type DeliveryDecision = { kind: 'done' } | { kind: 'delay'; ms: number };

/**
 * Delivers one stored delivery to its subscription's URL and records the attempt. Retries
 * 5xx, 408, 429 (after its Retry-After), timeouts and network errors with exponential
 * backoff for 24 hours; any other answer, or a URL the guard now refuses (at connection
 * time, see PlatformCall `publicLink`), ends it as failed.
 * Deliveries given up in a row count against the subscription, which is disabled at
 * WEBHOOKS_DISABLE_AFTER_FAILURES. Returns a decision; only the processor touches BullMQ.
 */
@Injectable()
export class WebhookSender {
  constructor(
    private readonly config: AppConfig,
    private readonly webhooks: TenantWebhooksRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly slots: SubscriptionSlots,
    private readonly http: PlatformHttpClient,
    private readonly secrets: SecretBox,
    @InjectMetric(WEBHOOK_DELIVERIES_TOTAL) private readonly attempts: Counter<string>,
    @InjectMetric(WEBHOOKS_DISABLED_TOTAL) private readonly disabled: Counter<string>,
    private readonly alerts: AlertRaiser,
  ) {}

  async deliver(deliveryId: string): Promise<DeliveryDecision> {
    const delivery = await this.deliveries.get(deliveryId);
    if (delivery?.status !== 'pending') return { kind: 'done' };
    const webhook = await this.webhooks.byId(delivery.webhookId);
    if (!webhook?.active) {
      await this.deliveries.abandon(deliveryId, 'WEBHOOKS.SUBSCRIPTION_INACTIVE');
      return { kind: 'done' };
    }
    const { timeoutMs, concurrencyPerSubscription } = this.config.webhooks;
    const holder = newId();
    const leaseMs = 2 * timeoutMs + SLOT_LEASE_MARGIN_MS;
    if (!(await this.slots.take(webhook.id, holder, concurrencyPerSubscription, leaseMs))) {
      return { kind: 'delay', ms: SLOT_WAIT_MS + Math.floor(Math.random() * SLOT_WAIT_MS) };
    }
    try {
      return await this.attempt(webhook, delivery);
    } finally {
      await this.slots.release(webhook.id, holder);
    }
  }

  private async attempt(webhook: WebhookRow, delivery: DeliveryRow): Promise<DeliveryDecision> {
    let status: number;
    try {
      status = await this.post(webhook, delivery);
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error;
      return this.failed(webhook, delivery, error);
    }
    await this.deliveries.recordAttempt(delivery.id, {
      statusCode: status,
      error: null,
      next: { status: 'succeeded' },
    });
    await this.webhooks.recordSuccess(webhook.id);
    this.attempts.inc({ outcome: 'succeeded' });
    return { kind: 'done' };
  }

  /** Posts the signed body; resolves with the 2xx status, or throws a PlatformError. */
  private async post(webhook: WebhookRow, delivery: DeliveryRow): Promise<number> {
    const secret = this.secrets.open(
      webhook.secret,
      encryptedColumnContext(TENANT_WEBHOOK_SECRET_COLUMN, webhook.id),
    );
    const body = JSON.stringify({
      id: delivery.eventId,
      type: delivery.eventType,
      createdAt: delivery.occurredAt.toISOString(),
      data: delivery.payload,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await this.http.request<string>({
      ...CALL,
      baseUrl: webhook.url,
      path: '',
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        [WEBHOOK_HEADERS.id]: delivery.eventId,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: signWebhook(secret, timestamp, body),
      },
      timeoutMs: this.config.webhooks.timeoutMs,
      responseType: 'text',
      // Judged again now, by the address the connection uses: the name may point elsewhere
      // than when the subscription was made, or than a moment ago.
      publicLink: { subject: 'webhook URL' },
    });
    return response.status;
  }

  private async failed(
    webhook: WebhookRow,
    delivery: DeliveryRow,
    error: PlatformError,
  ): Promise<DeliveryDecision> {
    const statusCode = error.details.status ?? null;
    const text = `${error.code}: ${error.message}`.slice(0, ERROR_TEXT_MAX);
    if (error.retryable) {
      const waitMs = retryDelayMs(delivery.attempts + 1, error, {
        // Unused here: the 24 h window, not a count, ends the retries.
        maxAttempts: Number.MAX_SAFE_INTEGER,
        baseDelayMs: this.config.webhooks.retryBaseDelayMs,
        maxDelayMs: MAX_RETRY_DELAY_MS,
      });
      const at = new Date(Date.now() + waitMs);
      if (at < delivery.retryUntil) {
        await this.deliveries.recordAttempt(delivery.id, {
          statusCode,
          error: text,
          next: { status: 'pending', at },
        });
        this.attempts.inc({ outcome: 'retrying' });
        return { kind: 'delay', ms: waitMs };
      }
    }
    const recorded = await this.deliveries.recordAttempt(delivery.id, {
      statusCode,
      error: text,
      next: { status: 'failed' },
    });
    this.attempts.inc({ outcome: 'failed' });
    if (recorded) await this.countFailure(webhook, statusCode);
    return { kind: 'done' };
  }

  private async countFailure(webhook: WebhookRow, statusCode: number | null): Promise<void> {
    const limit = this.config.webhooks.disableAfterFailures;
    const reason = `${limit} deliveries in a row failed (last answer: ${statusCode ?? 'none'})`;
    if (!(await this.webhooks.recordFailure(webhook.id, limit, reason))) return;
    this.disabled.inc();
    // Only the delivery that disabled it gets here (recordFailure answers true once).
    await this.alerts.raise({
      ...webhookDisabledAlert(webhook.tenantId, webhook.id),
      severity: 'warning',
      title: 'Webhook subscription disabled: its deliveries keep failing',
      detail: reason,
      labels: { hub: 'tenant-webhooks' },
    });
  }
}
