import type { Response as InjectResponse } from 'light-my-request';
import { Bitrix24Fake } from '@test/fakes/bitrix/bitrix24-fake';
import { installEvent } from '@test/fakes/bitrix/events';
import { CloudApiScenario, startCloudApiScenario } from './cloud-api-scenario';
import { eventually } from './eventually';

export const BITRIX_APP = {
  clientId: 'local.66a1b2c3d4e5f6.12345678',
  clientSecret: 'bitrix-client-secret-0123456789',
};

export interface BitrixScenario extends CloudApiScenario {
  bitrix: Bitrix24Fake;
  /** Our portal id for the fake portal `acme`, installed and with the account on line 3. */
  portalId: string;
  accountId: string;
  /** POSTs a form body to the portal's handler URL, as Bitrix24 does. */
  event(body: string, portalId?: string): Promise<InjectResponse>;
  close(): Promise<void>;
}

export const LINE = '3';

/**
 * A Cloud API number connected (the WhatsApp end-to-end start) and a Bitrix24 portal `acme`
 * added through the API, installed by its ONAPPINSTALL event and fed by the number on open
 * line 3: the common start of the Bitrix24 end-to-end suites.
 */
export async function startBitrixScenario(
  env: Record<string, string> = {},
): Promise<BitrixScenario> {
  const bitrix = await Bitrix24Fake.start(BITRIX_APP);
  bitrix.addPortal('acme');
  const scenario = await startCloudApiScenario({
    accountName: 'main',
    env: {
      BITRIX_OAUTH_URL: bitrix.oauthUrl,
      BITRIX_CLIENT_ID: BITRIX_APP.clientId,
      BITRIX_CLIENT_SECRET: BITRIX_APP.clientSecret,
      ...env,
    },
  });
  const { app, tenant, db } = scenario;
  const event = (body: string, portalId = created.id) =>
    app.inject({
      method: 'POST',
      url: `/webhooks/bitrix24/${portalId}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: body,
    });

  const response = await app.inject({
    method: 'POST',
    url: '/api/v2/bitrix/portals',
    headers: tenant.headers,
    payload: { name: 'acme', portalUrl: bitrix.portalUrl('acme') },
  });
  if (response.statusCode !== 201) throw new Error(`adding the portal failed: ${response.body}`);
  const created = response.json<{ id: string }>();
  const installed = await event(installEvent(bitrix.authOf('acme')));
  if (installed.statusCode !== 200) throw new Error(`install refused: ${installed.body}`);
  await eventually(async () => {
    const [row] = await db.query(
      `SELECT status, connector_state FROM bitrix_portals WHERE id = $1`,
      [created.id],
    );
    if (row?.status !== 'active' || row?.connector_state !== 'registered') {
      throw new Error('portal not installed yet');
    }
  });
  const [account] = await db.query(`SELECT id FROM channel_accounts WHERE tenant_id = $1`, [
    tenant.id,
  ]);
  const mapped = await app.inject({
    method: 'PUT',
    url: `/api/v2/bitrix/portals/${created.id}/lines`,
    headers: tenant.headers,
    payload: { channelAccountId: account.id, lineId: LINE },
  });
  if (mapped.statusCode !== 200) throw new Error(`mapping the line failed: ${mapped.body}`);

  return {
    ...scenario,
    bitrix,
    portalId: created.id,
    accountId: account.id as string,
    event,
    close: async () => {
      await scenario.close();
      await bitrix.close();
    },
  };
}

/** Waits until `condition` holds (a fake's in-memory record), failing with `what`. */
export function until<T>(condition: () => T | undefined | false, what: string): Promise<T> {
  return eventually(() => {
    const value = condition();
    return value ? Promise.resolve(value) : Promise.reject(new Error(what));
  });
}
