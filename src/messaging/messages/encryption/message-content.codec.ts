import { Injectable } from '@nestjs/common';
import { encryptedColumnContext, type EncryptedColumn } from '@core/crypto/encrypted-column';
import { SecretBox } from '@core/crypto/secret-box';
import { MessageEncryptionSettings } from './message-encryption.settings';

type Content = Record<string, unknown>;

/** `messages.content`: only its free-text fields are sealed, the rest stays queryable. */
export const MESSAGE_CONTENT_COLUMN: EncryptedColumn = {
  table: 'messages',
  idColumn: 'id',
  column: 'content',
};

/**
 * The fields of a content, inbound or outbound, that carry what people wrote or shared: texts,
 * captions, button and list titles, location names, contact cards, template parameters,
 * interactive bodies. Ids, types, media references and coordinates stay plain (media links,
 * erasure and retention work on them in SQL).
 */
const SEALED_PATHS: readonly (readonly string[])[] = [
  ['text'],
  ['caption'],
  ['title'],
  ['description'],
  ['name'],
  ['address'],
  ['contacts'],
  ['template'],
  ['interactive'],
  ['media', 'caption'],
];

/** Set on a content whose SEALED_PATHS hold sealed values; a content without it is plain. */
const SEALED_MARK = '$sealed';
/** A keyed digest of the text or caption, which echo matching compares (SendOutcomes). */
const DIGEST_KEY = '$textDigest';

/**
 * The one way message content goes to and comes from `messages.content`. With the tenant's
 * setting on, each free-text field is sealed on its own (its context names the row and the
 * field, so a value moved to another message or field fails to open) and the content is
 * marked; reads open whatever is marked, so a tenant's old plain messages and new sealed ones
 * read the same. No other code sees a sealed value.
 */
@Injectable()
export class MessageContentCodec {
  constructor(
    private readonly box: SecretBox,
    private readonly settings: MessageEncryptionSettings,
  ) {}

  /** The content as it is stored for the tenant's message `id`. */
  async forStorage(tenantId: string, id: string, content: Content): Promise<Content> {
    if (!(await this.settings.enabled(tenantId))) return content;
    const stored: Content = structuredClone(content);
    for (const path of SEALED_PATHS) {
      const parent = parentOf(stored, path);
      const key = path[path.length - 1];
      if (parent && parent[key] !== undefined) {
        parent[key] = this.box.seal(JSON.stringify(parent[key]), fieldContext(id, path));
      }
    }
    const text = echoTextOf(content);
    if (text !== undefined) stored[DIGEST_KEY] = this.echoDigest(tenantId, text);
    stored[SEALED_MARK] = true;
    return stored;
  }

  /** The content as callers see it, whether it was stored sealed or plain. */
  open(id: string, stored: Readonly<Content>): Content {
    if (stored[SEALED_MARK] !== true) return stored;
    const { [SEALED_MARK]: _mark, [DIGEST_KEY]: _digest, ...rest } = stored;
    const content: Content = structuredClone(rest);
    for (const path of SEALED_PATHS) {
      const parent = parentOf(content, path);
      const key = path[path.length - 1];
      if (parent && typeof parent[key] === 'string') {
        parent[key] = JSON.parse(this.box.open(parent[key], fieldContext(id, path)));
      }
    }
    return content;
  }

  /** One sealed-or-plain field of message `id`'s content, as SQL selected it (`content -> 'text'`). */
  openField(id: string, path: readonly string[], stored: unknown, sealed: boolean): unknown {
    if (!sealed || typeof stored !== 'string') return stored;
    return JSON.parse(this.box.open(stored, fieldContext(id, path)));
  }

  /**
   * A new text for a field of a stored message (an edit): sealed when the stored content is,
   * whatever the tenant's setting says now, so a content is never half plain.
   */
  fieldForStorage(id: string, path: readonly string[], value: unknown, sealed: boolean): unknown {
    return sealed ? this.box.seal(JSON.stringify(value), fieldContext(id, path)) : value;
  }

  /** What a sealed content holds under DIGEST_KEY for `text`: echoes are matched on it. */
  echoDigest(tenantId: string, text: string): string {
    return this.box.digest(text, `${MESSAGE_CONTENT_COLUMN.table}.echo:${tenantId}`);
  }
}

/** The name of the marker and digest keys, for SQL that must tell sealed content apart. */
export const SEALED_CONTENT = { mark: SEALED_MARK, digest: DIGEST_KEY } as const;

function fieldContext(id: string, path: readonly string[]): string {
  return `${encryptedColumnContext(MESSAGE_CONTENT_COLUMN, id)}#${path.join('.')}`;
}

function parentOf(content: Content, path: readonly string[]): Content | undefined {
  let node: unknown = content;
  for (const key of path.slice(0, -1)) {
    node = node && typeof node === 'object' ? (node as Content)[key] : undefined;
  }
  return node && typeof node === 'object' && !Array.isArray(node) ? (node as Content) : undefined;
}

/** What an echo of this send would carry: its text, else its caption (SendOutcomes.settleByEcho). */
function echoTextOf(content: Readonly<Content>): string | undefined {
  const media = content.media as Content | undefined;
  for (const candidate of [content.text, content.caption, media?.caption]) {
    if (typeof candidate === 'string') return candidate;
  }
  return undefined;
}
