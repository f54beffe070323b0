import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { DataSource } from 'typeorm';
import { InvalidConfigError, loadConfig } from '@config/load-config';
import { SecretBox } from '@core/crypto/secret-box';
import { ColumnRotation, rotateSecrets } from '@core/crypto/secret-rotator';
import { dataSourceOptions } from '@app/data-source';
import { ENCRYPTED_COLUMNS } from '@app/encrypted-columns';

/**
 * Re-seals every stored secret with the newest key of SECRETS_KEYS. Rotation procedure: put
 * the new key first in SECRETS_KEYS (keep the old ones), roll it out to every instance, run
 * this, then drop the old key. Exits non-zero when a value cannot be opened.
 */
async function main(): Promise<boolean> {
  loadDotenv({ quiet: true });
  const config = loadConfig(process.env);
  const box = SecretBox.fromKeyRing(config.secrets.keyRing);
  if (ENCRYPTED_COLUMNS.length === 0) {
    process.stdout.write('No encrypted columns are registered; nothing to rotate\n');
    return true;
  }
  const dataSource = new DataSource(dataSourceOptions(config.database));
  await dataSource.initialize();
  try {
    const results = await rotateSecrets(dataSource, box, ENCRYPTED_COLUMNS);
    results.forEach((result) => process.stdout.write(`${describe(result)}\n`));
    process.stdout.write(`Current key: ${box.currentKeyId}\n`);
    return results.every((result) => result.unreadable.length === 0);
  } finally {
    await dataSource.destroy();
  }
}

function describe(r: ColumnRotation): string {
  const line =
    `${r.table}.${r.column}: scanned ${r.scanned}, rotated ${r.rotated}, ` +
    `already current ${r.alreadyCurrent}, changed concurrently ${r.changedConcurrently}, ` +
    `unreadable ${r.unreadable.length}`;
  return r.unreadable.length ? `${line} (row ids: ${r.unreadable.join(', ')})` : line;
}

main()
  .then((ok) => process.exit(ok ? 0 : 1))
  .catch((error: unknown) => {
    const message =
      error instanceof InvalidConfigError || !(error instanceof Error)
        ? String(error)
        : error.message;
    process.stderr.write(`rotate-secrets failed: ${message}\n`);
    process.exit(1);
  });
