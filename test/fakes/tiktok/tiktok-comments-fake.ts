import type { FakeHttpServer, FakeResponse, RecordedRequest } from '@test/fakes/fake-http-server';
import { error, ok } from './envelope';

/** A comment on one of an account's videos, as `business/comment/list/` returns it. */
export interface TikTokFakeComment {
  comment_id: string;
  video_id: string;
  parent_comment_id?: string;
  text: string;
  create_time: string;
  owner: boolean;
  status: 'PUBLIC' | 'HIDDEN';
  user_id: string;
  username: string;
  display_name: string;
}

type Json = Record<string, unknown>;
/** The account an Access-Token opens for `businessId`, or TikTok's refusal. */
type Authorise = (request: RecordedRequest, businessId: unknown) => FakeResponse | string;

/**
 * TikTok's comment endpoints for an account's own videos (CONTRACT.md "Comments"): list newest
 * first with a numeric cursor (or only the comments `comment_ids` names), reply (text 1..150 characters), hide / unhide (`action`), and
 * delete, which TikTok allows only for the account's own comments.
 */
export class TikTokCommentsFake {
  private readonly byVideo = new Map<string, TikTokFakeComment[]>();
  private seq = 100n;

  constructor(private readonly authorise: Authorise) {}

  /** A person comments on a video of the account. */
  add(
    videoId: string,
    text: string,
    username = 'ana.souza',
    commentId?: string,
  ): TikTokFakeComment {
    this.seq += 1n;
    const comment: TikTokFakeComment = {
      comment_id: commentId ?? String(7300000000000000000n + this.seq),
      video_id: videoId,
      text,
      create_time: String(Math.floor(Date.now() / 1000)),
      owner: false,
      status: 'PUBLIC',
      user_id: `user-${username}`,
      username,
      display_name: username,
    };
    this.byVideo.set(videoId, [...(this.byVideo.get(videoId) ?? []), comment]);
    return comment;
  }

  of(videoId: string): TikTokFakeComment[] {
    return this.byVideo.get(videoId) ?? [];
  }

  routes(server: FakeHttpServer, prefix: string): void {
    server
      .reply('GET', `${prefix}/business/comment/list/`, (r) => this.list(r))
      .reply('POST', `${prefix}/business/comment/reply/create/`, (r) => this.reply(r))
      .reply('POST', `${prefix}/business/comment/hide/`, (r) => this.hide(r))
      .reply('POST', `${prefix}/business/comment/delete/`, (r) => this.delete(r));
  }

  private list(request: RecordedRequest): FakeResponse {
    const owner = this.authorise(request, request.query.business_id);
    if (typeof owner !== 'string') return owner;
    const wanted = idsOf(request.query.comment_ids);
    const all = [...this.of(String(request.query.video_id))]
      .reverse()
      .filter((comment) => !wanted || wanted.includes(comment.comment_id));
    const start = Number(request.query.cursor ?? 0);
    const count = Number(request.query.max_count ?? 20);
    const page = all.slice(start, start + count);
    return ok({
      comments: page,
      cursor: start + page.length,
      has_more: start + count < all.length,
    });
  }

  private reply(request: RecordedRequest): FakeResponse {
    const body = (request.json ?? {}) as Json;
    const owner = this.authorise(request, body.business_id);
    if (typeof owner !== 'string') return owner;
    const parent = this.of(String(body.video_id)).find((c) => c.comment_id === body.comment_id);
    if (!parent) return error(40007, 'The comment does not exist');
    if (typeof body.text !== 'string' || [...body.text].length > 150) return error(40002, 'text');
    const reply = this.add(String(body.video_id), body.text, 'loja');
    Object.assign(reply, { owner: true, parent_comment_id: parent.comment_id });
    return ok({ comment_id: reply.comment_id });
  }

  private hide(request: RecordedRequest): FakeResponse {
    const body = (request.json ?? {}) as Json;
    const owner = this.authorise(request, body.business_id);
    if (typeof owner !== 'string') return owner;
    const comment = this.of(String(body.video_id)).find((c) => c.comment_id === body.comment_id);
    if (!comment) return error(40007, 'The comment does not exist');
    if (body.action !== 'HIDE' && body.action !== 'UNHIDE') return error(40002, 'action');
    comment.status = body.action === 'HIDE' ? 'HIDDEN' : 'PUBLIC';
    return ok({});
  }

  private delete(request: RecordedRequest): FakeResponse {
    const body = (request.json ?? {}) as Json;
    const owner = this.authorise(request, body.business_id);
    if (typeof owner !== 'string') return owner;
    for (const [videoId, thread] of this.byVideo) {
      const comment = thread.find((c) => c.comment_id === body.comment_id);
      if (!comment) continue;
      if (!comment.owner) return error(40001, 'Only your own comments can be deleted');
      this.byVideo.set(
        videoId,
        thread.filter((c) => c !== comment),
      );
      return ok({});
    }
    return error(40007, 'The comment does not exist');
  }
}

/** `comment_ids`: a JSON array of ids, as TikTok's list filters take them. */
function idsOf(value: unknown): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const ids = JSON.parse(value) as unknown;
    return Array.isArray(ids) ? ids.map(String) : undefined;
  } catch {
    return undefined;
  }
}
