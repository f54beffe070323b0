/**
 * The metric names and labels a PromQL expression uses, read well enough to check them against
 * a scrape: selectors `name{label="v"}` and bare names, plus `by (...)` / `without (...)` /
 * `on (...)` label lists. Not a PromQL parser: functions and keywords are known by name.
 */
export interface PromqlReferences {
  /** Metric name → labels its selectors match on. */
  selectors: Map<string, Set<string>>;
  /** Labels grouped by (by, without, on, ignoring). */
  grouping: Set<string>;
}

const NOT_METRICS = new Set([
  ...['sum', 'max', 'min', 'avg', 'count', 'rate', 'irate', 'increase', 'delta', 'deriv'],
  ...['histogram_quantile', 'abs', 'clamp_min', 'clamp_max', 'absent', 'topk', 'bottomk'],
  ...['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless'],
  ...['bool', 'offset', 'label_values', 'vector', 'scalar', 'time', 'changes', 'resets'],
  ...['avg_over_time', 'max_over_time', 'min_over_time', 'sum_over_time', 'quantile_over_time'],
]);

export function promqlReferences(expr: string): PromqlReferences {
  const selectors = new Map<string, Set<string>>();
  const grouping = new Set<string>();
  let rest = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const [, , labels] of rest.matchAll(/\b(by|without|on|ignoring)\s*\(([^)]*)\)/g)) {
    for (const label of labels
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean))
      grouping.add(label);
  }
  rest = rest.replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ');
  for (const [, name, labels] of rest.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}/g)) {
    const set = selectors.get(name) ?? new Set<string>();
    for (const [, label] of labels.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)) {
      set.add(label);
    }
    selectors.set(name, set);
  }
  rest = rest.replace(/\{[^}]*\}/g, ' ').replace(/\[[^\]]*\]/g, ' ');
  for (const [name] of rest.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    if (NOT_METRICS.has(name) || name.startsWith('$') || /^(e|inf|nan)$/i.test(name)) continue;
    if (!selectors.has(name)) selectors.set(name, new Set());
  }
  return { selectors, grouping };
}

/** Every `expr:` of a Prometheus rules file (one-line or `|` block), without a YAML parser. */
export function ruleExpressions(yaml: string): string[] {
  const lines = yaml.split('\n');
  const exprs: string[] = [];
  lines.forEach((line, index) => {
    const match = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (!match) return;
    const [, indent, value] = match;
    if (value !== '|' && value !== '>') {
      exprs.push(value.replace(/^'(.*)'$/, '$1'));
      return;
    }
    const block: string[] = [];
    for (const next of lines.slice(index + 1)) {
      if (next.trim() !== '' && next.search(/\S/) <= indent.length) break;
      block.push(next);
    }
    exprs.push(block.join('\n'));
  });
  return exprs;
}
