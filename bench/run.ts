// `npm run bench [-- <name>...]`: runs the named benchmarks of issue 6 (all when none is named),
// one after another so they never compete for the same cores. Each writes its JSON under
// bench/results/ and prints a table with the targets it meets and misses.
import 'reflect-metadata';
import { runBitrixBenchmark } from './bitrix/bitrix.bench';
import { runCallStatsBenchmark } from './call-stats/call-stats.bench';
import { runHistoryBenchmark } from './history/history.bench';
import { runInboundBenchmark } from './inbound/inbound.bench';
import { runIntakeBenchmark } from './intake/intake.bench';
import { runMemoryBenchmark } from './memory/memory.bench';
import { runOutboundBenchmark } from './outbound/outbound.bench';
import { runRetentionBenchmark } from './retention/retention.bench';
import { runCalendarBenchmark } from './calendar/calendar.bench';
import { runSseBenchmark } from './sse/sse.bench';
import { runWebhooksBenchmark } from './webhooks/webhooks.bench';

const BENCHMARKS: Record<string, () => Promise<void>> = {
  intake: runIntakeBenchmark,
  inbound: runInboundBenchmark,
  outbound: runOutboundBenchmark,
  memory: runMemoryBenchmark,
  history: runHistoryBenchmark,
  sse: runSseBenchmark,
  webhooks: runWebhooksBenchmark,
  calendar: runCalendarBenchmark,
  'call-stats': runCallStatsBenchmark,
  bitrix: runBitrixBenchmark,
  retention: runRetentionBenchmark,
};

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !(name in BENCHMARKS));
  if (unknown.length) {
    throw new Error(
      `Unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}`,
    );
  }
  for (const name of names.length ? names : Object.keys(BENCHMARKS)) {
    console.log(`== bench ${name}`);
    await BENCHMARKS[name]();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
