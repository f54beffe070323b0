import { join } from 'node:path';

/**
 * startServer adds `--cpu-prof` when BENCH_CPU_PROF_DIR is set, but `--cpu-prof` only writes
 * on a normal exit and Nest ends its shutdown by re-raising SIGTERM. Give these variables to an
 * Omnihub server so it exits normally after a graceful stop and its profile is written.
 * `nodeOptions` are the server's own (API_NODE_OPTIONS), kept either way.
 */
export function cpuProfileEnv(nodeOptions?: string): Record<string, string> {
  const options = [nodeOptions];
  if (process.env.BENCH_CPU_PROF_DIR) {
    options.push(`--require ${join(__dirname, 'exit-after-shutdown.js')}`);
  }
  const joined = options.filter(Boolean).join(' ');
  return joined ? { NODE_OPTIONS: joined } : {};
}
