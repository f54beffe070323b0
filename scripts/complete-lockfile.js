// The npm registry reachable from our build machines serves only some platform builds of
// native packages, so `npm install` leaves the other platforms' optional packages
// (@swc/core-darwin-arm64, @msgpackr-extract/...-win32-x64, ...) out of package-lock.json,
// and `npm ci` then refuses the lock as out of sync. This adds each missing optional package
// as an optional, platform-tagged entry — exactly what npm writes on a machine that can see
// them — so `npm ci` accepts the lock and skips them as foreign to this platform.
// Run after every `npm install` that changes dependencies: `node scripts/complete-lockfile.js`;
// `npm test` runs it with --check and stops when the lock needs it.
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openbsd', 'sunos', 'aix', 'netbsd'];
const CPU = ['x64', 'arm64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = OS.find((o) => parts.includes(o));
  const cpu = CPU.find(
    (c) => parts.includes(c) || parts.some((p) => p.startsWith(c) && c === 'arm'),
  );
  return { ...(os ? { os: [os] } : {}), ...(cpu ? { cpu: [cpu] } : {}) };
}

let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${location}/node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (lock.packages[nested] || lock.packages[hoisted]) continue;
    const platform = platformOf(name);
    if (!platform.os && !platform.cpu) continue; // not a platform build: leave it to npm
    lock.packages[hoisted] = { version: range.replace(/^[\^~=]/, ''), optional: true, ...platform };
    added += 1;
  }
}

if (process.argv.includes('--check')) {
  if (added) {
    console.error(
      `package-lock.json lacks ${added} optional platform entries: run node scripts/complete-lockfile.js`,
    );
    process.exit(1);
  }
  process.exit(0);
}

lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) =>
    a === '' ? -1 : b === '' ? 1 : a.localeCompare(b),
  ),
);
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(
  added
    ? `package-lock.json: added ${added} optional platform entries`
    : 'package-lock.json: complete',
);
