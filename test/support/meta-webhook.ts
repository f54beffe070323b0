import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response as InjectResponse } from 'light-my-request';
import { signMetaWebhook } from '@test/fakes/meta-graph/webhooks';

/**
 * POSTs a body to /webhooks/meta signed with `appSecret` as Meta signs it (X-Hub-Signature-256
 * over the raw bytes): one Meta app delivers WhatsApp, Instagram and Messenger the same way.
 */
export function postMetaWebhook(
  app: NestFastifyApplication,
  body: unknown,
  appSecret: string,
): Promise<InjectResponse> {
  const raw = JSON.stringify(body);
  return app.inject({
    method: 'POST',
    url: '/webhooks/meta',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signMetaWebhook(raw, appSecret),
    },
    payload: raw,
  });
}
