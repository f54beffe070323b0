// Runs the malformed-requests scenario on fresh random seeds, 10,000 requests each; run it
// before every submission (CI replays only the fixed seeds of
// test/resilience/support/fuzz-seeds.ts, so a random seed never fails an unrelated change).
//   npm run fuzz                   one seed
//   npm run fuzz -- --seeds 5      five seeds       (or FUZZ_SEEDS=5)
//   npm run fuzz -- --minutes 30   seeds until 30 minutes have passed (or FUZZ_MINUTES=30)
// Each seed is printed as it starts. Stops at the first failing seed and exits non-zero,
// naming it: replay it with RESILIENCE_SEED=<seed>, fix the bug, and add the seed (with what
// it found and its failing case indexes) to fuzz-seeds.ts.
const { spawn } = require('node:child_process');

function option(name) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : process.env[`FUZZ_${name.toUpperCase()}`];
}

const minutes = Number(option('minutes')) || 0;
const seeds = Number(option('seeds')) || (minutes > 0 ? 0 : 1);
if (!(seeds > 0 || minutes > 0)) {
  process.stderr.write('usage: npm run fuzz -- [--seeds N | --minutes M]\n');
  process.exit(2);
}

const env = { ...process.env, FUZZ_SEEDS: String(seeds), FUZZ_MINUTES: String(minutes) };
delete env.RESILIENCE_SEED;
const jest = spawn(
  'npx',
  [
    'jest',
    '--ci',
    '--selectProjects',
    'resilience',
    '--runInBand',
    '--runTestsByPath',
    'test/resilience/malformed-requests.resilience-spec.ts',
  ],
  { env, stdio: ['ignore', 'pipe', 'inherit'] },
);

let lastSeed;
jest.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  for (const match of String(chunk).matchAll(/malformed-requests: seed (\d+)/g)) {
    lastSeed = match[1];
  }
});
jest.on('close', (code) => {
  if (code === 0) {
    process.stdout.write('fuzz: every seed passed\n');
    process.exit(0);
  }
  process.stderr.write(
    lastSeed
      ? `fuzz: seed ${lastSeed} FAILED; replay: RESILIENCE_SEED=${lastSeed} npx jest ` +
          '--selectProjects resilience --runInBand ' +
          '--runTestsByPath test/resilience/malformed-requests.resilience-spec.ts\n'
      : `fuzz: the scenario failed (exit ${code}) before a seed ran\n`,
  );
  process.exit(code || 1);
});
