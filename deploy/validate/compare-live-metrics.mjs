// Compares what the running programs export with docs/metrics.md and with what the deployment
// uses (the live half of the metric-name check; tests/deploy/live-metrics-test.sh runs it):
//   node compare-live-metrics.mjs --docs docs/metrics.md --server SCRAPE --worker SCRAPE
//        --dashboard D.json --alerts A.yml [--rendered OVERLAY.yaml]...
// SCRAPE is a saved /metrics page. Checks: each documented metric is exported by its program
// with its documented type; each vmm_ metric exported is documented; each label value seen is
// one the docs list; each metric the dashboard, alerts and autoscaler use is exported.
import { readFileSync } from 'node:fs';
import { parseArgs } from './lib/args.mjs';
import { alertExpressions, dashboardExpressions, scalerQueries } from './lib/expressions.mjs';
import { readMetricsDoc } from './lib/metrics-doc.mjs';
import { analyzePromQL, resolveMetric } from './lib/promql.mjs';

// Reads a Prometheus text page: Map family -> {type, samples: [{name, labels}]}.
export function parseExposition(text) {
  const families = new Map();
  const family = (name) => {
    if (!families.has(name)) families.set(name, { type: 'untyped', samples: [] });
    return families.get(name);
  };
  for (const line of text.split('\n')) {
    const typed = line.match(/^# TYPE (\S+) (\S+)/);
    if (typed) {
      family(typed[1]).type = typed[2];
      continue;
    }
    const sample = line.match(/^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+\S+/);
    if (!sample) continue;
    const labels = Object.fromEntries([...(sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
      .map((m) => [m[1], m[2]]));
    const base = sample[1].replace(/_(bucket|sum|count)$/, '');
    const owner = families.has(sample[1]) ? sample[1] : families.has(base) ? base : sample[1];
    family(owner).samples.push({ name: sample[1], labels });
  }
  return families;
}

function main() {
  const options = parseArgs(process.argv.slice(2), ['docs', 'server', 'worker', 'dashboard', 'alerts']);
  const documented = readMetricsDoc(options.docs);
  const live = {
    server: parseExposition(readFileSync(options.server, 'utf8')),
    worker: parseExposition(readFileSync(options.worker, 'utf8')),
  };
  const problems = [];
  for (const [name, doc] of documented) {
    const exported = live[doc.process].get(name);
    if (!exported) {
      const hint = Object.keys(doc.labels).length
        ? '; a labelled metric shows only once a child exists: create its children at start' : '';
      problems.push(`vmm-${doc.process} does not export ${name}, which docs/metrics.md lists${hint}`);
    } else if (exported.type !== doc.type) {
      problems.push(`vmm-${doc.process} exports ${name} as ${exported.type}; docs/metrics.md says ${doc.type}`);
    }
  }
  for (const [process, families] of Object.entries(live)) {
    for (const [name, family] of families) {
      if (!name.startsWith('vmm_')) continue;
      const doc = documented.get(name);
      if (!doc || doc.process !== process) {
        problems.push(`vmm-${process} exports ${name}, which docs/metrics.md does not list for vmm-${process}`);
        continue;
      }
      for (const { labels } of family.samples) {
        for (const [label, value] of Object.entries(labels)) {
          if (label === 'le') continue;
          if (!(label in doc.labels)) problems.push(`${name} has label ${label}, not in docs/metrics.md`);
          else if (doc.labels[label].length && !doc.labels[label].includes(value)) {
            problems.push(`${name}{${label}="${value}"}: docs/metrics.md lists ${doc.labels[label].join(', ')}`);
          }
        }
      }
    }
  }
  const exportedNames = new Set([...live.server.keys(), ...live.worker.keys()]);
  const used = [...dashboardExpressions(options.dashboard), ...alertExpressions(options.alerts),
    ...options.rendered.flatMap(scalerQueries)];
  for (const { source, where, expr } of used) {
    for (const name of analyzePromQL(expr).names) {
      const base = resolveMetric(name, documented)?.name ?? name;
      if (!exportedNames.has(base)) problems.push(`${source}: ${where}: uses ${name}, which neither program exports`);
    }
  }
  for (const p of [...new Set(problems)]) console.error(p);
  if (problems.length) process.exit(1);
  console.log(`live metrics: ${live.server.size} server and ${live.worker.size} worker families match ` +
              `docs/metrics.md and the ${used.length} expressions of the dashboard, alerts and autoscaler`);
}

try {
  main();
} catch (error) {
  console.error(error.stack ?? String(error));
  process.exit(2);
}
