import { randomBytes } from 'node:crypto';
import { FakeHttpServer, FakeResponse, RecordedRequest } from '@test/fakes/fake-http-server';
import { INSTAGRAM_ERRORS, invalidParameter, invalidTokenAnswer } from './instagram-errors';
import { sendBodyProblem } from './instagram-body-rules';

/** One Instagram professional account as Meta knows it. */
export interface InstagramFakeAccount {
  /** The professional account id (IG id): webhooks' entry[].id, Instagram Login's user_id. */
  igId: string;
  username: string;
  /** Instagram user token (Instagram Login). */
  instagramToken: string;
  /** The linked Facebook Page and its Page token (Messenger API for Instagram). */
  pageId?: string;
  pageToken?: string;
}

/** A person who wrote to the accounts, for the profile lookup (contact enrichment). */
export interface InstagramFakeUser {
  igsid: string;
  name?: string;
  username?: string;
  profilePic?: string;
}

/** Which of Meta's Graph hosts this instance stands for. */
export type InstagramFakeHost = 'graph.instagram.com' | 'graph.facebook.com';

export interface SentInstagramMessage {
  /** The IG id (Instagram Login) or the Page id (Page-linked) the send went through. */
  senderId: string;
  messageId?: string;
  body: Record<string, unknown>;
}

export interface InstagramGraphFake {
  baseUrl: string;
  version: string;
  requests: RecordedRequest[];
  /** Accepted sends, in order. */
  sent(): SentInstagramMessage[];
  /**
   * The next `n` authorised calls answer with this catalogue error (`'190'`, `'10/2534022'`...),
   * or only the next `n` that `when` picks (a send, while the app also looks up profiles).
   */
  failNext(
    n: number,
    code: keyof typeof INSTAGRAM_ERRORS | FakeResponse,
    when?: (request: RecordedRequest) => boolean,
  ): void;
  /** Makes a token unknown from now on (expired / revoked): every call with it answers 190. */
  expire(token: string): void;
  close(): Promise<void>;
}

/**
 * Meta's Graph API as Instagram messaging uses it, on one host (CONTRACT.md):
 * - graph.instagram.com (Instagram Login, Instagram user token): `POST /{v}/me/messages` or
 *   `/{v}/{ig-id}/messages`, `GET /{v}/me?fields=user_id,username`;
 * - graph.facebook.com (Page-linked, Page token): `POST /{v}/{page-id}/messages`,
 *   `GET /{v}/{page-id}?fields=instagram_business_account`;
 * - both: `GET /{v}/{igsid}?fields=name,username,profile_pic` (the profile lookup).
 * Bearer tokens only; a token this host does not know answers 190; bodies are checked as
 * Meta checks them (instagram-body-rules.ts) and refused with code 100.
 */
export async function startInstagramGraphFake(options: {
  host: InstagramFakeHost;
  accounts: readonly InstagramFakeAccount[];
  users?: readonly InstagramFakeUser[];
  version?: string;
}): Promise<InstagramGraphFake> {
  const version = options.version ?? 'v23.0';
  const server = await FakeHttpServer.start();
  const sent: SentInstagramMessage[] = [];
  const expired = new Set<string>();
  const failures: { answer: FakeResponse; when?: (request: RecordedRequest) => boolean }[] = [];
  const onInstagram = options.host === 'graph.instagram.com';

  /** The account a token acts for on this host. */
  const accountOf = (request: RecordedRequest): InstagramFakeAccount | undefined => {
    const token = /^Bearer (\S+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
    if (!token || expired.has(token)) return undefined;
    return options.accounts.find((account) =>
      onInstagram ? account.instagramToken === token : account.pageToken === token,
    );
  };

  const authorised =
    (answer: (request: RecordedRequest, account: InstagramFakeAccount) => FakeResponse) =>
    (request: RecordedRequest): FakeResponse => {
      const account = accountOf(request);
      if (!account) return invalidTokenAnswer();
      const index = failures.findIndex((failure) => !failure.when || failure.when(request));
      const failure = index < 0 ? undefined : failures.splice(index, 1)[0].answer;
      return failure ?? answer(request, account);
    };

  /** The path's id is the sending account itself (`me`, its IG id, or its Page). */
  const sendsAs = (account: InstagramFakeAccount, id: string): boolean =>
    onInstagram ? id === 'me' || id === account.igId : id === account.pageId;

  server.reply(
    'POST',
    `/${version}/:id/messages`,
    authorised((request, account) => {
      if (!sendsAs(account, request.params.id)) {
        return invalidParameter('Unsupported post request: this token cannot send as this id');
      }
      if (request.headers['content-type'] !== 'application/json') {
        return invalidParameter('Content-Type must be application/json');
      }
      const problem = sendBodyProblem(request.json);
      if (problem) return invalidParameter(problem);
      const body = request.json as Record<string, unknown>;
      const recipientId = (body.recipient as { id: string }).id;
      const action = body.sender_action;
      const messageId =
        action === undefined
          ? `aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj${randomBytes(12).toString('hex')}`
          : undefined;
      sent.push({ senderId: request.params.id, messageId, body });
      // Sender actions and reactions answer with the recipient only.
      return {
        body: messageId
          ? { recipient_id: recipientId, message_id: messageId }
          : { recipient_id: recipientId },
      };
    }),
  );

  server.reply(
    'GET',
    `/${version}/:id`,
    authorised((request, account) => {
      const id = request.params.id;
      if (onInstagram && id === 'me') {
        return {
          body: {
            user_id: account.igId,
            username: account.username,
            id: `app-scoped-${account.igId}`,
          },
        };
      }
      if (!onInstagram && id === account.pageId) {
        return { body: { instagram_business_account: { id: account.igId }, id } };
      }
      const user = options.users?.find((known) => known.igsid === id);
      if (user) {
        return {
          body: {
            id: user.igsid,
            ...(user.name ? { name: user.name } : {}),
            ...(user.username ? { username: user.username } : {}),
            ...(user.profilePic ? { profile_pic: user.profilePic } : {}),
          },
        };
      }
      return INSTAGRAM_ERRORS['100'];
    }),
  );

  return {
    baseUrl: server.url,
    version,
    requests: server.requests,
    sent: () => [...sent],
    failNext(n, code, when) {
      const answer = typeof code === 'string' ? INSTAGRAM_ERRORS[code] : code;
      for (let i = 0; i < n; i += 1) failures.push({ answer, when });
    },
    expire: (token) => expired.add(token),
    close: () => server.close(),
  };
}
