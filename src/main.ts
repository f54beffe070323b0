import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { config as loadDotenv } from 'dotenv';
import { InvalidConfigError, loadConfig } from '@config/load-config';
import { createApp } from './app.factory';

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const config = loadConfig(process.env);
  const app = await createApp(config);

  // Last resort if shutdown hangs (a stuck connection, a job ignoring its deadline).
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () =>
      setTimeout(() => process.exit(1), config.shutdownTimeoutMs + 5_000).unref(),
    );
  }

  await app.listen(config.http.port, config.http.host);
  const base = config.http.publicBaseUrl;
  new Logger('Omnihub').log(
    `role=${config.role} listening on ${config.http.host}:${config.http.port} | ` +
      `API ${base}/api/v2 | Swagger UI ${base}/api/docs | metrics ${base}/metrics | ` +
      `health ${base}/health/ready`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof InvalidConfigError) {
    process.stderr.write(`${error.message}\nEvery variable is documented in .env.example.\n`);
  } else {
    process.stderr.write(
      `Omnihub failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  process.exit(1);
});
