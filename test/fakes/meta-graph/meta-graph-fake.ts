import { createHash } from 'node:crypto';
import { FakeHttpServer, FakeResponse, RecordedRequest } from '@test/fakes/fake-http-server';
import {
  invalidParameterAnswer,
  invalidTokenAnswer,
  metaErrorAnswer,
  unknownObjectAnswer,
} from './meta-error-payloads';
import { graphPage } from './graph-page';
import { fakeGraphId, fakeWamid } from './meta-ids';
import { checkMessageBody } from './message-body-rules';
import { parseMultipart } from './multipart-form';
import { FakeTemplate, TemplateStore } from './template-store';

export type { FakeTemplate } from './template-store';

export interface MetaGraphFakeAccount {
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
  verifiedName?: string;
  displayPhoneNumber?: string;
  qualityRating?: string;
}

export interface MetaGraphFakeOptions {
  version?: string;
  accounts: readonly MetaGraphFakeAccount[];
  templates?: readonly FakeTemplate[];
  /** Largest template page the fake serves, whatever `limit` asks (Meta caps pages too). */
  templatePageSize?: number;
  /** Largest `phone_numbers` page the fake serves, whatever `limit` asks. */
  phoneNumberPageSize?: number;
}

/** A message Meta accepted, as the fake received it. */
export interface SentMessage {
  phoneNumberId: string;
  wamid: string;
  body: Record<string, unknown>;
  /** When the fake accepted it (Date.now()): on arrival, whether or not the answer got back. */
  acceptedAt: number;
  /** How long after accepting it the fake answered (see `answerSendsAfter`). */
  answerDelayMs: number;
}

export interface FakeMedia {
  id: string;
  phoneNumberId: string;
  mimeType: string;
  body: Buffer;
  filename?: string;
  /** Extra form fields of an upload, e.g. messaging_product and type. */
  fields?: Record<string, string>;
  /** What the lookup's `file_size` says (default: the true size; null leaves it out). */
  reportedSize?: number | null;
  /** Send the download chunked, without Content-Length (Meta sends one), 1 KiB at a time. */
  chunked?: boolean;
}

/** A file to serve; the last two let a test script a platform that misreports its size. */
export type FakeMediaFile = Pick<FakeMedia, 'mimeType' | 'body' | 'reportedSize' | 'chunked'>;

/** A Meta error code from the catalogue, or an exact answer (status, body, headers). */
export type ScriptedFailure = number | (FakeResponse & { status: number });

export interface MetaGraphFake {
  /** Graph root to configure as META_GRAPH_BASE_URL (the version is a path segment below it). */
  baseUrl: string;
  version: string;
  /** Every request received, in order (unmatched ones included, answered 404). */
  requests: RecordedRequest[];
  /** The next `n` authorised Graph requests answer with `failure` instead of their result. */
  failNext(n: number, failure: ScriptedFailure): void;
  /**
   * A slow platform: every send is accepted on arrival (it counts in `sent()`) and answered
   * `ms` later; 0 answers at once again. A client that gives up or dies meanwhile never learns
   * the message went out, as with the real Cloud API, which has no idempotency key.
   */
  answerSendsAfter(ms: number): void;
  /** Like `answerSendsAfter`, for the next `n` accepted sends only (timeouts in bursts). */
  answerNextSendsAfter(n: number, ms: number): void;
  sent(): SentMessage[];
  /** message_ids marked as read. */
  readReceipts(): string[];
  addMedia(phoneNumberId: string, media: FakeMediaFile): string;
  media(id: string): FakeMedia | undefined;
  close(): Promise<void>;
}

type Handler = (request: RecordedRequest, account: MetaGraphFakeAccount) => FakeResponse;

/**
 * A local stand-in for graph.facebook.com's Cloud API surface: messages (all types, mark as
 * read), media lookup / download / upload, message templates with paging, phone number fields
 * and a WABA's phone number list with paging (the ownership proof of a connect).
 * It checks the Bearer token (unknown: 401 code 190) and that it owns the object addressed
 * (else Graph's 400 100/33), validates bodies like Meta (400 code 100) and answers with Meta's
 * payloads. CONTRACT.md lists the facts it relies on and their sources.
 */
export async function startMetaGraphFake(options: MetaGraphFakeOptions): Promise<MetaGraphFake> {
  const version = options.version ?? 'v23.0';
  const server = await FakeHttpServer.start();
  const baseUrl = server.url;
  const accounts = options.accounts;
  const templates = new TemplateStore(options.templates ?? [], options.templatePageSize ?? 25);
  const failures: ScriptedFailure[] = [];
  const slowAnswers: number[] = [];
  let sendLatencyMs = 0;
  const sent: SentMessage[] = [];
  const receipts: string[] = [];
  const media = new Map<string, FakeMedia>();

  const byPhone = (id: string) => accounts.filter((a) => a.phoneNumberId === id);
  const byWaba = (id: string) => accounts.filter((a) => a.wabaId === id);
  const ownersOfMedia = (id: string) => {
    const owner = accounts.find((a) => a.phoneNumberId === media.get(id)?.phoneNumberId);
    return owner ? byWaba(owner.wabaId) : [];
  };

  /** Token first, then ownership, then scripted failures: Meta authenticates before throttling. */
  const guarded =
    (idParam: string, owners: (id: string) => MetaGraphFakeAccount[], handler: Handler) =>
    (request: RecordedRequest): FakeResponse => {
      const token = /^Bearer (\S+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
      if (!token || !accounts.some((a) => a.accessToken === token)) return invalidTokenAnswer();
      const id = request.params[idParam] ?? String(request.query.mid ?? '');
      const account = owners(id).find((a) => a.accessToken === token);
      if (!account) return unknownObjectAnswer(request.method, id);
      const failure = failures.shift();
      if (failure !== undefined) {
        return typeof failure === 'number' ? metaErrorAnswer(failure) : failure;
      }
      return handler(request, account);
    };

  const messages: Handler = (request, account) => {
    const problem = checkMessageBody(request.json);
    if (problem) return invalidParameterAnswer(problem);
    const body = request.json as Record<string, unknown>;
    if (body.status === 'read') {
      if (!String(body.message_id).startsWith('wamid.')) return metaErrorAnswer(131009);
      receipts.push(String(body.message_id));
      return { status: 200, body: { success: true } };
    }
    const isTemplate = body.type === 'template';
    if (isTemplate) {
      const verdict = templates.checkSend(account.wabaId, body.template as Record<string, unknown>);
      if (verdict) return verdict;
    }
    const to = String(body.to);
    const wamid = fakeWamid(to);
    const delayMs = slowAnswers.shift() ?? sendLatencyMs;
    sent.push({
      phoneNumberId: account.phoneNumberId,
      wamid,
      body,
      acceptedAt: Date.now(),
      answerDelayMs: delayMs,
    });
    return {
      delayMs,
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input: to, wa_id: to.replace(/^\+/, '') }],
        messages: [{ id: wamid, ...(isTemplate ? { message_status: 'accepted' } : {}) }],
      },
    };
  };

  const upload: Handler = (request, account) => {
    const form = parseMultipart(request.rawBody, request.headers['content-type']);
    if (!form) return invalidParameterAnswer('The request must be multipart/form-data.');
    if (form.fields.messaging_product !== 'whatsapp') {
      return invalidParameterAnswer('The parameter messaging_product is required.');
    }
    const file = form.files.file;
    if (!file) return invalidParameterAnswer('The parameter file is required.');
    if (!form.fields.type) return invalidParameterAnswer('The parameter type is required.');
    const id = fakeGraphId();
    media.set(id, {
      id,
      phoneNumberId: account.phoneNumberId,
      mimeType: form.fields.type,
      body: file.data,
      filename: file.filename,
      fields: form.fields,
    });
    return { status: 200, body: { id } };
  };

  const object: Handler = (request, account) => {
    const id = request.params.id;
    const fields =
      typeof request.query.fields === 'string' ? request.query.fields.split(',') : undefined;
    if (id === account.phoneNumberId) {
      return { status: 200, body: phoneNumberFields(account, fields) };
    }
    const file = media.get(id);
    const only = request.query.phone_number_id;
    if (!file || (only !== undefined && only !== file.phoneNumberId)) {
      return unknownObjectAnswer(request.method, id);
    }
    const url = new URL('/whatsapp_business/attachments/', baseUrl);
    url.search = new URLSearchParams({
      mid: id,
      ext: '1772400000',
      hash: 'ATu9Xz0-signed',
    }).toString();
    return {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        url: url.href,
        mime_type: file.mimeType,
        sha256: createHash('sha256').update(file.body).digest('hex'),
        ...(file.reportedSize !== null ? { file_size: file.reportedSize ?? file.body.length } : {}),
        id,
      },
    };
  };

  const download: Handler = (request) => {
    const file = media.get(String(request.query.mid));
    if (!file) return { status: 404, body: '' };
    const headers = { 'content-type': file.mimeType };
    if (!file.chunked) {
      return {
        status: 200,
        headers: { ...headers, 'content-length': String(file.body.length) },
        body: file.body,
      };
    }
    const data: Buffer[] = [];
    for (let at = 0; at < file.body.length; at += 1024)
      data.push(file.body.subarray(at, at + 1024));
    return { status: 200, headers, pieces: { data, gapMs: 20 } };
  };

  const v = `/${version}`;
  server
    .reply('POST', `${v}/:phoneNumberId/messages`, guarded('phoneNumberId', byPhone, messages))
    .reply('POST', `${v}/:phoneNumberId/media`, guarded('phoneNumberId', byPhone, upload))
    .reply(
      'GET',
      `${v}/:wabaId/message_templates`,
      guarded('wabaId', byWaba, (request, account) =>
        templates.page(account.wabaId, request.query, `${baseUrl}${request.path}`),
      ),
    )
    .reply(
      'GET',
      `${v}/:wabaId/phone_numbers`,
      guarded('wabaId', byWaba, (request, account) =>
        graphPage(
          byWaba(account.wabaId),
          request.query,
          `${baseUrl}${request.path}`,
          options.phoneNumberPageSize ?? 100,
          phoneNumberFields,
        ),
      ),
    )
    .reply(
      'GET',
      `${v}/:id`,
      guarded('id', (id) => (media.has(id) ? ownersOfMedia(id) : byPhone(id)), object),
    )
    .reply('GET', '/whatsapp_business/attachments/', guarded('mid', ownersOfMedia, download));

  return {
    baseUrl,
    version,
    requests: server.requests,
    failNext: (n, failure) => {
      for (let i = 0; i < n; i += 1) failures.push(failure);
    },
    answerSendsAfter: (ms) => {
      sendLatencyMs = ms;
    },
    answerNextSendsAfter: (n, ms) => {
      for (let i = 0; i < n; i += 1) slowAnswers.push(ms);
    },
    sent: () => [...sent],
    readReceipts: () => [...receipts],
    addMedia: (phoneNumberId, file) => {
      const id = fakeGraphId();
      media.set(id, { id, phoneNumberId, ...file });
      return id;
    },
    media: (id) => media.get(id),
    close: () => server.close(),
  };
}

/**
 * A phone number as Graph shows it (`GET /{phone-number-id}`, `GET /{waba-id}/phone_numbers`):
 * the fields asked for, or Meta's defaults, and always the id.
 */
function phoneNumberFields(
  account: MetaGraphFakeAccount,
  fields: string[] | undefined,
): Record<string, unknown> {
  const all: Record<string, unknown> = {
    verified_name: account.verifiedName ?? 'Loja Exemplo',
    code_verification_status: 'VERIFIED',
    display_phone_number: account.displayPhoneNumber ?? '+1 555-013-3001',
    quality_rating: account.qualityRating ?? 'GREEN',
  };
  const picked = Object.entries(all).filter(([key]) => !fields || fields.includes(key));
  return { ...Object.fromEntries(picked), id: account.phoneNumberId };
}
