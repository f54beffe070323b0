import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { DataSource } from 'typeorm';
import { InvalidConfigError, loadConfig } from '@config/load-config';
import { verifyChains } from '@app/audit/verify-chains.command';
import { dataSourceOptions } from '@app/data-source';

/**
 * Re-computes the audit log's hash chains, as GET /api/v2/audit/verify does, from a shell:
 * `npm run audit:verify` checks every chain; `npm run audit:verify -- <tenantId>` one tenant's
 * (`platform` for actions on no tenant). Prints one line per chain; exits 1 when a chain is
 * broken, naming its first broken link, so it can run as a scheduled check.
 */
async function main(chain: string | undefined): Promise<boolean> {
  loadDotenv({ quiet: true });
  const config = loadConfig(process.env);
  const dataSource = new DataSource(dataSourceOptions(config.database));
  await dataSource.initialize();
  try {
    const { ok, lines } = await verifyChains(dataSource, config, chain);
    lines.forEach((line) => process.stdout.write(`${line}\n`));
    return ok;
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv[2])
  .then((ok) => process.exit(ok ? 0 : 1))
  .catch((error: unknown) => {
    const message =
      error instanceof InvalidConfigError || !(error instanceof Error)
        ? String(error)
        : error.message;
    process.stderr.write(`verify-audit failed: ${message}\n`);
    process.exit(1);
  });
