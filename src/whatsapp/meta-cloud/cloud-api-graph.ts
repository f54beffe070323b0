import type { PlatformError } from '@core/errors/platform-error';
import { metaGraphClientProvider, unexpectedMetaAnswer } from '@app/meta/graph/meta-graph.client';

/** The Cloud API's Graph client: hub 'whatsapp', on META_GRAPH_BASE_URL (a proxy or a fake). */
export const cloudApiGraphClient = metaGraphClientProvider((config) => ({
  hub: 'whatsapp',
  graphBaseUrl: config.meta.graphBaseUrl,
}));

/** A Cloud API answer without the field the call exists for (see unexpectedMetaAnswer). */
export function unexpectedGraphAnswer(operation: string, missing: string): PlatformError {
  return unexpectedMetaAnswer('whatsapp', operation, missing);
}
