import type { Readable } from 'node:stream';
import type { ChannelAccountRef } from './channel-account';
import type { ChannelProvider } from './channel-provider';

/** A received file as its platform hands it over: streamed, never held whole. */
export interface FetchedMedia {
  /** The bytes as they arrive; the stream fails past the caller's byte cap. */
  readonly body: Readable;
  /** As the platform declared it: not trusted (see servedMediaHeaders). */
  readonly mimeType: string;
  readonly contentLength?: number;
}

/**
 * A provider that can fetch the media of a message it received, from the `media` object it
 * stored in the message's content (its own shape: a media id, a CDN link...). Messaging serves
 * received files by signed link through this, knowing no platform.
 */
export interface MediaSourceProvider<TCredentials = unknown> extends ChannelProvider<TCredentials> {
  /**
   * Streams the file; throws a DomainError (unprocessable) when `media` names nothing this
   * provider can fetch or the file is over `maxBytes`, a PlatformError when the platform fails.
   */
  fetchMedia(
    account: ChannelAccountRef<TCredentials>,
    media: Readonly<Record<string, unknown>>,
    maxBytes: number,
  ): Promise<FetchedMedia>;
}

export function servesMedia(provider: ChannelProvider): provider is MediaSourceProvider {
  return typeof (provider as Partial<MediaSourceProvider>).fetchMedia === 'function';
}
