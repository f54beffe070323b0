import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EncryptedColumn, encryptedColumnContext } from '@core/crypto/encrypted-column';
import { SecretBox } from '@core/crypto/secret-box';
import { ChannelAccountsQuery } from '@app/messaging/channel-accounts/channel-accounts.query';
import { EVOLUTION_ACCOUNTS } from './evolution-accounts';

/** evolution_webhook_keys.secret holds SecretBox ciphertext (rotated by rotate-secrets). */
export const EVOLUTION_WEBHOOK_SECRET_COLUMN: EncryptedColumn = {
  table: 'evolution_webhook_keys',
  idColumn: 'account_id',
  column: 'secret',
};

/** The header Evolution sends the account's webhook secret in (set as a webhook header). */
export const EVOLUTION_WEBHOOK_SECRET_HEADER = 'x-omnihub-webhook-secret';

/** What intake compares a delivery's keys with: digests only, nothing to open. */
export interface EvolutionWebhookKeyDigests {
  accountId: string;
  tenantId: string;
  /** The Evolution instance name (the account's external id). */
  instance: string;
  /** Null while the account has no keys yet (created before webhook secrets existed). */
  digests: { secret: Buffer; instanceKey: Buffer | null } | null;
}

export const webhookKeyDigest = (key: string): Buffer => createHash('sha256').update(key).digest();

/**
 * Per-account webhook keys of Evolution accounts: a random secret Evolution sends as a webhook
 * header (sealed, so it can be registered again), and digests of it and of the instance key
 * (the body `apikey` Evolution sends when AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES is on).
 * Digests of random 256-bit and UUID keys need no salt: they cannot be searched for. The
 * accounts themselves are messaging's: read through ChannelAccountsQuery, never joined.
 */
@Injectable()
export class EvolutionWebhookKeys {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly box: SecretBox,
    private readonly accounts: ChannelAccountsQuery,
  ) {}

  /** A new secret for the account (replacing any), not yet registered on Evolution. */
  async issue(tenantId: string, accountId: string, instanceKey: string): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    const sealed = this.box.seal(secret, this.context(accountId));
    await this.db.query(
      `INSERT INTO evolution_webhook_keys
         (account_id, tenant_id, secret, secret_digest, instance_key_digest, registered_at)
       VALUES ($1, $2, $3, $4, $5, NULL)
       ON CONFLICT (account_id) DO UPDATE
         SET secret = EXCLUDED.secret, secret_digest = EXCLUDED.secret_digest,
             instance_key_digest = EXCLUDED.instance_key_digest, registered_at = NULL,
             updated_at = now()`,
      [accountId, tenantId, sealed, webhookKeyDigest(secret), webhookKeyDigest(instanceKey)],
    );
    return secret;
  }

  /** The account's secret, opened for registering it on Evolution; null when it has none. */
  async secretOf(accountId: string): Promise<string | null> {
    const rows: { secret: string }[] = await this.db.query(
      `SELECT secret FROM evolution_webhook_keys WHERE account_id = $1`,
      [accountId],
    );
    return rows.length ? this.box.open(rows[0].secret, this.context(accountId)) : null;
  }

  /** The instance key changed (the instance was created again): its digest follows. */
  async setInstanceKey(accountId: string, instanceKey: string): Promise<void> {
    await this.db.query(
      `UPDATE evolution_webhook_keys SET instance_key_digest = $2, updated_at = now()
        WHERE account_id = $1`,
      [accountId, webhookKeyDigest(instanceKey)],
    );
  }

  async markRegistered(accountId: string): Promise<void> {
    await this.db.query(
      `UPDATE evolution_webhook_keys SET registered_at = now(), updated_at = now()
        WHERE account_id = $1`,
      [accountId],
    );
  }

  /** The Evolution account `accountId` names and its key digests; null when there is none. */
  async digestsFor(accountId: string): Promise<EvolutionWebhookKeyDigests | null> {
    const account = await this.accounts.byId(accountId, EVOLUTION_ACCOUNTS);
    if (!account) return null;
    const rows: { secretDigest: Buffer; instanceKeyDigest: Buffer | null }[] = await this.db.query(
      `SELECT secret_digest AS "secretDigest", instance_key_digest AS "instanceKeyDigest"
         FROM evolution_webhook_keys WHERE account_id = $1`,
      [accountId],
    );
    const digests = rows.length
      ? { secret: rows[0].secretDigest, instanceKey: rows[0].instanceKeyDigest }
      : null;
    return { accountId, tenantId: account.tenantId, instance: account.externalId, digests };
  }

  /** Which of these accounts have a secret Evolution accepted (registered); the rest need one. */
  async registeredAmong(accountIds: readonly string[]): Promise<Set<string>> {
    if (accountIds.length === 0) return new Set();
    const rows: { accountId: string }[] = await this.db.query(
      `SELECT account_id AS "accountId" FROM evolution_webhook_keys
        WHERE account_id = ANY($1::uuid[]) AND registered_at IS NOT NULL`,
      [accountIds],
    );
    return new Set(rows.map((row) => row.accountId));
  }

  private context(accountId: string): string {
    return encryptedColumnContext(EVOLUTION_WEBHOOK_SECRET_COLUMN, accountId);
  }
}
