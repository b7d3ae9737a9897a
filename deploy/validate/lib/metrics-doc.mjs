// Reads docs/metrics.md: the tables under "## vmm-server ..." and "## vmm-worker ..." give each
// metric's name, type and labels (`state=succeeded\|failed\|cancelled` lists a label's values).
import { readFileSync } from 'node:fs';

// Returns a Map name -> {name, type, labels: {label: [values]}, process: 'server'|'worker'}.
export function readMetricsDoc(path) {
  const documented = new Map();
  let process = null;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const heading = line.match(/^##\s+vmm-(server|worker)\b/);
    if (heading) {
      process = heading[1];
      continue;
    }
    if (!process || !line.startsWith('|')) continue;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    if (cells.length < 3 || !/^vmm_\w+$/.test(cells[0])) continue;
    const [name, type, labelCell] = cells;
    const labels = {};
    for (const spec of labelCell.split(/[,\s]+/).filter(Boolean)) {
      const [label, values] = spec.split('=');
      labels[label] = values ? values.split('\\|') : [];
    }
    if (documented.has(name)) throw new Error(`${path}: ${name} is listed twice`);
    documented.set(name, { name, type, labels, process });
  }
  if (documented.size === 0) throw new Error(`${path}: no metric tables found`);
  return documented;
}
