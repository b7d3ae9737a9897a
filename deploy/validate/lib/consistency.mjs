// Checks that the objects of one rendered overlay fit together and follow the project's rules,
// beyond what each object's schema can say: selectors that select, ports and volumes that
// exist, references that resolve, a hardened pod on every workload, and the overlay's promise
// about GPUs. Each check returns a list of problems naming the object and the field.

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const GPU = 'nvidia.com/gpu';

const id = (o) => `${o.kind} ${o.metadata?.name}`;
const matches = (selector = {}, labels = {}) =>
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels[k] === v);
const workloads = (objects) => objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
const podLabels = (w) => w.spec?.template?.metadata?.labels ?? {};
const containersOf = (w) => w.spec?.template?.spec?.containers ?? [];
const argValue = (args, flag) =>
  (args ?? []).find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);

// Workloads: selectors, images, hardening, resources, probes and volumes.
export function checkWorkloads(objects) {
  const problems = [];
  for (const w of workloads(objects)) {
    const pod = w.spec.template.spec;
    if (!matches(w.spec.selector?.matchLabels, podLabels(w))) {
      problems.push(`${id(w)}: spec.selector does not match the pod template's labels`);
    }
    if (pod.securityContext?.runAsNonRoot !== true) {
      problems.push(`${id(w)}: pod securityContext.runAsNonRoot must be true`);
    }
    const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
    for (const c of containersOf(w)) {
      const where = `${id(w)} container ${c.name}`;
      if (!/[/:]/.test(c.image ?? '')) {
        problems.push(`${where}: image "${c.image}" is a placeholder; the overlay must set it`);
      }
      const sc = c.securityContext ?? {};
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation must be false`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem must be true`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${where}: capabilities must drop ALL`);
      for (const kind of ['requests', 'limits']) {
        for (const resource of ['cpu', 'memory']) {
          if (!c.resources?.[kind]?.[resource]) problems.push(`${where}: no ${kind}.${resource}`);
        }
      }
      const ports = c.ports ?? [];
      const hasPort = (p) => ports.some((q) => q.containerPort === p || q.name === p);
      for (const probeName of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        const probe = c[probeName];
        if (!probe) continue;
        const port = probe.grpc?.port ?? probe.tcpSocket?.port ?? probe.httpGet?.port;
        if (port !== undefined && !hasPort(port)) {
          problems.push(`${where}: ${probeName} port ${port} is not a container port`);
        }
      }
      for (const m of c.volumeMounts ?? []) {
        const claimed = (w.spec.volumeClaimTemplates ?? []).some((t) => t.metadata?.name === m.name);
        if (!volumes.has(m.name) && !claimed) problems.push(`${where}: mounts unknown volume ${m.name}`);
      }
    }
  }
  return problems;
}

// Services, PodDisruptionBudgets, Secrets and ScaledObjects point at objects that exist.
export function checkReferences(objects, { externalSecrets = [] } = {}) {
  const problems = [];
  const byKind = (kind) => objects.filter((o) => o.kind === kind);
  const selectsPods = (selector) => workloads(objects).filter((w) => matches(selector, podLabels(w)));
  for (const s of byKind('Service')) {
    const pods = selectsPods(s.spec?.selector);
    if (pods.length === 0) {
      problems.push(`${id(s)}: selector matches no pod template`);
      continue;
    }
    for (const p of s.spec.ports ?? []) {
      const target = p.targetPort ?? p.port;
      const found = pods.some((w) => containersOf(w).some((c) =>
        (c.ports ?? []).some((q) => q.name === target || q.containerPort === target)));
      if (!found) problems.push(`${id(s)}: targetPort ${target} is no port of the selected pods`);
    }
  }
  for (const pdb of byKind('PodDisruptionBudget')) {
    if (selectsPods(pdb.spec?.selector?.matchLabels).length === 0) {
      problems.push(`${id(pdb)}: selector matches no pod template`);
    }
  }
  const secrets = new Map(byKind('Secret').map((s) => [s.metadata.name, s]));
  for (const w of workloads(objects)) {
    if (w.kind === 'StatefulSet' && !byKind('Service').some((s) => s.metadata.name === w.spec.serviceName)) {
      problems.push(`${id(w)}: serviceName ${w.spec.serviceName} is not a Service here`);
    }
    for (const v of w.spec.template.spec.volumes ?? []) {
      const name = v.secret?.secretName;
      if (!name || v.secret.optional || externalSecrets.includes(name)) continue;
      const secret = secrets.get(name);
      if (!secret) {
        problems.push(`${id(w)}: volume ${v.name} uses Secret ${name}, which is not rendered`);
        continue;
      }
      const keys = new Set([...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})]);
      for (const item of v.secret.items ?? []) {
        if (!keys.has(item.key)) problems.push(`${id(w)}: Secret ${name} has no key ${item.key}`);
      }
    }
    // A worker's --server must name a Service and one of its ports.
    for (const c of containersOf(w)) {
      const server = argValue(c.args, '--server');
      if (!server) continue;
      const [host, port] = server.split(':');
      const service = byKind('Service').find((s) => s.metadata.name === host.split('.')[0]);
      if (!service || !(service.spec.ports ?? []).some((p) => String(p.port) === port)) {
        problems.push(`${id(w)}: --server=${server} is not a Service and port rendered here`);
      }
    }
  }
  for (const so of byKind('ScaledObject')) {
    const target = so.spec?.scaleTargetRef?.name;
    if (!byKind('Deployment').some((d) => d.metadata.name === target)) {
      problems.push(`${id(so)}: scaleTargetRef ${target} is not a Deployment here`);
    }
    if ((so.spec.minReplicaCount ?? 0) > (so.spec.maxReplicaCount ?? 100)) {
      problems.push(`${id(so)}: minReplicaCount exceeds maxReplicaCount`);
    }
    for (const t of so.spec.triggers ?? []) {
      if (t.type !== 'prometheus') continue;
      for (const key of ['serverAddress', 'query', 'threshold']) {
        if (!t.metadata?.[key]) problems.push(`${id(so)}: prometheus trigger has no ${key}`);
      }
    }
  }
  return problems;
}

// The server runs without local workers and with grpc.health.v1 (or, under TLS, TCP) probes;
// with `gpu`, every worker requests and limits one GPU, tolerates the GPU taint and may scale
// to zero; without it nothing asks for a GPU.
export function checkServiceShape(objects, { gpu }) {
  const problems = [];
  const component = (name) => workloads(objects).filter(
    (w) => podLabels(w)['app.kubernetes.io/component'] === name);
  const servers = component('server');
  const workers = component('worker');
  if (servers.length !== 1) problems.push(`expected one server workload, found ${servers.length}`);
  if (workers.length === 0) problems.push('no worker workload rendered');
  for (const s of servers) {
    const c = containersOf(s)[0];
    if (argValue(c.args, '--local-workers') !== '0') problems.push(`${id(s)}: needs --local-workers=0`);
    for (const probe of ['readinessProbe', 'livenessProbe']) {
      const p = c[probe];
      const port = p?.grpc?.port ?? p?.tcpSocket?.port;
      if (port !== 8001) problems.push(`${id(s)}: ${probe} must check the gRPC port 8001`);
    }
  }
  for (const w of workers) {
    const pod = w.spec.template.spec;
    for (const c of containersOf(w)) {
      const requested = c.resources?.requests?.[GPU];
      const limited = c.resources?.limits?.[GPU];
      if (gpu && (String(requested) !== '1' || String(limited) !== '1')) {
        problems.push(`${id(w)}: a GPU worker must request and limit ${GPU}: 1`);
      }
      if (!gpu && (requested !== undefined || limited !== undefined)) {
        problems.push(`${id(w)}: the CPU overlay must not ask for ${GPU}`);
      }
    }
    const tolerates = (pod.tolerations ?? []).some((t) => t.key === GPU);
    if (gpu && !tolerates) problems.push(`${id(w)}: a GPU worker must tolerate the ${GPU} taint`);
  }
  if (gpu) {
    const scalers = objects.filter((o) => o.kind === 'ScaledObject');
    if (!scalers.some((s) => s.spec.minReplicaCount === 0)) {
      problems.push('GPU overlay: no ScaledObject with minReplicaCount 0 for the workers');
    }
  }
  return problems;
}
