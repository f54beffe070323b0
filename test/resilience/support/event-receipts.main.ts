// Omnihub as src/main.ts starts it, plus the resilience suite's event subscriber: the test's
// own entry point, so the subscriber is test code that production never loads.
import 'reflect-metadata';
import { loadConfig } from '@config/load-config';
import { createApp } from '@app/app.factory';
import { EventReceiptsModule } from './event-receipts';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApp(config, [EventReceiptsModule]);
  await app.listen(config.http.port, config.http.host);
}

main().catch((error: unknown) => {
  process.stderr.write(`event-receipts worker failed to start: ${String(error)}\n`);
  process.exit(1);
});
