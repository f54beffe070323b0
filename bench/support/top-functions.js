// Summarises a V8 .cpuprofile: the functions with the most self time, and the share of time
// spent under each top-level package (node_modules/<name>) or in the project's own code.
// Usage: node bench/support/top-functions.js <file.cpuprofile> [count]
'use strict';
const { readFileSync } = require('node:fs');

const [file, countArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/support/top-functions.js <file.cpuprofile> [count]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const hits = new Map();
for (const sample of profile.samples) hits.set(sample, (hits.get(sample) ?? 0) + 1);
const total = profile.samples.length;

const selfByFunction = new Map();
const selfByOwner = new Map();
for (const [id, count] of hits) {
  const { callFrame } = byId.get(id);
  const where = callFrame.url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '');
  const key = `${callFrame.functionName || '(anonymous)'}  ${where}:${callFrame.lineNumber + 1}`;
  selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + count);
  const owner = ownerOf(where, callFrame.functionName);
  selfByOwner.set(owner, (selfByOwner.get(owner) ?? 0) + count);
}

function ownerOf(where, functionName) {
  const match = where.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (match) return match[1];
  if (where.startsWith('node:') || where === '')
    return functionName.startsWith('(') ? functionName : 'node internals';
  return 'project';
}

const pct = (count) => `${((count / total) * 100).toFixed(1)}%`.padStart(6);
const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
console.log(`${total} samples`);
console.log('\nself time by owner');
for (const [owner, count] of top(selfByOwner, 20)) console.log(`${pct(count)}  ${owner}`);
console.log('\nself time by function');
for (const [key, count] of top(selfByFunction, Number(countArg ?? 30)))
  console.log(`${pct(count)}  ${key}`);
