import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChannelRegistry } from '@core/channel/channel.registry';
import type { HubHealth } from '@core/channel/hub-health';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { OutboundDispatcher } from '@app/messaging/outbound/outbound.dispatcher';
import { EvolutionInstancesService } from '@app/whatsapp/instances/evolution-instances.service';
import type { InstanceState, QrCodeDto } from '@app/whatsapp/instances/instances.dto';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface InstanceStatus {
  instanceId: string;
  accountId: string;
  provider: string;
  status: string;
  circuit: 'closed' | 'half-open' | 'open';
  lastActivityAt: Date | null;
  /** Evolution instances only: the session as Evolution reports it right now. */
  connectionState?: InstanceState;
  /** Evolution instances only, while not connected: the latest QR / pairing code. */
  qrCode?: QrCodeDto;
}

/**
 * The operational routes the frontend already uses for WhatsApp: instance status, hub
 * health, message counters and re-driving failed sends. Tenant-scoped throughout.
 */
@Injectable()
export class WhatsappOperationsService {
  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly registry: ChannelRegistry,
    private readonly dispatcher: OutboundDispatcher,
    private readonly evolutionInstances: EvolutionInstancesService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async status(tenantId: string, instanceId: string): Promise<InstanceStatus> {
    const account = await this.accounts.get(tenantId, instanceId);
    const rows: { last: Date | null }[] = await this.db.query(
      `SELECT max(last_message_at) AS last FROM conversations WHERE tenant_id = $1 AND channel_account_id = $2`,
      [tenantId, account.id],
    );
    return {
      instanceId: account.name,
      accountId: account.id,
      provider: account.provider,
      status: account.status,
      circuit: this.breakers.state({
        hub: 'whatsapp',
        provider: account.provider,
        account: account.id,
      }),
      lastActivityAt: rows[0]?.last ?? null,
      ...(account.provider === 'evolution' && account.status !== 'disabled'
        ? await this.evolutionSession(tenantId, account.id)
        : {}),
    };
  }

  private async evolutionSession(
    tenantId: string,
    accountId: string,
  ): Promise<Pick<InstanceStatus, 'connectionState' | 'qrCode'>> {
    const { state, qrCode } = await this.evolutionInstances.sessionOf(tenantId, accountId);
    return { connectionState: state, ...(qrCode ? { qrCode } : {}) };
  }

  /** Each WhatsApp provider's own health, plus the circuits of this tenant's accounts. */
  async health(
    tenantId: string,
  ): Promise<{ providers: Array<{ provider: string } & HubHealth>; circuits: InstanceStatus[] }> {
    const providers = await Promise.all(
      this.registry
        .list()
        .filter((provider) => provider.hub === 'whatsapp')
        .map(async (provider) => ({
          provider: provider.provider,
          ...(await provider.checkHealth()),
        })),
    );
    const page = await this.accounts.list(tenantId, 100, undefined, 'whatsapp');
    const circuits = await Promise.all(
      page.items.map((account) => this.status(tenantId, account.id)),
    );
    return { providers, circuits };
  }

  /** Message counts of the last 24 hours, by direction and status. */
  async metrics(
    tenantId: string,
  ): Promise<{ since: Date; counts: Array<{ direction: string; status: string; count: number }> }> {
    const since = new Date(Date.now() - DAY_MS);
    const rows: { direction: string; status: string; count: string }[] = await this.db.query(
      `SELECT m.direction, m.status, count(*) AS count
       FROM messages m JOIN channel_accounts a ON a.id = m.channel_account_id
       WHERE m.tenant_id = $1 AND a.hub = 'whatsapp' AND m.created_at >= $2
       GROUP BY m.direction, m.status ORDER BY 1, 2`,
      [tenantId, since],
    );
    return { since, counts: rows.map((row) => ({ ...row, count: Number(row.count) })) };
  }

  /**
   * Re-drives failed sends: back to `queued` (error cleared) and onto the queue again, now
   * (the earlier job, kept under the same job id, is replaced). An explicit operator action,
   * so it may undo the otherwise final `failed`. Sends whose outcome is `unknown` are re-sent
   * only when named in `messageIds`: the operator decided to risk a duplicate for each.
   */
  async retryFailed(
    tenantId: string,
    filter: { instanceId?: string; messageIds?: string[]; since?: string },
  ): Promise<{ requeued: number }> {
    const accountId = filter.instanceId
      ? (await this.accounts.get(tenantId, filter.instanceId)).id
      : null;
    const since = filter.since ? new Date(filter.since) : new Date(Date.now() - DAY_MS);
    const [rows]: [{ id: string }[], number] = await this.db.query(
      `UPDATE messages m SET status = 'queued', failed_at = NULL, error_code = NULL, error_title = NULL,
              enqueued_at = NULL, updated_at = now()
       FROM channel_accounts a
       WHERE a.id = m.channel_account_id AND a.hub = 'whatsapp'
         AND m.tenant_id = $1 AND m.direction = 'outbound'
         AND ((m.status = 'failed' AND m.failed_at >= $2) OR (m.status = 'unknown' AND $4::uuid[] IS NOT NULL))
         AND ($3::uuid IS NULL OR m.channel_account_id = $3)
         AND ($4::uuid[] IS NULL OR m.id = ANY($4))
       RETURNING m.id`,
      [tenantId, since, accountId, filter.messageIds ?? null],
    );
    for (const { id } of rows) await this.dispatcher.enqueueAfresh(id);
    return { requeued: rows.length };
  }
}
