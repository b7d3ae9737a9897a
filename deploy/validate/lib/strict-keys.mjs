// Finds misspelt keys in a Kubernetes object. kubernetes-models' validators (ajv, compiled from
// the OpenAPI schemas) ignore properties they do not know, but they do look up every property
// their schema defines. So the object is wrapped in proxies that record each lookup while the
// validator runs: a key of an object whose known properties were looked up, that the validator
// itself never read, is not in the schema. Maps (labels, resources) are enumerated by the
// validator, so all their keys count as read; free-form objects (no lookups at all) are skipped.

// Returns the JSON paths (e.g. "/spec/template/spec/containers/0/resoures") of unknown keys
// found while `validate` (the model class's validate method) runs on `object`.
export function findUnknownKeys(object, validate) {
  const visited = [];
  const proxies = new WeakMap();
  const wrap = (value, path) => {
    if (value === null || typeof value !== 'object') return value;
    if (proxies.has(value)) return proxies.get(value);
    const read = new Set();
    visited.push({ value, path, read });
    const note = (key) => {
      if (typeof key === 'string') read.add(key);
    };
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        note(key);
        const child = Reflect.get(target, key, receiver);
        const own = typeof key === 'string' && Object.prototype.hasOwnProperty.call(target, key);
        return own ? wrap(child, `${path}/${key}`) : child;
      },
      has(target, key) {
        note(key);
        return Reflect.has(target, key);
      },
      getOwnPropertyDescriptor(target, key) {
        note(key);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
      ownKeys(target) {
        read.add('*');
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  try {
    validate.call(wrap(object, ''));
  } catch {
    // Schema errors are reported by the plain validation; only the lookups matter here.
  }
  const unknown = [];
  for (const { value, path, read } of visited) {
    if (Array.isArray(value) || read.size === 0 || read.has('*')) continue;
    for (const key of Object.keys(value)) {
      if (!read.has(key)) unknown.push(`${path}/${key}`);
    }
  }
  return unknown;
}
