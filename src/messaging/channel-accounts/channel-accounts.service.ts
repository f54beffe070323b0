import { AppConfig } from '@config/app-config';
import { AnnouncedReuse } from '@core/caching/announced-reuse';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import type { Page } from '@core/api/pagination';
import { pageById } from '@core/database/page-by-id';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import { ChannelRegistry } from '@core/channel/channel.registry';
import type { RawCredentials } from '@core/channel/channel-credentials';
import type { HubName } from '@core/channel/hub-name';
import { encryptedColumnContext } from '@core/crypto/encrypted-column';
import { SecretBox } from '@core/crypto/secret-box';
import { RedisBroadcasts } from '@core/redis/redis-broadcasts';
import { newId } from '@core/database/ids';
import { isUniqueViolation } from '@core/database/pg-errors';
import { ConflictError, NotFoundError, ValidationFailedError } from '@core/errors/domain-error';
import { ChannelAccountEntity, ChannelAccountStatus } from '../entities/channel-account.entity';
import { accountStatusEvents } from '../events/record-events.sql';
import { ChannelAccountDto, effectiveStatus } from './channel-account.view';
import { CHANNEL_ACCOUNT_CREDENTIALS } from './credentials-column';
import { isUUID } from 'class-validator';

/** The `status` of an account.status_changed that announces a new pairing QR code. */
export const QR_UPDATED = 'qr_updated';
const QR_UPDATED_SQL = `'${QR_UPDATED}'::text`;

export interface NewChannelAccount {
  hub: HubName;
  provider: string;
  name: string;
  externalId: string;
  credentials: Readonly<Record<string, unknown>>;
  /** The token the platform's webhook handshake presents for this account; stored hashed. */
  webhookVerifyToken?: string;
}

/** The columns of an account that make its ref (toRef). */
type StoredAccountColumns = Pick<
  ChannelAccountEntity,
  'id' | 'tenantId' | 'hub' | 'provider' | 'externalId' | 'credentials' | 'status' | 'disabledAt'
>;

/** The accounts of a hub: of one provider, or of any when `provider` is absent. */
export interface AccountScope {
  readonly hub: HubName;
  readonly provider?: string;
}

/**
 * An account found for webhook authentication, its credentials opened only when asked for.
 * They come back as stored, not read by the provider's `credentials.parse`: the caller needs
 * one webhook secret field, and an answer to a forged or stray delivery must not depend on
 * whether the account's provider is loaded here or its other fields are complete.
 */
export interface SealedChannelAccount {
  readonly id: string;
  readonly externalId: string;
  openCredentials(): RawCredentials;
}

/** Accounts kept for reuse at most; past it the reuse starts over (a burst needs a few). */
const MAX_REUSED_ACCOUNTS = 10_000;
/** Announced to every instance after a change to accounts, which drop what they reuse. */
const CHANGED_TOPIC = 'channel-accounts.changed';

/**
 * Channel accounts and their credentials. Credentials are sealed on the way in and opened
 * only into a ChannelAccountRef handed to a provider for one call, read into that provider's
 * own type by its `credentials.parse`; they never leave here in any other form.
 */
@Injectable()
export class ChannelAccountsService {
  /**
   * Accounts read for accepting sends (getForSend) or ingesting (openForIngest), and opened
   * credentials (read), reused briefly.
   */
  private readonly reused: AnnouncedReuse<unknown>;

  constructor(
    @InjectRepository(ChannelAccountEntity)
    private readonly accounts: Repository<ChannelAccountEntity>,
    private readonly box: SecretBox,
    private readonly registry: ChannelRegistry,
    broadcasts: RedisBroadcasts,
    config: AppConfig,
  ) {
    this.reused = new AnnouncedReuse(
      broadcasts,
      CHANGED_TOPIC,
      config.outbound.accountCacheMs,
      MAX_REUSED_ACCOUNTS,
    );
  }

  /**
   * Stores an account as given. A tenant's connect goes through ChannelAccountConnector, which
   * has the provider prove the claim first; this is the storage step behind it.
   */
  async create(tenantId: string, input: NewChannelAccount): Promise<ChannelAccountDto> {
    const id = newId();
    const { webhookVerifyToken, ...account } = input;
    const sealed = this.box.sealJson(
      input.credentials,
      encryptedColumnContext(CHANNEL_ACCOUNT_CREDENTIALS, id),
    );
    try {
      const saved = await this.accounts.save(
        this.accounts.create({
          id,
          tenantId,
          ...account,
          credentials: sealed,
          webhookVerifyTokenSha256: webhookVerifyToken ? sha256(webhookVerifyToken) : null,
          status: 'active',
        }),
      );
      return ChannelAccountDto.from(saved);
    } catch (error) {
      if (isUniqueViolation(error, 'channel_accounts_tenant_name_key')) {
        throw new ConflictError(
          'CHANNEL_ACCOUNT.NAME_TAKEN',
          `A channel account named "${input.name}" already exists`,
        );
      }
      if (isUniqueViolation(error, 'channel_accounts_external_key')) {
        throw new ConflictError(
          'CHANNEL_ACCOUNT.ALREADY_CONNECTED',
          `This ${input.hub} account (${input.provider}) is already connected to Omnihub`,
        );
      }
      throw error;
    }
  }

  async replaceCredentials(
    tenantId: string,
    idOrName: string,
    credentials: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    const account = await this.find(tenantId, idOrName);
    const sealed = this.box.sealJson(
      credentials,
      encryptedColumnContext(CHANNEL_ACCOUNT_CREDENTIALS, account.id),
    );
    await this.accounts.update({ id: account.id, tenantId }, { credentials: sealed });
    await this.changed();
    // New credentials are a fresh start: an account that needed re-auth is active again.
    await this.setStatus(account.id, 'active');
  }

  async list(
    tenantId: string,
    limit: number,
    cursor?: string,
    hub?: HubName,
  ): Promise<Page<ChannelAccountDto>> {
    return pageById(
      this.accounts,
      { tenantId, deletedAt: IsNull(), ...(hub ? { hub } : {}) },
      { limit, cursor },
      (row) => ChannelAccountDto.from(row),
    );
  }

  /** By our id or by the tenant-chosen name (the frontend's "instanceId"). */
  async get(tenantId: string, idOrName: string): Promise<ChannelAccountDto> {
    return ChannelAccountDto.from(await this.find(tenantId, idOrName));
  }

  /**
   * `get` for accepting a send: a burst of sends on one account reads it once per
   * CHANNEL_ACCOUNT_CACHE_MS rather than once per send (a PostgreSQL round trip and commit
   * each). Every change to accounts drops what every instance kept (`changed`), so a PATCH,
   * switch-off, delete or new credentials is seen by the next send at once (within the cache
   * time when the announcement is lost); the worker reads the account afresh with every queued
   * send all the same, failing those of an account switched off or deleted.
   */
  getForSend(tenantId: string, idOrName: string): Promise<ChannelAccountDto> {
    return this.reuse(`send\u0000${tenantId}\u0000${idOrName}`, () => this.get(tenantId, idOrName));
  }

  /**
   * `openByExternalId` for ingesting a platform's delivery: a burst of webhooks for one number
   * reads and opens its account once per CHANNEL_ACCOUNT_CACHE_MS rather than once per
   * delivery, with getForSend's rule (a change is seen at once, within the cache time when its
   * announcement is lost). Not for webhook authentication.
   */
  openForIngest(
    hub: HubName,
    provider: string,
    externalId: string,
  ): Promise<(ChannelAccountRef & { status: ChannelAccountStatus }) | null> {
    return this.reuse(`ingest\u0000${hub}\u0000${provider}\u0000${externalId}`, () =>
      this.openByExternalId(hub, provider, externalId),
    );
  }

  private reuse<T>(key: string, read: () => Promise<T>): Promise<T> {
    return this.reused.get(key, read) as Promise<T>;
  }

  /**
   * After a committed change to accounts: every instance drops what getForSend and
   * openForIngest kept (AnnouncedReuse).
   */
  changed(): Promise<void> {
    return this.reused.changed();
  }

  /**
   * Moves the account to `status`; a real change records `account.status_changed` in the same
   * statement (a repeated status, such as a health check confirming `active`, records nothing).
   * While the tenant has the account switched off (or deleted) the status it shows stays
   * `disabled`, so the platform's changes underneath record nothing either.
   */
  async setStatus(accountId: string, status: ChannelAccountStatus): Promise<void> {
    const changed: unknown[] = await this.accounts.query(
      `WITH prev AS (SELECT id AS locked_id, status AS was FROM channel_accounts WHERE id = $1 FOR UPDATE),
       changed AS (
         UPDATE channel_accounts SET status = $2, updated_at = now()
           FROM prev WHERE id = prev.locked_id AND prev.was <> $2
         RETURNING id, tenant_id, status, disabled_at, deleted_at),
       event AS (${accountStatusEvents('changed', 'disabled_at IS NULL AND deleted_at IS NULL')})
       SELECT 1 FROM changed`,
      [accountId, status],
    );
    // A confirmed status (a health check's) changes nothing kept anywhere.
    if (changed.length) await this.changed();
  }

  /**
   * Records `account.status_changed` with status `qr_updated`: a new pairing QR code waits for
   * the account (an Evolution instance). The account's own status does not move, so this is an
   * event only, on the account's stream among its real status changes; nothing is recorded
   * while the tenant has the account switched off or deleted. The QR itself stays out of the
   * event (see EvolutionInboundHandler): readers fetch it through the API.
   */
  async recordQrUpdated(accountId: string): Promise<void> {
    await this.accounts.query(
      `WITH account AS (
         SELECT id, tenant_id, ${QR_UPDATED_SQL} AS status FROM channel_accounts
          WHERE id = $1 AND disabled_at IS NULL AND deleted_at IS NULL),
       event AS (${accountStatusEvents('account')})
       SELECT 1`,
      [accountId],
    );
  }

  /** The account with opened credentials, for one provider call on behalf of its tenant. */
  async open<T = Readonly<Record<string, unknown>>>(
    tenantId: string,
    idOrName: string,
  ): Promise<ChannelAccountRef<T> & { status: ChannelAccountStatus }> {
    const account = await this.find(tenantId, idOrName, true);
    return this.toRef<T>(account);
  }

  /**
   * The account for a queued send, whatever became of it since the send was accepted: null
   * when the tenant deleted it, so the sender can fail the send rather than the job.
   */
  async openIfLive<T = Readonly<Record<string, unknown>>>(
    tenantId: string,
    accountId: string,
  ): Promise<(ChannelAccountRef<T> & { status: ChannelAccountStatus }) | null> {
    try {
      return await this.open<T>(tenantId, accountId);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /**
   * A ref for an account row read along with something else (a queued send and its account
   * in one query): credentials opened on first use, as `open` does.
   */
  refOf<T = Readonly<Record<string, unknown>>>(
    account: StoredAccountColumns,
  ): ChannelAccountRef<T> & { status: ChannelAccountStatus } {
    return this.toRef<T>(account);
  }

  /** The account's fallback account, opened, when it has one that is active (and enabled). */
  async fallbackOf<T = Readonly<Record<string, unknown>>>(
    account: Pick<ChannelAccountRef, 'id' | 'tenantId'>,
  ): Promise<(ChannelAccountRef<T> & { status: ChannelAccountStatus }) | null> {
    const row = await this.accounts.findOne({
      where: { id: account.id, tenantId: account.tenantId },
      select: { id: true, fallbackAccountId: true },
    });
    if (!row?.fallbackAccountId) return null;
    const fallback = await this.openIfLive<T>(account.tenantId, row.fallbackAccountId);
    return fallback?.status === 'active' ? fallback : null;
  }

  /** Names (or clears, with null) the account that takes this one's sends when its provider fails. */
  async setFallback(
    tenantId: string,
    idOrName: string,
    fallbackIdOrName: string | null,
  ): Promise<ChannelAccountDto> {
    const account = await this.find(tenantId, idOrName);
    let fallbackId: string | null = null;
    if (fallbackIdOrName !== null) {
      const fallback = await this.find(tenantId, fallbackIdOrName);
      if (fallback.id === account.id || fallback.hub !== account.hub) {
        throw new ValidationFailedError([
          {
            field: 'fallbackAccountId',
            message: 'the fallback must be another account of the same hub',
          },
        ]);
      }
      fallbackId = fallback.id;
    }
    await this.accounts.update({ id: account.id, tenantId }, { fallbackAccountId: fallbackId });
    await this.changed();
    return ChannelAccountDto.from({ ...account, fallbackAccountId: fallbackId });
  }

  /** Webhook routing: the account a platform id belongs to, whatever its tenant. */
  async openByExternalId<T = Readonly<Record<string, unknown>>>(
    hub: HubName,
    provider: string,
    externalId: string,
  ): Promise<(ChannelAccountRef<T> & { status: ChannelAccountStatus }) | null> {
    // Webhook payloads reach here unvalidated; PostgreSQL refuses U+0000 in a query (500)
    // and can never have stored it in an id.
    if (externalId.includes('\u0000')) return null;
    const account = await this.accounts
      .createQueryBuilder('account')
      .addSelect('account.credentials')
      .where(
        'account.hub = :hub AND account.provider = :provider AND account.external_id = :externalId' +
          ' AND account.deleted_at IS NULL',
        {
          hub,
          provider,
          externalId,
        },
      )
      .getOne();
    return account ? this.toRef<T>(account) : null;
  }

  /**
   * Webhook authentication: the accounts these platform ids belong to, whatever their tenant,
   * in one query. Credentials stay sealed until `openCredentials()`, so a caller that refuses
   * a forged delivery early decrypts at most what it needed.
   */
  async sealedByExternalIds(
    scope: AccountScope,
    externalIds: readonly string[],
  ): Promise<SealedChannelAccount[]> {
    // Webhook payloads reach here unvalidated; PostgreSQL refuses U+0000 in a query (500)
    // and can never have stored it in an id.
    const ids = externalIds.filter((id) => !id.includes('\u0000'));
    if (ids.length === 0) return [];
    const rows: { id: string; external_id: string; credentials: string }[] =
      await this.accounts.query(
        `SELECT id, external_id, credentials FROM channel_accounts
          WHERE hub = $1 AND ($2::text IS NULL OR provider = $2)
            AND external_id = ANY($3::text[]) AND deleted_at IS NULL`,
        [scope.hub, scope.provider ?? null, ids],
      );
    return rows.map((row) => ({
      id: row.id,
      externalId: row.external_id,
      openCredentials: () => this.openRaw(row.id, row.credentials),
    }));
  }

  /**
   * True when some account in one of `scopes` was connected with `token` as its webhook verify
   * token. Looked up by its SHA-256, so the lookup's timing reveals nothing usable about a
   * stored token (as with API keys).
   */
  async hasWebhookVerifyToken(scopes: readonly AccountScope[], token: string): Promise<boolean> {
    if (token === '') return false;
    const rows: { hub: string; provider: string }[] = await this.accounts.query(
      `SELECT DISTINCT hub, provider FROM channel_accounts
        WHERE webhook_verify_token_sha256 = $1 AND deleted_at IS NULL`,
      [sha256(token)],
    );
    return rows.some((row) =>
      scopes.some(
        (scope) => scope.hub === row.hub && (!scope.provider || scope.provider === row.provider),
      ),
    );
  }

  private async find(
    tenantId: string,
    idOrName: string,
    withCredentials = false,
  ): Promise<ChannelAccountEntity> {
    const query = this.accounts
      .createQueryBuilder('account')
      .where('account.tenant_id = :tenantId AND account.deleted_at IS NULL', { tenantId })
      .andWhere(
        isUUID(idOrName)
          ? '(account.id = CAST(:id AS uuid) OR account.name = :name)'
          : 'account.name = :name',
        { id: idOrName, name: idOrName },
      );
    if (withCredentials) query.addSelect('account.credentials');
    const account = await query.getOne();
    if (!account) throw new NotFoundError('Channel account');
    return account;
  }

  /**
   * The ref's credentials are read on first use, inside the provider's call: an account whose
   * stored credentials no longer read then fails that call the way a refused token does
   * (permanent, flagged for re-authorisation), not before it where nothing would record it.
   */
  private toRef<T>(
    account: StoredAccountColumns,
  ): ChannelAccountRef<T> & { status: ChannelAccountStatus } {
    const ref = {
      id: account.id,
      tenantId: account.tenantId,
      hub: account.hub,
      provider: account.provider,
      externalId: account.externalId,
      status: effectiveStatus(account),
    };
    let credentials: T | undefined;
    return Object.defineProperty(ref, 'credentials', {
      enumerable: true,
      get: () => (credentials ??= this.read<T>(ref, account.credentials)),
    }) as ChannelAccountRef<T> & { status: ChannelAccountStatus };
  }

  /**
   * Opens sealed credentials and has the account's provider read them into its own type. The
   * worker opens an account with every send; what it opened is reused, keyed by the sealed
   * text itself, so new credentials (new text) are never answered with old ones. Send bench:
   * opening and parsing them once per send were 2-3 % of the worker's profile.
   */
  private read<T>(account: Pick<ChannelAccountRef, 'id' | 'hub' | 'provider'>, sealed: string): T {
    const key = `opened\u0000${account.id}\u0000${account.hub}\u0000${account.provider}\u0000${sealed}`;
    return this.reused.getNow(key, () =>
      this.registry
        .resolve(account.hub, account.provider)
        .credentials.parse(this.openRaw(account.id, sealed), account),
    ) as T;
  }

  private openRaw(accountId: string, sealed: string): RawCredentials {
    return this.box.openJson<RawCredentials>(
      sealed,
      encryptedColumnContext(CHANNEL_ACCOUNT_CREDENTIALS, accountId),
    );
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
