import { randomBytes } from 'node:crypto';
import { FakeHttpServer, FakeResponse, RecordedRequest } from '@test/fakes/fake-http-server';
import { error, ok } from './envelope';
import { TikTokCommentsFake } from './tiktok-comments-fake';

/** One TikTok Business account as TikTok knows it. */
export interface TikTokFakeAccount {
  openId: string;
  username: string;
}

export interface SentTikTokMessage {
  businessId: string;
  messageId: string;
  body: Record<string, unknown>;
}

/** Token lifetimes the fake hands out (TikTok's today: a day and a year), overridable. */
export interface TikTokFakeLifetimes {
  accessSeconds: number;
  refreshSeconds: number;
}

type Json = Record<string, unknown>;
const V = '/open_api/v1.3';

/**
 * TikTok API for Business as Business Messaging uses it (CONTRACT.md): the `tt_user` OAuth
 * endpoints (token exchange and refresh, rotating the refresh token on each refresh),
 * `business/get/`, `business/message/send/` and `business/message/media/upload/`. Every answer
 * is the `{ code, message, request_id, data }` envelope with HTTP 200; calls authenticate with
 * the `Access-Token` header; unknown or revoked tokens answer 40105, bad bodies 40002.
 */
export class TikTokBusinessFake {
  readonly sent: SentTikTokMessage[] = [];
  /** Media ids handed out by uploads, in order. */
  readonly uploaded: string[] = [];
  /** Images people sent the accounts, by media id, with where TikTok says they were sent. */
  private readonly received = new Map<
    string,
    { businessId: string; conversationId: string; messageId: string; type: string; bytes: Buffer }
  >();
  /** The app's webhook callback per event type, as `business/webhook/update/` set it. */
  readonly webhooks = new Map<string, string>();
  /** Download URLs handed out: each names one received image. */
  private readonly downloads = new Map<string, string>();
  private readonly codes = new Map<string, { openId: string; redirectUri: string }>();
  private readonly accessTokens = new Map<string, string>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly failures: FakeResponse[] = [];
  /** The comments of the accounts' videos (business/comment/*). */
  readonly comments: TikTokCommentsFake;
  lifetimes: TikTokFakeLifetimes = { accessSeconds: 86_400, refreshSeconds: 31_536_000 };
  scope = 'user.info.basic,user.info.username,message.list.read,message.list.send';

  private constructor(
    readonly server: FakeHttpServer,
    private readonly app: { id: string; secret: string },
    private readonly accounts: TikTokFakeAccount[],
  ) {
    this.comments = new TikTokCommentsFake((request, businessId) =>
      this.authorised(request, businessId),
    );
  }

  static async start(
    app: { id: string; secret: string },
    accounts: TikTokFakeAccount[],
  ): Promise<TikTokBusinessFake> {
    const fake = new TikTokBusinessFake(await FakeHttpServer.start(), app, accounts);
    fake.routes();
    return fake;
  }

  get baseUrl(): string {
    return this.server.url;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  /** What TikTok would redirect the account holder back with, for `redirectUri`. */
  issueCode(openId: string, redirectUri: string): string {
    const code = `code-${randomBytes(8).toString('hex')}`;
    this.codes.set(code, { openId, redirectUri });
    return code;
  }

  /** The account holder revokes the app: every token of the account stops working. */
  revoke(openId: string): void {
    for (const map of [this.accessTokens, this.refreshTokens]) {
      for (const [token, owner] of map) if (owner === openId) map.delete(token);
    }
  }

  /** Tokens TikTok honours for the account right now. */
  liveRefreshTokens(openId: string): string[] {
    return [...this.refreshTokens].filter(([, o]) => o === openId).map(([token]) => token);
  }

  /** A person sent `businessId` this image in `conversationId`, as message `messageId`. */
  receiveImage(
    businessId: string,
    at: { conversationId: string; messageId: string },
    bytes: Buffer,
    type = 'image/jpeg',
  ): string {
    const mediaId = `v10033g50000${randomBytes(8).toString('hex')}`;
    this.received.set(mediaId, { businessId, ...at, type, bytes });
    return mediaId;
  }

  /** The next `n` message sends answer with this TikTok error code. */
  failNextSends(n: number, code: number, message = 'refused'): void {
    for (let i = 0; i < n; i += 1) this.failures.push(error(code, message));
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private routes(): void {
    this.server
      .reply('POST', `${V}/tt_user/oauth2/token/`, (r) => this.exchange(r))
      .reply('POST', `${V}/tt_user/oauth2/refresh_token/`, (r) => this.refresh(r))
      .reply('GET', `${V}/business/get/`, (r) => this.profile(r))
      .reply('POST', `${V}/business/webhook/update/`, (r) => this.registerWebhook(r))
      .reply('POST', `${V}/business/message/send/`, (r) => this.send(r))
      .reply('POST', `${V}/business/message/media/upload/`, (r) => this.upload(r))
      .reply('POST', `${V}/business/message/media/download/`, (r) => this.downloadUrl(r))
      .reply('GET', '/media-files/:key', (r) => this.mediaFile(r));
    this.comments.routes(this.server, V);
  }

  private appOk(body: Json): boolean {
    return body.client_id === this.app.id && body.client_secret === this.app.secret;
  }

  private exchange(request: RecordedRequest): FakeResponse {
    const body = (request.json ?? {}) as Json;
    if (!this.appOk(body) || body.grant_type !== 'authorization_code') {
      return error(40002, 'invalid client or grant_type');
    }
    const issued = this.codes.get(String(body.auth_code));
    if (!issued || issued.redirectUri !== body.redirect_uri) {
      return error(40131, 'Authorization code is expired');
    }
    this.codes.delete(String(body.auth_code));
    return ok({ open_id: issued.openId, ...this.mint(issued.openId) });
  }

  private refresh(request: RecordedRequest): FakeResponse {
    const body = (request.json ?? {}) as Json;
    if (!this.appOk(body) || body.grant_type !== 'refresh_token') {
      return error(40002, 'invalid client or grant_type');
    }
    const owner = this.refreshTokens.get(String(body.refresh_token));
    if (!owner) return error(40105, 'The refresh token is invalid or revoked');
    // Rotation: the refresh token used is spent; only the new one works from now on.
    this.refreshTokens.delete(String(body.refresh_token));
    return ok({ open_id: owner, ...this.mint(owner) });
  }

  private mint(openId: string): Json {
    const access = `act.${randomBytes(12).toString('hex')}`;
    const refresh = `rft.${randomBytes(12).toString('hex')}`;
    this.accessTokens.set(access, openId);
    this.refreshTokens.set(refresh, openId);
    return {
      access_token: access,
      expires_in: this.lifetimes.accessSeconds,
      refresh_token: refresh,
      refresh_token_expires_in: this.lifetimes.refreshSeconds,
      scope: this.scope,
      token_type: 'Bearer',
    };
  }

  /** The account the request's Access-Token opens, or the error TikTok answers. */
  private authorised(request: RecordedRequest, businessId: unknown): FakeResponse | string {
    const token = request.headers['access-token'];
    const owner = typeof token === 'string' ? this.accessTokens.get(token) : undefined;
    if (!owner) return error(40105, 'Access token is invalid or has expired');
    if (owner !== businessId) return error(40001, 'No permission to operate this business_id');
    return owner;
  }

  /** `business/webhook/update/`: the app's own id and secret, one event type per call. */
  private registerWebhook(request: RecordedRequest): FakeResponse {
    const body = (request.json ?? {}) as Json;
    if (body.app_id !== this.app.id || body.secret !== this.app.secret) {
      return error(40001, 'invalid app_id or secret');
    }
    if (!['DIRECT_MESSAGE', 'COMMENT'].includes(String(body.event_type))) {
      return error(40002, 'event_type');
    }
    if (typeof body.callback_url !== 'string' || !body.callback_url.startsWith('http')) {
      return error(40002, 'callback_url');
    }
    this.webhooks.set(String(body.event_type), body.callback_url);
    return ok({
      app_id: body.app_id,
      event_type: body.event_type,
      callback_url: body.callback_url,
    });
  }

  private profile(request: RecordedRequest): FakeResponse {
    const owner = this.authorised(request, request.query.business_id);
    if (typeof owner !== 'string') return owner;
    const account = this.accounts.find((a) => a.openId === owner)!;
    return ok({ username: account.username, display_name: account.username });
  }

  private send(request: RecordedRequest): FakeResponse {
    const body = (request.json ?? {}) as Json;
    const owner = this.authorised(request, body.business_id);
    if (typeof owner !== 'string') return owner;
    const failure = this.failures.shift();
    if (failure) return failure;
    const problem = sendBodyProblem(body);
    if (problem) return error(40002, problem);
    const messageId = `msg-${randomBytes(10).toString('hex')}`;
    this.sent.push({ businessId: owner, messageId, body });
    return ok({ message: { message_id: messageId } });
  }

  private upload(request: RecordedRequest): FakeResponse {
    const text = request.rawBody.toString('latin1');
    const businessId = /name="business_id"\r\n\r\n([^\r]*)/.exec(text)?.[1];
    const owner = this.authorised(request, businessId);
    if (typeof owner !== 'string') return owner;
    if (!/name="media_type"\r\n\r\nIMAGE\r\n/.test(text)) return error(40002, 'media_type');
    if (!/name="file"; filename="[^"]+"\r\nContent-Type: image\/(jpeg|png)/i.test(text)) {
      return error(40908, 'Unsupported file type');
    }
    const mediaId = `v10033g50000${randomBytes(8).toString('hex')}`;
    this.uploaded.push(mediaId);
    return ok({ media_id: mediaId });
  }

  /**
   * `business/message/media/download/`: the image must be the one named by conversation and
   * message; the answer is a short-lived `download_url`, fetched with the token in `x-user`.
   */
  private downloadUrl(request: RecordedRequest): FakeResponse {
    const body = (request.json ?? {}) as Json;
    const owner = this.authorised(request, body.business_id);
    if (typeof owner !== 'string') return owner;
    if (body.media_type !== 'IMAGE') return error(40002, 'media_type');
    const image = this.received.get(String(body.media_id));
    if (
      !image ||
      image.businessId !== owner ||
      image.conversationId !== body.conversation_id ||
      image.messageId !== body.message_id
    ) {
      return error(40007, 'The media does not exist');
    }
    const key = randomBytes(10).toString('hex');
    this.downloads.set(key, String(body.media_id));
    return ok({ download_url: `${this.baseUrl}/media-files/${key}?sign=${key}` });
  }

  private mediaFile(request: RecordedRequest): FakeResponse {
    const image = this.received.get(this.downloads.get(request.params.key) ?? '');
    const token = request.headers['x-user'];
    const owner = typeof token === 'string' ? this.accessTokens.get(token) : undefined;
    if (!image || owner !== image.businessId) return { status: 403, body: 'Forbidden' };
    return { headers: { 'content-type': image.type }, body: image.bytes };
  }
}

/** What TikTok refuses in a send body (40002), per its documented fields. */
function sendBodyProblem(body: Json): string | undefined {
  if (body.recipient_type !== 'CONVERSATION' || typeof body.recipient !== 'string') {
    return 'recipient_type must be CONVERSATION with a recipient conversation id';
  }
  const type = body.message_type;
  const text = (body.text as Json | undefined)?.body;
  if (type === 'TEXT') {
    return typeof text === 'string' && [...text].length <= 6000 ? undefined : 'text.body';
  }
  if (type === 'IMAGE') {
    return typeof (body.image as Json | undefined)?.media_id === 'string'
      ? undefined
      : 'image.media_id';
  }
  if (type === 'SHARE_POST') {
    return typeof (body.share_post as Json | undefined)?.item_id === 'string'
      ? undefined
      : 'share_post.item_id';
  }
  return 'message_type';
}
