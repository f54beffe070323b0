// Preloaded (NODE_OPTIONS=--require) into a profiled src/main.ts; see cpu-profile.ts.
// NestJS's shutdown hook ends by re-raising the signal it caught (process.kill(process.pid,
// signal)), which kills the process before `--cpu-prof` writes its profile, as that happens
// only on a normal exit. A SIGTERM listener of our own outlives Nest's and turns that
// re-raised signal into one.
'use strict';
let terms = 0;
process.on('SIGTERM', () => {
  terms += 1;
  if (terms > 1) process.exit(0);
});
