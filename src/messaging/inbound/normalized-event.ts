import type { IdentityKind } from '@core/channel/messaging-rules';

/**
 * What a platform's webhook says, in one channel-agnostic shape. Each platform module parses
 * its own payloads into these; the messaging core stores them without knowing the platform.
 */

/** Every inbound message type the core stores; platforms map anything else to 'unsupported'. */
export type InboundMessageType =
  | 'text'
  | 'image'
  | 'audio'
  | 'video'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contacts'
  | 'interactive_reply'
  | 'button_reply'
  | 'reaction'
  | 'unsupported';

export interface InboundMedia {
  /** The platform's media id: fetched on demand through the provider (two-step for Meta). */
  mediaId: string;
  mimeType?: string;
  sha256?: string;
  filename?: string;
  caption?: string;
  /** Voice note (audio recorded in the app) rather than an audio file. */
  voice?: boolean;
  animated?: boolean;
  /**
   * Whatever else the platform needs to hand the file out again, kept with the media (TikTok
   * names a received image by its conversation and message as well as its media id).
   */
  locator?: Readonly<Record<string, string>>;
}

/** Normalised content per type; `raw` keeps the platform's own object for anything not mapped. */
export type InboundContent =
  | { type: 'text'; text: string }
  | { type: 'image' | 'audio' | 'video' | 'document' | 'sticker'; media: InboundMedia }
  | {
      type: 'location';
      latitude: number;
      longitude: number;
      name?: string;
      address?: string;
      url?: string;
    }
  | { type: 'contacts'; contacts: readonly Readonly<Record<string, unknown>>[] }
  | {
      type: 'interactive_reply';
      replyType: 'button' | 'list';
      id: string;
      title: string;
      description?: string;
    }
  | { type: 'button_reply'; payload?: string; text: string }
  | { type: 'reaction'; targetProviderMessageId: string; emoji: string | null }
  | { type: 'unsupported'; platformType: string; detail?: string };

export interface InboundSender {
  /** The sender's address on the channel, as its platform names people. */
  address: string;
  /**
   * Kind of `address`, stored as the contact identity's type: one the account's provider
   * declares in its MessagingRules.identityKinds (e.g. WhatsApp 'wa_id' or 'lid').
   */
  addressType: IdentityKind;
  /** E.164 phone number when the platform tells it. */
  phone?: string;
  /** Profile name as the platform reports it. */
  name?: string;
}

/** A product of the business's catalog, as the platform names it. */
export interface ReferredProduct {
  catalogId: string;
  /** The business's own product id (SKU) in that catalog. */
  productRetailerId: string;
}

export interface InboundMessageEvent {
  kind: 'message';
  /** The platform's id of the receiving account (Meta phone_number_id, Evolution instance...). */
  accountExternalId: string;
  providerMessageId: string;
  from: InboundSender;
  /** When the sender sent it, by the platform's clock (its `timestamp`), not when we got it. */
  sentAt: Date;
  content: InboundContent;
  /**
   * Provider id of the message this one quotes or answers (Meta context.id, Evolution
   * contextInfo.stanzaId).
   */
  replyToProviderMessageId?: string;
  /** The product a customer asks about from the catalog (Meta context.referred_product). */
  referredProduct?: ReferredProduct;
  /** The message was sent by the business itself from another client (e.g. the phone app). */
  fromMe?: boolean;
}

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusUpdateEvent {
  kind: 'status';
  accountExternalId: string;
  /** Provider id of OUR outbound message this status is about. */
  providerMessageId: string;
  status: DeliveryStatus;
  at: Date;
  /** Recipient address as the platform reports it. */
  recipient?: string;
  /** Present on failed: the platform's code and text, recorded on the message. */
  error?: { code: string; title: string; detail?: string };
}

/**
 * The sender changed a message after sending it: edited its text, or deleted ("unsent") it.
 * Applied to the stored message, never stored as a message of its own.
 */
export interface MessageChangeEvent {
  kind: 'change';
  accountExternalId: string;
  /** Provider id of the changed message. */
  providerMessageId: string;
  change: { type: 'edited'; text: string } | { type: 'deleted' };
  /** When the sender changed it, by the platform's clock. */
  at: Date;
}

export type NormalizedEvent = InboundMessageEvent | StatusUpdateEvent | MessageChangeEvent;

/**
 * The provider id of the n-th further part of a message a platform delivers as one but
 * Omnihub stores as several (an Instagram message with several photos: the first part keeps
 * the id, part n ≥ 1 gets `id#n`). A change to the message applies to every part.
 */
export const messagePartId = (providerMessageId: string, part: number): string =>
  part === 0 ? providerMessageId : `${providerMessageId}#${part}`;
