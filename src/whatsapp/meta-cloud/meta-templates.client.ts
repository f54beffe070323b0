import { Injectable } from '@nestjs/common';
import type { MetaCloudAccount } from './meta-cloud.credentials';
import { metaAccessOf, metaWabaIdOf } from './meta-cloud.credentials';
import { MetaGraphClient, graphPath } from '@app/meta/graph/meta-graph.client';
import { unexpectedGraphAnswer } from './cloud-api-graph';
import { MetaTemplate, TEMPLATE_FIELDS, normalizeTemplate } from './meta-template';

/** One page of `GET /{waba-id}/message_templates`. */
interface TemplatePage {
  data?: unknown[];
  paging?: { cursors?: { before?: string; after?: string }; next?: string };
}

const PAGE_SIZE = 100;
/** 100 pages of 100 is far beyond any WABA's template allowance: a loop guard, not a limit. */
const MAX_PAGES = 100;

/** The WABA's message templates, as the Business Management API lists them. */
@Injectable()
export class MetaTemplatesClient {
  constructor(private readonly graph: MetaGraphClient) {}

  /**
   * Every APPROVED template of the account's WABA, each language its own entry, in Meta's
   * order. Pages are followed while Meta announces a `paging.next`, by asking again with
   * `after=<cursors.after>` on our configured base URL rather than fetching `next` itself:
   * that absolute link points at graph.facebook.com (bypassing a configured proxy) and may
   * carry a token in its query.
   */
  async listApproved(account: MetaCloudAccount): Promise<MetaTemplate[]> {
    const { accessToken } = metaAccessOf(account, 'list_templates');
    const wabaId = metaWabaIdOf(account, 'list_templates');
    const templates: MetaTemplate[] = [];
    const seenCursors = new Set<string>();
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const { body } = await this.graph.request<TemplatePage | undefined>(accessToken, {
        operation: 'list_templates',
        method: 'GET',
        path: graphPath(wabaId, 'message_templates'),
        query: { fields: TEMPLATE_FIELDS.join(','), limit: PAGE_SIZE, after },
      });
      if (!Array.isArray(body?.data)) throw unexpectedGraphAnswer('list_templates', 'a data list');
      for (const raw of body.data) {
        const template = normalizeTemplate(raw);
        if (template?.status === 'APPROVED') templates.push(template);
      }
      after = body.paging?.cursors?.after;
      if (!body.paging?.next || !after || seenCursors.has(after)) break;
      seenCursors.add(after);
    }
    return templates;
  }
}
