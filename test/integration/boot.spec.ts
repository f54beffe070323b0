import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** Runs the real entry point (src/main.ts) in an empty directory, so no .env is picked up. */
function boot(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        require.resolve('ts-node/register'),
        '-r',
        require.resolve('tsconfig-paths/register'),
        join(ROOT, 'src/main.ts'),
      ],
      {
        cwd: mkdtempSync(join(tmpdir(), 'omnihub-boot-')),
        env: {
          PATH: process.env.PATH ?? '',
          TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
          TS_NODE_TRANSPILE_ONLY: 'true',
          TS_NODE_SWC: 'true',
          ...env,
        },
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => done({ code, stderr }));
  });
}

describe('Booting with a bad environment', () => {
  const valid = {
    DATABASE_URL: process.env.DATABASE_URL!,
    REDIS_URL: process.env.REDIS_URL!,
    ADMIN_API_KEY: 'a'.repeat(40),
    SECRETS_KEYS: process.env.SECRETS_KEYS!,
  };

  it('exits non-zero naming the missing variable', async () => {
    const { REDIS_URL: _omitted, ...env } = valid;
    const { code, stderr } = await boot(env);
    expect(code).toBe(1);
    expect(stderr).toContain('REDIS_URL is missing');
    expect(stderr).toContain('.env.example');
  }, 60_000);

  it('exits non-zero naming the invalid variable', async () => {
    const { code, stderr } = await boot({ ...valid, APP_ROLE: 'scheduler' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/APP_ROLE="scheduler" is invalid/);
  }, 60_000);
});
