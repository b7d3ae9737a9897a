// Collects the PromQL expressions the deployment uses: the dashboard's queries, the alert
// rules' expressions and the KEDA ScaledObjects' Prometheus queries of rendered overlays.
import { readFileSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';

// Every expression of a Grafana dashboard (panels, rows' panels, query variables).
export function dashboardExpressions(file) {
  const dashboard = JSON.parse(readFileSync(file, 'utf8'));
  const found = [];
  const visit = (panels = []) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        if (target.expr) found.push({ source: file, where: `panel "${panel.title}" ${target.refId}`, expr: target.expr });
      }
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  for (const variable of dashboard.templating?.list ?? []) {
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    if (variable.type === 'query' && query) found.push({ source: file, where: `variable ${variable.name}`, expr: query });
  }
  return found;
}

// Every rule expression of a Prometheus rule file.
export function alertExpressions(file) {
  const rules = parse(readFileSync(file, 'utf8'));
  return (rules.groups ?? []).flatMap((g) => (g.rules ?? []).map((r) => ({
    source: file, where: `rule ${r.alert ?? r.record}`, expr: String(r.expr),
  })));
}

// Every Prometheus trigger query of the ScaledObjects in a rendered overlay.
export function scalerQueries(file) {
  const found = [];
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const o = doc.toJS();
    if (o?.kind !== 'ScaledObject') continue;
    for (const t of o.spec?.triggers ?? []) {
      if (t.type === 'prometheus') {
        found.push({ source: file, where: `ScaledObject ${o.metadata.name}`, expr: t.metadata.query });
      }
    }
  }
  return found;
}
