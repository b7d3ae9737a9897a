// Decides, as Docker does, whether a path of the build context survives .dockerignore: patterns
// in order, `!` re-includes, the last pattern that matches the path or one of its parent
// folders wins; `*` and `?` stay within one path segment, `**` spans any number of them.
import { existsSync, readFileSync } from 'node:fs';

function toRegExp(pattern) {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

// Reads the patterns of `file` (none if it does not exist).
export function readDockerignore(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const body = (negate ? line.slice(1) : line).trim().replace(/^\/+|\/+$/g, '');
      return { negate, regexp: toRegExp(body) };
    });
}

// True if `path` (relative to the context, '/'-separated) is left out of the context.
export function isExcluded(path, patterns) {
  const clean = path.replace(/^\.\/+|\/+$/g, '');
  if (clean === '' || clean === '.') return false;
  const segments = clean.split('/');
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const { negate, regexp } of patterns) {
    if (candidates.some((c) => regexp.test(c))) excluded = !negate;
  }
  return excluded;
}
