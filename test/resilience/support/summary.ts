/**
 * Prints a scenario's one summary line (issue 6: "the suite prints one summary line per
 * scenario with its counts"). Written to stdout directly, not through console, so Jest shows it
 * as is, without a stack location, and it is greppable in CI logs: `grep '^RESILIENCE'`.
 */
export function printScenarioSummary(
  scenario: string,
  counts: Record<string, number | string | boolean>,
): void {
  const figures = Object.entries(counts)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  process.stdout.write(`RESILIENCE ${scenario}: ${figures}\n`);
}
