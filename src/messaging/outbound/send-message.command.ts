import type { MessageType, SenderAction } from '@core/channel/outbound-message';
import type { IdempotencyClaim } from './idempotency/outbound-idempotency';

/**
 * The content a caller asks to send, before the dispatcher turns it into channel-neutral
 * OutboundContent (resolving reaction targets, applying content rules). One field per type,
 * as in POST /api/v2/messages.
 */
export interface RequestedContent {
  readonly type: MessageType;
  readonly text?: {
    readonly body: string;
    readonly previewUrl?: boolean;
    readonly quickReplies?: readonly RequestedQuickReply[];
  };
  readonly media?: {
    readonly url?: string;
    readonly mediaId?: string;
    readonly filename?: string;
    readonly caption?: string;
  };
  readonly location?: {
    readonly latitude: number;
    readonly longitude: number;
    readonly name?: string;
    readonly address?: string;
  };
  readonly template?: {
    readonly name: string;
    readonly language: string;
    readonly components?: Record<string, unknown>[];
  };
  readonly interactive?: Record<string, unknown>;
  readonly reaction?: { readonly messageId: string; readonly emoji: string };
  readonly contacts?: Record<string, unknown>[];
  readonly senderAction?: SenderAction;
}

/** A quick reply as asked for: `title` and `payload` are given for `text` ones. */
export interface RequestedQuickReply {
  readonly type: 'text' | 'phone' | 'email';
  readonly title?: string;
  readonly payload?: string;
}

/**
 * "Send this message": what OutboundDispatcher.accept takes from any caller (an HTTP route, a
 * job, another module), already validated, with no transport in it.
 */
export interface SendMessageCommand extends RequestedContent {
  readonly tenantId: string;
  /** The channel account's id or its name (the frontend's "instanceId"). */
  readonly channelAccountId: string;
  /** The recipient: an E.164 number or the channel's own address. */
  readonly to: string;
  /** Omnihub id or provider id of the message this one replies to. */
  readonly replyTo?: string;
  /**
   * What the send is for, when the caller says (`marketing`, `reminders`, a tenant's own
   * purpose); otherwise derived from the content (SendPurposes). Consent rules judge it.
   */
  readonly purpose?: string;
  /** Makes repeating the command safe: the same key and fingerprint answer the first message. */
  readonly idempotency?: IdempotencyClaim;
}
