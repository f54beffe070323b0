import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@config/app-config';
import { REDIS } from '@core/redis/redis.module';

export interface EvolutionQrCode {
  base64?: string;
  code?: string;
  pairingCode?: string;
  /** When Evolution produced it (the webhook's date_time, else when we received it). */
  receivedAt: string;
}

/** WhatsApp rotates the pairing QR roughly every 20-60 s; an older one cannot be scanned. */
export const EVOLUTION_QR_TTL_SECONDS = 120;

/**
 * The latest QR / pairing code of each Evolution instance, shared by every pod through Redis,
 * from the QRCODE_UPDATED webhook until the instance connects (or the code goes stale).
 */
@Injectable()
export class EvolutionQrStore {
  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async save(accountId: string, qr: EvolutionQrCode): Promise<void> {
    await this.redis.set(this.key(accountId), JSON.stringify(qr), 'EX', EVOLUTION_QR_TTL_SECONDS);
  }

  async latest(accountId: string): Promise<EvolutionQrCode | null> {
    const stored = await this.redis.get(this.key(accountId));
    return stored ? (JSON.parse(stored) as EvolutionQrCode) : null;
  }

  /** True when `qr` is not the code already kept (Evolution may post the same QR again). */
  async isNew(accountId: string, qr: Omit<EvolutionQrCode, 'receivedAt'>): Promise<boolean> {
    const kept = await this.latest(accountId);
    return (
      kept?.base64 !== qr.base64 || kept?.code !== qr.code || kept?.pairingCode !== qr.pairingCode
    );
  }

  async clear(accountId: string): Promise<void> {
    await this.redis.del(this.key(accountId));
  }

  private key(accountId: string): string {
    return `${this.config.redis.prefix}:evolution:qr:${accountId}`;
  }
}
