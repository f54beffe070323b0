import type { AppConfig } from '@config/app-config';
import { AlertTargets, ChannelTarget } from './alert-targets';
import type { AlertChannelsRepository } from './channels/alert-channels.repository';

const TENANT = '0192f000-0000-7000-8000-00000000000a';

function targets(includesTenantAlerts = false): AlertTargets {
  const config = {
    alerts: { global: { slackUrl: 'https://hooks.example/slack', includesTenantAlerts } },
  } as unknown as AppConfig;
  const channels = {
    activeOf: (tenantId: string) =>
      Promise.resolve(
        tenantId === TENANT ? [{ id: 'own-discord', kind: 'discord', minSeverity: 'warning' }] : [],
      ),
  } as unknown as AlertChannelsRepository;
  return new AlertTargets(config, channels);
}

const globalSlack: ChannelTarget = { scope: 'global', kind: 'slack' };
const ownDiscord: ChannelTarget = { scope: 'tenant', kind: 'discord', id: 'own-discord' };

describe('AlertTargets', () => {
  it('sends a platform alert to the global channels only', async () => {
    expect(
      await targets().of({ type: 'queue.backlog', tenantId: null, severity: 'warning' }),
    ).toEqual([globalSlack]);
  });

  it("keeps a tenant's account alert to its own channels unless told to copy them", async () => {
    const alert = { type: 'account.needs_reauth', tenantId: TENANT, severity: 'warning' as const };
    expect(await targets().of(alert)).toEqual([ownDiscord]);
    expect(await targets(true).of(alert)).toEqual([globalSlack, ownDiscord]);
  });

  it.each(['circuit.open', 'circuit.half_open', 'privacy.request_due'])(
    "sends a tenant's %s to its own channels and to the operators'",
    async (type) => {
      expect(await targets().of({ type, tenantId: TENANT, severity: 'critical' })).toEqual([
        globalSlack,
        ownDiscord,
      ]);
    },
  );

  it('leaves out a tenant channel whose minimum severity the alert does not meet', async () => {
    expect(
      await targets().of({ type: 'circuit.half_open', tenantId: TENANT, severity: 'info' }),
    ).toEqual([globalSlack]);
  });
});
