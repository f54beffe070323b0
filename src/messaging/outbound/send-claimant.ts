import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * This process as the claimant of the sends it makes: the `claimed_by` written with each claim
 * (host, pid and a random tag, since pids repeat across restarts and containers) and how long
 * a claim stays live (its lease). A claim outlives any provider call, so a run that finds a
 * live one knows the send is in flight elsewhere; one that finds it lapsed knows its worker
 * stopped mid-send.
 */
@Injectable()
export class SendClaimant {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  readonly leaseMs: number;

  constructor(config: AppConfig) {
    this.leaseMs = config.outbound.claimLeaseMs;
  }
}
