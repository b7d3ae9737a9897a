// Checks the Grafana dashboard's structure: node check-dashboard.mjs DASHBOARD.json
// Valid JSON with a uid and title; a Prometheus datasource variable that every panel and query
// uses (so the dashboard imports into any Grafana); unique panel ids; panels inside the 24-column
// grid, not overlapping; every query with a unique refId and an expression. Exits 1 on problems.
import { readFileSync } from 'node:fs';

function panelsOf(dashboard) {
  const all = [];
  const visit = (panels = []) => panels.forEach((p) => { all.push(p); visit(p.panels); });
  visit(dashboard.panels);
  return all;
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function check(dashboard) {
  const problems = [];
  for (const key of ['uid', 'title', 'schemaVersion']) {
    if (!dashboard[key]) problems.push(`no ${key}`);
  }
  const variable = (dashboard.templating?.list ?? []).find((v) => v.name === 'datasource');
  if (variable?.type !== 'datasource' || variable.query !== 'prometheus') {
    problems.push('needs a template variable "datasource" of type datasource, query prometheus');
  }
  const panels = panelsOf(dashboard);
  if (panels.filter((p) => p.type !== 'row').length === 0) problems.push('has no panels');
  const ids = new Set();
  for (const p of panels) {
    const where = `panel ${p.id} "${p.title}"`;
    if (typeof p.id !== 'number' || ids.has(p.id)) problems.push(`${where}: id missing or repeated`);
    ids.add(p.id);
    const g = p.gridPos;
    if (!g || g.x < 0 || g.w < 1 || g.x + g.w > 24 || g.h < 1 || g.y < 0) {
      problems.push(`${where}: gridPos missing or outside the 24-column grid`);
    }
    if (p.type === 'row') continue;
    if (!p.title || !p.description) problems.push(`${where}: needs a title and a description`);
    if (p.datasource?.uid !== '${datasource}') problems.push(`${where}: datasource must be \${datasource}`);
    const refIds = new Set();
    if (!(p.targets ?? []).length) problems.push(`${where}: has no queries`);
    for (const t of p.targets ?? []) {
      if (!t.refId || refIds.has(t.refId)) problems.push(`${where}: refId missing or repeated`);
      refIds.add(t.refId);
      if (!t.expr?.trim()) problems.push(`${where} ${t.refId}: empty expression`);
      if (t.datasource && t.datasource.uid !== '${datasource}') {
        problems.push(`${where} ${t.refId}: datasource must be \${datasource}`);
      }
    }
  }
  const placed = panels.filter((p) => p.gridPos);
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      if (overlaps(placed[i].gridPos, placed[j].gridPos)) {
        problems.push(`panels ${placed[i].id} and ${placed[j].id} overlap`);
      }
    }
  }
  return { problems, count: panels.length };
}

const file = process.argv[2];
let dashboard;
try {
  dashboard = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`${file}: ${error.message}`);
  process.exit(1);
}
const { problems, count } = check(dashboard);
for (const p of problems) console.error(`${file}: ${p}`);
if (problems.length) process.exit(1);
console.log(`${file}: ${count} panels, layout and datasources valid`);
