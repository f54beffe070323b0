import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { InboundHandlerRegistry } from '@core/inbox/inbound-handler.registry';
import { InboxService } from '@core/inbox/inbox.service';
import { asArray, asObject } from '@app/messaging/inbound/webhook-payload.reader';
import { MetaWebhookAuthenticator } from './meta-webhook.authenticator';
import { InvalidWebhookSignatureError } from './meta-webhook.errors';
import { META_WEBHOOK_UNHANDLED_TOTAL } from './meta-webhook.metrics';
import { metaWebhookObjectOf } from './meta-webhook-objects';

/** One signed delivery as the route hands it over: the bytes Meta signed and their JSON. */
export interface MetaDelivery {
  signature: string | undefined;
  rawBody: Buffer | undefined;
  payload: unknown;
}

/**
 * What `POST /webhooks/meta` does with a delivery: authenticity first, then the durable intake
 * under its object's inbox source, where that product's inbound handler takes it. Resolves once
 * the delivery is committed (or deliberately not stored), so the caller may answer 200.
 */
@Injectable()
export class MetaWebhookReceiver {
  private readonly logger = new Logger(MetaWebhookReceiver.name);

  constructor(
    private readonly authenticator: MetaWebhookAuthenticator,
    private readonly inbox: InboxService,
    private readonly handlers: InboundHandlerRegistry,
    @InjectMetric(META_WEBHOOK_UNHANDLED_TOTAL) private readonly unhandled: Counter<'object'>,
  ) {}

  async receive({ signature, rawBody, payload }: MetaDelivery): Promise<void> {
    if (!rawBody || !(await this.authenticator.isSignatureValid(signature, rawBody, payload))) {
      throw new InvalidWebhookSignatureError();
    }
    const source = metaWebhookObjectOf(payload)?.source;
    if (source && this.handlers.handlerFor(source)) {
      await this.inbox.accept({ source, rawBody, payload, payloadIsRawBody: true });
    } else {
      this.acknowledgeUnhandled(payload);
    }
  }

  /**
   * Nothing here would ever process it, so it is not stored: an inbox row without a handler
   * only fails, and keeping people's messages no product reads serves no one. Meta is answered
   * 200 all the same, or it would retry and finally disable the subscription.
   */
  private acknowledgeUnhandled(payload: unknown): void {
    const object = objectLabelOf(payload);
    this.unhandled.inc({ object });
    // The object's name and the entry count only: entries hold people's ids and messages.
    this.logger.warn(
      { object, entries: asArray(asObject(payload)?.entry).length },
      'Meta delivery for an object no product here handles; acknowledged, not stored',
    );
  }
}

/** Meta's object names are short snake_case words; anything else is not worth a label. */
function objectLabelOf(payload: unknown): string {
  const object = asObject(payload)?.object;
  return typeof object === 'string' && /^[a-z_]{1,40}$/.test(object) ? object : 'other';
}
