// Preflight for `npm start` and `npm test`: fail fast with a useful message.
const net = require('node:net');

// Same precedence as the app: real environment first, then .env.
try {
  require('dotenv').config({ quiet: true });
} catch {
  // dotenv is not installed yet: fall back to the environment and the defaults below.
}

const checks = [
  {
    name: 'PostgreSQL',
    url: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    defaultPort: 5432,
    start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  },
  {
    name: 'Redis',
    url: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    defaultPort: 6379,
    start: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
  },
];

function reachable({ url, defaultPort }) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({
      host: hostname,
      port: Number(port) || defaultPort,
      timeout: 2000,
    });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

(async () => {
  let failed = false;
  for (const check of checks) {
    if (await reachable(check)) continue;
    failed = true;
    const { host } = new URL(check.url);
    console.error(`${check.name} is not reachable at ${host}.`);
    console.error(`  Start it with: ${check.start}`);
    console.error(
      `  (or point ${check.name === 'Redis' ? 'REDIS_URL' : 'DATABASE_URL'} at a running server)`,
    );
  }
  process.exit(failed ? 1 : 0);
})();
