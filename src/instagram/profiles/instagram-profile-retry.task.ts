import { Injectable } from '@nestjs/common';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { InstagramProfileLookupsRepository } from './instagram-profile-lookups.repository';
import { InstagramProfileEnricher } from './instagram-profile.enricher';

const BATCH = 50;

/** Tries failed Instagram profile lookups again once their backoff has passed. */
@Injectable()
@MaintenanceTask()
export class InstagramProfileRetryTask implements PeriodicTask {
  readonly name = 'instagram.profile-retry';
  readonly everyMs = 60_000;

  constructor(
    private readonly lookups: InstagramProfileLookupsRepository,
    private readonly enricher: InstagramProfileEnricher,
  ) {}

  async run(): Promise<{ enriched: number; failed: number }> {
    const report = { enriched: 0, failed: 0 };
    for (const lookup of await this.lookups.due(BATCH)) {
      const outcome = await this.enricher.enrich(lookup);
      if (outcome === 'failed') report.failed += 1;
      else if (outcome !== 'skipped') report.enriched += 1;
    }
    return report;
  }
}
