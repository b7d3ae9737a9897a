// Validates one rendered overlay (the output of `kubectl kustomize`) offline:
//   node check-objects.mjs [--gpu] [--external-secret NAME]... RENDERED.yaml
// Each object is checked against the Kubernetes 1.27 schemas (kubernetes-models) or KEDA's
// (@kubernetes-models/keda), then for keys the schema does not know (lib/strict-keys.mjs),
// then the objects together (lib/consistency.mjs). Prints every problem; exits 1 if any.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { findUnknownKeys } from './lib/strict-keys.mjs';
import { checkReferences, checkServiceShape, checkWorkloads } from './lib/consistency.mjs';

// The module holding the model classes of an apiVersion.
function modelModule(apiVersion) {
  if (apiVersion.startsWith('keda.sh/')) return `@kubernetes-models/keda/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

async function modelClass(apiVersion, kind) {
  try {
    const module = await import(modelModule(apiVersion));
    return module[kind] ?? null;
  } catch {
    return null;
  }
}

function parseArgs(argv) {
  const options = { gpu: false, externalSecrets: [], file: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--gpu') options.gpu = true;
    else if (argv[i] === '--external-secret') options.externalSecrets.push(argv[++i]);
    else options.file = argv[i];
  }
  if (!options.file) throw new Error('usage: check-objects.mjs [--gpu] [--external-secret NAME] FILE');
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const problems = [];
  const objects = [];
  for (const doc of parseAllDocuments(readFileSync(options.file, 'utf8'))) {
    if (doc.errors.length) {
      problems.push(`YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
      continue;
    }
    const object = doc.toJS();
    if (object) objects.push(object);
  }
  for (const object of objects) {
    const name = `${object.kind} ${object.metadata?.name}`;
    const Model = await modelClass(String(object.apiVersion), String(object.kind));
    if (!Model) {
      problems.push(`${name}: no schema for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      problems.push(`${name}: ${error.message.replace(/\s+/g, ' ')}`);
    }
    for (const path of findUnknownKeys(object, Model.prototype.validate)) {
      problems.push(`${name}: unknown field ${path} (misspelt, or not in the schema)`);
    }
  }
  if (problems.length === 0) {
    problems.push(...checkWorkloads(objects));
    problems.push(...checkReferences(objects, options));
    problems.push(...checkServiceShape(objects, options));
  }
  for (const p of problems) console.error(`${options.file}: ${p}`);
  if (problems.length) process.exit(1);
  console.log(`${options.file}: ${objects.length} objects valid ` +
              `(${[...new Set(objects.map((o) => o.kind))].join(', ')})`);
}

main().catch((error) => {
  console.error(error.stack ?? String(error));
  process.exit(2);
});
