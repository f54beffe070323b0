import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { encryptedColumnContext } from '@core/crypto/encrypted-column';
import { SecretBox } from '@core/crypto/secret-box';
import { signWebhook } from '@core/crypto/webhook-signature';
import { PlatformError } from '@core/errors/platform-error';
import { PlatformErrorMapper } from '@core/http/platform-call';
import { PlatformHttpClient } from '@core/http/platform-http.client';
import {
  ALERT_CHANNEL_SECRET_COLUMN,
  ALERT_CHANNEL_URL_COLUMN,
} from './channels/alert-channel-columns';
import { AlertChannelsRepository } from './channels/alert-channels.repository';
import type { AlertJobData, AlertNotice } from './alert-deliveries.enqueuer';
import { discordBody, slackBody, webhookBody } from './alert-formats';
import type { ChannelKind, ChannelTarget } from './alert-targets';
import { ALERT_DELIVERIES_TOTAL } from './alerts.metrics';
import { AlertRow, AlertsRepository } from './history/alerts.repository';

const CALL = { hub: 'alerts', operation: 'deliver' } as const;

/** Headers of a generic webhook delivery, the tenant-webhook scheme under alert names. */
export const ALERT_WEBHOOK_HEADERS = {
  id: 'omnihub-alert-id',
  timestamp: 'omnihub-alert-timestamp',
  signature: 'omnihub-alert-signature',
} as const;

/** done; retry (BullMQ backs off, never sooner than a Retry-After); give up at once. */
export type AlertDeliveryDecision =
  { kind: 'done' } | { kind: 'retry'; error: PlatformError } | { kind: 'give-up'; reason: string };

interface OpenedChannel {
  kind: ChannelKind;
  url: string;
  secret?: string;
}

/**
 * Delivers one alert notice to one channel: Slack and Discord in their documented shapes, a
 * generic webhook signed like tenant webhooks. Every call goes through the one platform HTTP
 * client as a `publicLink`: the address it connects to passes PublicLinkGuard
 * (OUTBOUND_URL_ALLOWLIST applies). 5xx, 429,
 * timeouts and network errors retry; any other answer gives the delivery up.
 */
@Injectable()
export class AlertSender {
  constructor(
    private readonly config: AppConfig,
    private readonly alerts: AlertsRepository,
    private readonly channels: AlertChannelsRepository,
    private readonly http: PlatformHttpClient,
    private readonly secrets: SecretBox,
    @InjectMetric(ALERT_DELIVERIES_TOTAL) private readonly deliveries: Counter<string>,
  ) {}

  async deliver(job: AlertJobData, finalAttempt: boolean): Promise<AlertDeliveryDecision> {
    const alert = await this.alerts.byId(job.alertId);
    const channel = await this.open(job.target);
    if (!alert || !channel) return { kind: 'done' };
    try {
      await this.post(channel, alert, job.notice);
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error;
      const retry = error.retryable && !finalAttempt;
      this.deliveries.inc({ channel: channel.kind, outcome: retry ? 'retrying' : 'failed' });
      return retry ? { kind: 'retry', error } : { kind: 'give-up', reason: error.message };
    }
    this.deliveries.inc({ channel: channel.kind, outcome: 'delivered' });
    return { kind: 'done' };
  }

  private async post(channel: OpenedChannel, alert: AlertRow, notice: AlertNotice): Promise<void> {
    const base = {
      ...CALL,
      baseUrl: channel.url,
      path: '',
      method: 'POST' as const,
      timeoutMs: this.config.alerts.timeoutMs,
      responseType: 'text' as const,
      publicLink: { subject: 'alert channel URL' },
    };
    if (channel.kind === 'slack') {
      await this.http.request({ ...base, json: slackBody(alert, notice) });
    } else if (channel.kind === 'discord') {
      await this.http.request({
        ...base,
        json: discordBody(alert, notice),
        errorMapper: discordRateLimit,
      });
    } else {
      const body = JSON.stringify(webhookBody(alert, notice));
      const timestamp = Math.floor(Date.now() / 1000);
      await this.http.request({
        ...base,
        body,
        headers: {
          'content-type': 'application/json',
          [ALERT_WEBHOOK_HEADERS.id]: `${alert.id}.${notice}.${alert.occurrences}`,
          [ALERT_WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [ALERT_WEBHOOK_HEADERS.signature]: signWebhook(channel.secret ?? '', timestamp, body),
        },
      });
    }
  }

  /** The channel's URL (and secret), opened; undefined when it is gone or switched off. */
  private async open(target: ChannelTarget): Promise<OpenedChannel | undefined> {
    if (target.scope === 'global') {
      const global = this.config.alerts.global;
      if (target.kind === 'slack' && global.slackUrl)
        return { kind: 'slack', url: global.slackUrl };
      if (target.kind === 'discord' && global.discordUrl) {
        return { kind: 'discord', url: global.discordUrl };
      }
      if (target.kind === 'webhook' && global.webhook)
        return { kind: 'webhook', ...global.webhook };
      return undefined;
    }
    const row = await this.channels.byId(target.id);
    if (!row?.active) return undefined;
    return {
      kind: row.kind,
      url: this.secrets.open(row.url, encryptedColumnContext(ALERT_CHANNEL_URL_COLUMN, row.id)),
      secret:
        row.secret === null
          ? undefined
          : this.secrets.open(
              row.secret,
              encryptedColumnContext(ALERT_CHANNEL_SECRET_COLUMN, row.id),
            ),
    };
  }
}

/**
 * Discord answers 429 with `retry_after` (seconds, fractional) in the JSON body as well as the
 * Retry-After header; the body is the precise one, so the wait is the longer of the two.
 */
const discordRateLimit: PlatformErrorMapper = (response, generic) => {
  if (response.status !== 429) return generic;
  const body = response.body as { retry_after?: unknown } | undefined;
  const seconds = typeof body?.retry_after === 'number' ? body.retry_after : undefined;
  if (seconds === undefined) return generic;
  const retryAfterMs = Math.max(generic.retryAfterMs ?? 0, Math.ceil(seconds * 1000));
  return new PlatformError(generic.hub, generic.operation, 'rate-limited', generic.message, {
    ...generic.details,
    retryAfterMs,
  });
};
