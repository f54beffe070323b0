// Memory (issue 6, benchmark 4): RSS of an api process and a worker process (src/main.ts,
// APP_ROLE=api and APP_ROLE=worker) sampled from /proc during a mixed soak: Meta webhooks in,
// messages out to the Graph fake, conversation lists and histories read, all at steady rates.
import type { RunningServer } from '@test/support/server-process';
import { startBenchGraph } from '../outbound/bench-graph';
import { connectAccounts, hubEnv, newHubSecrets, startHub } from '../outbound/hub-fixture';
import { prepareBenchEnvironment } from '../support/environment';
import { numberFromEnv, writeResults } from '../support/report';
import { MixedLoad } from './mixed-load';
import { memoryTargets, printMemoryTable, summarise } from './report';
import { MemorySampler, peakRssMb } from './memory-sampler';

export async function runMemoryBenchmark(): Promise<void> {
  const MINUTES = numberFromEnv('BENCH_SOAK_MINUTES', 10);
  const SAMPLE_S = numberFromEnv('BENCH_SOAK_SAMPLE_S', 5);
  const rates = {
    webhooksPerSecond: numberFromEnv('BENCH_SOAK_WEBHOOKS_PER_S', 20),
    sendsPerSecond: numberFromEnv('BENCH_SOAK_SENDS_PER_S', 15),
    readsPerSecond: numberFromEnv('BENCH_SOAK_READS_PER_S', 10),
  };
  const ACCOUNTS = 4;
  const durationS = MINUTES * 60;

  const environment = await prepareBenchEnvironment();
  const graph = await startBenchGraph(ACCOUNTS);
  const secrets = newHubSecrets();
  const servers: RunningServer[] = [];
  try {
    for (const role of ['worker', 'api']) {
      servers.push(
        await startHub(`memory-${role}`, hubEnv(environment, graph, secrets, { APP_ROLE: role })),
      );
    }
    const [worker, api] = servers;
    const accounts = await connectAccounts(api.url, secrets, graph.accounts, {
      accountsPerTenant: 2,
      customersPerAccount: 50,
    });
    let soakSends = 0;
    graph.onArrival(({ text }) => {
      if (text.startsWith('Soak ')) soakSends += 1;
    });

    const sampler = new MemorySampler(
      {
        api: { pid: api.pid, url: api.url, metricsToken: secrets.metricsToken },
        worker: { pid: worker.pid, url: worker.url, metricsToken: secrets.metricsToken },
      },
      SAMPLE_S,
    );
    const load = new MixedLoad(api.url, accounts, graph, secrets.appSecret, rates);
    console.log(
      `soak ${MINUTES} min: ${rates.webhooksPerSecond} webhooks/s, ${rates.sendsPerSecond} sends/s, ` +
        `${rates.readsPerSecond} reads/s; RSS every ${SAMPLE_S} s`,
    );
    await sampler.start();
    load.start();
    for (let elapsed = 0; elapsed < durationS; elapsed += 60) {
      await new Promise((done) => setTimeout(done, Math.min(60, durationS - elapsed) * 1000));
      const last = sampler.samples.at(-1)!;
      console.log(
        `  ${Math.round(last.atS)} s: RSS api ${last.rssMb.api} MB, worker ${last.rssMb.worker} MB; ` +
          `heap used api ${last.heapUsedMb.api} MB, worker ${last.heapUsedMb.worker} MB`,
      );
    }
    await load.stop();
    await sampler.stop();
    const peaks = { api: peakRssMb(api.pid), worker: peakRssMb(worker.pid) };

    const accepted = load.streams[1].stats.statuses['202'] ?? 0;
    const deadline = Date.now() + 30_000;
    while (soakSends < accepted && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 250));
    }

    const processes = summarise(sampler.samples, durationS, peaks);
    const met = memoryTargets(processes, durationS);
    const streams = load.streams.map((stream) => stream.stats);
    const file = writeResults('memory', {
      config: { minutes: MINUTES, sampleS: SAMPLE_S, ...rates, accounts: ACCOUNTS },
      processes,
      streams,
      sends: { accepted, receivedByFake: soakSends, unsent: Math.max(0, accepted - soakSends) },
      samples: sampler.samples,
      targets: met,
    });
    printMemoryTable(processes, streams, met);
    console.log(`sends: ${accepted} accepted, ${soakSends} received by the Graph fake`);
    console.log(`Results: ${file}`);
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await graph.close();
    await environment.dispose();
  }
}
