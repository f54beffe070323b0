import type { FakeResponse } from '@test/fakes/fake-http-server';
import { metaErrorAnswer } from './meta-error-payloads';
import { graphPage } from './graph-page';
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
    return graphPage(all, query, selfUrl, this.pageSize, project);
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
