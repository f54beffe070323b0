import { join } from 'node:path';

/**
 * startServer adds `--cpu-prof` when BENCH_CPU_PROF_DIR is set, but `--cpu-prof` only writes
 * on a normal exit and Nest ends its shutdown by re-raising SIGTERM. Give these variables to an
 * Omnihub server so it exits normally after a graceful stop and its profile is written.
 */
export function cpuProfileEnv(): Record<string, string> {
  if (!process.env.BENCH_CPU_PROF_DIR) return {};
  return { NODE_OPTIONS: `--require ${join(__dirname, 'exit-after-shutdown.js')}` };
}
