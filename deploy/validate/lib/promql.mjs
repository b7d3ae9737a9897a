// Finds the metric names and label matchers a PromQL expression uses, without a full parser:
// strings, ranges and grouping clauses are blanked out, and the identifiers left that are not
// keywords or function calls are metric names. Good for the expressions in our dashboard,
// alert rules and autoscaler query; an identifier it cannot place is reported as a metric name,
// so a mistake shows up as an unknown metric rather than slipping through.

const KEYWORDS = new Set([
  'and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right',
  'bool', 'offset', 'inf', 'nan',
  // Aggregations, which may be followed by a by/without clause instead of '('.
  'sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar', 'topk', 'bottomk',
  'quantile', 'count_values',
]);

// Grafana's built-in variables, replaced by plain values so promtool can parse the expression.
const GRAFANA_VARIABLES = {
  __rate_interval: '5m',
  __interval: '1m',
  __range: '1h',
};

// Returns `expr` with Grafana's $__rate_interval, $__interval and $__range replaced by
// durations; throws on any other variable (the dashboard uses only these).
export function substituteGrafanaVariables(expr) {
  return expr.replace(/\$\{?(\w+)\}?/g, (match, name) => {
    if (!(name in GRAFANA_VARIABLES)) {
      throw new Error(`unsupported Grafana variable ${match} in: ${expr}`);
    }
    return GRAFANA_VARIABLES[name];
  });
}

// Returns what `expr` uses: {names: [metric names], matchers: [{metric, label, op, value}],
// groupingLabels: [labels in by, without, on and ignoring clauses]}.
export function analyzePromQL(expr) {
  let text = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, (s) =>
    s.replace(/[^"'`]/g, 'x'));
  // Label matchers, read before they are blanked out: name{label op "value", ...}.
  const matchers = [];
  const selector = /([A-Za-z_:][\w:]*)?\s*\{([^}]*)\}/g;
  for (const m of expr.matchAll(selector)) {
    const metric = m[1] && !KEYWORDS.has(m[1]) ? m[1] : null;
    for (const part of m[2].matchAll(/([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
      matchers.push({ metric, label: part[1], op: part[2], value: part[3] });
    }
  }
  const groupingLabels = [];
  for (const m of text.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)) {
    groupingLabels.push(...m[1].split(',').map((l) => l.trim()).filter(Boolean));
  }
  text = text
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' $1 ')
    .replace(/(^|[^\w:])\d[\w.]*/g, '$1 ');
  const names = [];
  for (const m of text.matchAll(/[A-Za-z_:][\w:]*/g)) {
    const word = m[0];
    const rest = text.slice(m.index + word.length);
    if (KEYWORDS.has(word.toLowerCase())) continue;
    if (/^\s*\(/.test(rest)) continue; // a function or an aggregation
    if (/^x+$/.test(word)) continue; // a blanked-out string
    names.push(word);
  }
  return { names: [...new Set(names)], matchers, groupingLabels: [...new Set(groupingLabels)] };
}

// Labels Prometheus itself attaches to every scraped series (deploy/prometheus/*.yml).
export const TARGET_LABELS = new Set(['instance', 'job', 'namespace', 'pod', 'node']);

// Checks one expression against the documented metrics (see metrics-doc.mjs); returns a list
// of problems, each naming the metric or label and the expression.
export function checkExpression(expr, documented) {
  const problems = [];
  const { names, matchers, groupingLabels } = analyzePromQL(expr);
  const labelsInUse = new Set(TARGET_LABELS);
  for (const name of names) {
    const doc = resolveMetric(name, documented);
    if (!doc) {
      problems.push(`metric ${name} is not in docs/metrics.md (in: ${expr})`);
      continue;
    }
    Object.keys(doc.labels).forEach((label) => labelsInUse.add(label));
    if (name.endsWith('_bucket')) labelsInUse.add('le');
  }
  for (const label of groupingLabels) {
    if (!labelsInUse.has(label)) {
      problems.push(`grouping label ${label} belongs to none of the metrics (in: ${expr})`);
    }
  }
  for (const { metric, label, op, value } of matchers) {
    const doc = metric && resolveMetric(metric, documented);
    if (!doc) continue;
    const known = new Set([...Object.keys(doc.labels), ...TARGET_LABELS]);
    if (doc.type === 'histogram' && metric.endsWith('_bucket')) known.add('le');
    if (!known.has(label)) {
      problems.push(`label ${label} is not a label of ${doc.name} in docs/metrics.md (in: ${expr})`);
    } else if ((op === '=' || op === '!=') && doc.labels[label]?.length &&
               !doc.labels[label].includes(value)) {
      problems.push(`${doc.name} has no ${label}="${value}"; docs/metrics.md lists ` +
                    `${doc.labels[label].join(', ')} (in: ${expr})`);
    }
  }
  return problems;
}

// The documented metric `name` stands for: itself, or the histogram behind a _bucket, _sum or
// _count series; null if none.
export function resolveMetric(name, documented) {
  if (documented.has(name)) return documented.get(name);
  const m = name.match(/^(.*)_(bucket|sum|count)$/);
  if (m && documented.get(m[1])?.type === 'histogram') return documented.get(m[1]);
  return null;
}
