// Checks that the dashboard, the alert rules and the autoscaler query use only the metrics, the
// labels and the label values that docs/metrics.md lists, and that the dashboard shows every
// documented metric:
//   node check-metric-names.mjs --docs docs/metrics.md --dashboard D.json --alerts A.yml
//        [--rendered OVERLAY.yaml]... [--emit-rules OUT.yml]
// --emit-rules writes every expression (Grafana variables replaced) as a recording rule, so
// `promtool check rules OUT.yml` proves they all parse. Exits 1 on any problem.
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { parseArgs } from './lib/args.mjs';
import { alertExpressions, dashboardExpressions, scalerQueries } from './lib/expressions.mjs';
import { readMetricsDoc } from './lib/metrics-doc.mjs';
import { analyzePromQL, checkExpression, resolveMetric, substituteGrafanaVariables } from './lib/promql.mjs';

function main() {
  const options = parseArgs(process.argv.slice(2), ['docs', 'dashboard', 'alerts', 'emit-rules?']);
  const documented = readMetricsDoc(options.docs);
  const dashboard = dashboardExpressions(options.dashboard);
  const alerts = alertExpressions(options.alerts);
  const scalers = options.rendered.flatMap(scalerQueries);
  const problems = [];
  if (options.rendered.length && scalers.length === 0) problems.push('no KEDA prometheus query in the rendered overlays');
  const all = [...dashboard, ...alerts, ...scalers];
  for (const { source, where, expr } of all) {
    for (const p of checkExpression(expr, documented)) problems.push(`${source}: ${where}: ${p}`);
  }
  const shown = new Set(dashboard.flatMap(({ expr }) => analyzePromQL(expr).names)
    .map((n) => resolveMetric(n, documented)?.name).filter(Boolean));
  for (const name of documented.keys()) {
    if (!shown.has(name)) problems.push(`${options.dashboard}: no panel shows ${name}`);
  }
  if (options['emit-rules']) {
    const rules = all.map(({ expr }, i) => ({ record: `vmm_check:expr_${i}`, expr: substituteGrafanaVariables(expr) }));
    writeFileSync(options['emit-rules'], stringify({ groups: [{ name: 'vmm-deploy-expressions', rules }] }));
  }
  for (const p of problems) console.error(p);
  if (problems.length) process.exit(1);
  console.log(`metric names: ${all.length} expressions (${dashboard.length} dashboard, ${alerts.length} alert, ` +
              `${scalers.length} autoscaler) use only the ${documented.size} documented metrics`);
}

try {
  main();
} catch (error) {
  console.error(error.stack ?? String(error));
  process.exit(2);
}
