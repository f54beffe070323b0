import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { InboundHandlerRegistry } from '@core/inbox/inbound-handler.registry';
import { jsonTextOf, parseJsonBody } from '@core/api/json-body-parser';
import { InboxService } from '@core/inbox/inbox.service';
import { asArray, asObject } from '@app/messaging/inbound/webhook-payload.reader';
import { MetaWebhookAuthenticator } from './meta-webhook.authenticator';
import { InvalidWebhookSignatureError } from './meta-webhook.errors';
import { META_WEBHOOK_UNHANDLED_TOTAL } from './meta-webhook.metrics';
import { metaWebhookObjectOf } from './meta-webhook-objects';

/** One delivery as the route hands it over: the bytes Meta signed, not yet read. */
export interface MetaDelivery {
  signature: string | undefined;
  rawBody: Buffer | undefined;
}

/**
 * What `POST /webhooks/meta` does with a delivery: authenticity first, on the bytes, then the
 * durable intake under its object's inbox source, where that product's inbound handler takes
 * it. Resolves once the delivery is committed (or deliberately not stored), so the caller may
 * answer 200.
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

  /**
   * A delivery signed with the app secret (nearly all) is parsed once, after its signature
   * checked out, and stored without waiting for anything else; only one that is not has its
   * JSON read to find the accounts whose own secret may have signed it.
   */
  receive({ signature, rawBody }: MetaDelivery): Promise<void> {
    if (rawBody && this.authenticator.isSignedByAppSecret(signature, rawBody)) {
      return this.store(rawBody, jsonTextOf(rawBody));
    }
    return this.receiveSignedByOwner(signature, rawBody);
  }

  private async receiveSignedByOwner(
    signature: string | undefined,
    rawBody: Buffer | undefined,
  ): Promise<void> {
    if (!rawBody) throw new InvalidWebhookSignatureError();
    const text = jsonTextOf(rawBody);
    // Not JSON: it names no owner, so only the app secret could have vouched for it.
    const payload = parsedOrUndefined(text);
    if (
      payload === undefined ||
      !(await this.authenticator.isSignedByOwnersSecret(signature, rawBody, payload))
    ) {
      throw new InvalidWebhookSignatureError();
    }
    await this.store(rawBody, text, payload);
  }

  /** `payload`: the JSON of `text` when already read; else read here (400 if not JSON). */
  private async store(rawBody: Buffer, text: string, payload?: unknown): Promise<void> {
    const json = payload ?? parseJsonBody(text);
    const source = metaWebhookObjectOf(json)?.source;
    if (source && this.handlers.handlerFor(source)) {
      await this.inbox.accept({ source, rawBody, payload: json, rawJson: text });
    } else {
      this.acknowledgeUnhandled(json);
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

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Meta's object names are short snake_case words; anything else is not worth a label. */
function objectLabelOf(payload: unknown): string {
  const object = asObject(payload)?.object;
  return typeof object === 'string' && /^[a-z_]{1,40}$/.test(object) ? object : 'other';
}
