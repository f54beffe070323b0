import type { FakeResponse } from '@test/fakes/fake-http-server';
import { metaErrorAnswer } from './meta-error-payloads';
import { fakeGraphId } from './meta-ids';
import { isRecord } from './message-body-rules';

/** A template as Meta lists it (`name`, `language`, `status`, `components`...), optionally tied to one WABA. */
export type FakeTemplate = Record<string, unknown> & {
  name: string;
  language: string;
  status: string;
  wabaId?: string;
};

/**
 * The fake's `message_templates` edge: Graph cursor paging (a page holds at most `pageSize`
 * entries whatever `limit` asks, `paging.next` only while more remain), `fields` projection,
 * and the template checks Meta makes on a template send (exists and approved in that language:
 * 132001; body parameter count: 132000).
 */
export class TemplateStore {
  private readonly templates: FakeTemplate[];

  constructor(
    templates: readonly FakeTemplate[],
    private readonly pageSize: number,
  ) {
    this.templates = templates.map((t) => ({ id: fakeGraphId(), ...t }));
  }

  page(wabaId: string, query: Record<string, string | string[]>, selfUrl: string): FakeResponse {
    const all = this.templates.filter((t) => t.wabaId === undefined || t.wabaId === wabaId);
    const limit = Math.min(Number(query.limit ?? 25) || 25, this.pageSize);
    const offset = typeof query.after === 'string' ? decodeCursor(query.after) + 1 : 0;
    const slice = all.slice(offset, offset + limit);
    const fields = typeof query.fields === 'string' ? query.fields.split(',') : undefined;
    const data = slice.map((t) => project(t, fields));
    const last = offset + slice.length - 1;
    const cursors =
      slice.length > 0 ? { before: encodeCursor(offset), after: encodeCursor(last) } : undefined;
    const next =
      last + 1 < all.length
        ? `${selfUrl}?${new URLSearchParams({ ...(fields ? { fields: fields.join(',') } : {}), limit: String(limit), after: encodeCursor(last) }).toString()}`
        : undefined;
    return {
      status: 200,
      body: { data, paging: { ...(cursors ? { cursors } : {}), ...(next ? { next } : {}) } },
    };
  }

  /** Meta's verdict on a template send, or undefined when it would be accepted. */
  checkSend(wabaId: string, template: Record<string, unknown>): FakeResponse | undefined {
    const language = isRecord(template.language) ? template.language.code : undefined;
    const found = this.templates.find(
      (t) =>
        (t.wabaId === undefined || t.wabaId === wabaId) &&
        t.name === template.name &&
        t.language === language &&
        t.status === 'APPROVED',
    );
    if (!found) return metaErrorAnswer(132001);
    const bodyText = (Array.isArray(found.components) ? found.components : [])
      .filter(isRecord)
      .find((c) => c.type === 'BODY')?.text;
    const text = typeof bodyText === 'string' ? bodyText : '';
    const expected = new Set(text.match(/\{\{\s*\w+\s*\}\}/g) ?? []).size;
    const sentBody = (Array.isArray(template.components) ? template.components : [])
      .filter(isRecord)
      .find((c) => c.type === 'body');
    const given = Array.isArray(sentBody?.parameters) ? sentBody.parameters.length : 0;
    return given === expected ? undefined : metaErrorAnswer(132000);
  }
}

function project(template: FakeTemplate, fields: string[] | undefined): Record<string, unknown> {
  const { wabaId: _wabaId, ...meta } = template;
  if (!fields)
    return { id: meta.id, name: meta.name, language: meta.language, status: meta.status };
  // Graph always returns the id, whatever `fields` says.
  return Object.fromEntries(
    Object.entries(meta).filter(([key]) => key === 'id' || fields.includes(key)),
  );
}

const encodeCursor = (index: number) => Buffer.from(`idx:${index}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const match = /^idx:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : -1;
}
