// Lints the Dockerfile without a container engine: node check-dockerfile.mjs REPO_ROOT [DOCKERFILE]
// (DOCKERFILE, default REPO_ROOT/Dockerfile, lets tests check a changed copy against the tree).
// Checks the project's rules for the image (see the list in `checks` below and deploy/README.md)
// and that every file the build copies from the context exists and survives .dockerignore.
// Prints every problem and exits 1 if any; notes (such as a model not committed yet) print only.
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isExcluded, readDockerignore } from './lib/dockerignore.mjs';

// Instructions of a Dockerfile: [{keyword, args, line}], continuation lines joined.
function parseDockerfile(text) {
  const instructions = [];
  let current = null;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && !current)) return;
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1) : line;
    if (current) current.text += ` ${body}`;
    else current = { text: body, line: index + 1 };
    if (!continued) {
      const [, keyword, args] = current.text.match(/^(\S+)\s*(.*)$/);
      instructions.push({ keyword: keyword.toUpperCase(), args: args.trim(), line: current.line });
      current = null;
    }
  });
  return instructions;
}

// Splits into stages: [{name, from, instructions}]; `globals` holds the ARGs before FROM.
function stagesOf(instructions) {
  const stages = [];
  const globals = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      stages.push({ from: words[0], name: words[2] ?? null, line: ins.line, instructions: [] });
    } else if (stages.length) stages.at(-1).instructions.push(ins);
    else globals.push(ins);
  }
  return { stages, globals };
}

// COPY/ADD: {flags: {from, ...}, sources, destination}.
function copyParts(ins) {
  const words = ins.args.startsWith('[') ? JSON.parse(ins.args) : ins.args.split(/\s+/);
  const flags = {};
  while (words[0]?.startsWith('--')) {
    const [flag, value] = words.shift().slice(2).split('=');
    flags[flag] = value ?? true;
  }
  return { flags, sources: words.slice(0, -1), destination: words.at(-1) };
}

// Names of the executables the project's CMake files define (build trees skipped).
function cmakeExecutables(root) {
  const names = new Set();
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !/^(build.*|\..*|node_modules|data-cache|train-state|out)$/.test(entry.name)) visit(path);
      if (entry.isFile() && entry.name === 'CMakeLists.txt') {
        for (const m of readFileSync(path, 'utf8').matchAll(/add_executable\(\s*([\w.-]+)/g)) names.add(m[1]);
      }
    }
  };
  visit(root);
  return names;
}

// Whether a node image tag (node:20-bookworm-slim, node:22.12-slim) runs Vite 8, which needs
// Node.js ^20.19.0 or >=22.12.0; a tag without a minor version takes the newest of its major.
function nodeRunsVite(image) {
  const m = image.match(/^node:(\d+)(?:\.(\d+))?/);
  if (!m) return false;
  const major = Number(m[1]);
  const minor = m[2] === undefined ? Infinity : Number(m[2]);
  return (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22;
}

// Normalises a folder for comparison: no trailing slash.
const folder = (path) => path.replace(/\/+$/, '');

function checks(root, text) {
  const problems = [];
  const notes = [];
  const fail = (ins, message) => problems.push(`Dockerfile:${ins?.line ?? 0}: ${message}`);
  const { stages, globals } = stagesOf(parseDockerfile(text));
  const stage = (name) => stages.find((s) => s.name === name);
  const runs = (s, pattern) => s.instructions.some((i) => i.keyword === 'RUN' && pattern.test(i.args));

  const variant = globals.find((g) => g.keyword === 'ARG' && g.args.startsWith('VARIANT='));
  if (variant?.args !== 'VARIANT=cpu') fail(variant, 'needs a global ARG VARIANT=cpu before the first FROM');
  for (const name of ['deps-cpu', 'deps-cuda', 'build']) {
    if (!stage(name)) fail(null, `needs a stage named ${name}`);
  }
  if (stage('build') && stage('build').from !== 'deps-${VARIANT}') {
    fail(stage('build'), 'the build stage must start FROM deps-${VARIANT}');
  }
  const cuda = stage('deps-cuda');
  if (cuda && !cuda.instructions.some((i) => i.keyword === 'ARG' && i.args.startsWith('LIBTORCH_URL'))) {
    fail(cuda, 'the deps-cuda stage needs ARG LIBTORCH_URL');
  }
  if (cuda && !runs(cuda, /\$\{?LIBTORCH_URL/)) fail(cuda, 'the deps-cuda stage must fetch ${LIBTORCH_URL}');
  for (const s of stages) {
    if (stages.some((t) => t.name === s.from) || s.from.includes('${')) continue;
    if (!/:[\w.-]+$/.test(s.from) || s.from.endsWith(':latest')) fail(s, `base image ${s.from} needs a pinned tag`);
  }

  const build = stage('build');
  if (build) {
    const copied = build.instructions.filter((i) => i.keyword === 'COPY').flatMap((i) => copyParts(i).sources);
    const install = build.instructions.findIndex((i) => i.keyword === 'RUN' && /scripts\/install-deps\.sh/.test(i.args));
    if (install < 0) fail(build, 'the build stage must run scripts/install-deps.sh');
    for (const file of ['scripts/install-deps.sh', 'scripts/packages.txt']) {
      const at = build.instructions.findIndex((i) => i.keyword === 'COPY' && copyParts(i).sources.includes(file));
      if (at < 0 || at > install) fail(build, `the build stage must COPY ${file} before running install-deps.sh`);
    }
    if (!copied.includes('.')) fail(build, 'the build stage must COPY the source tree (.)');
    if (!runs(build, /-DCMAKE_BUILD_TYPE=Release/)) fail(build, 'the build must configure -DCMAKE_BUILD_TYPE=Release');
    if (!runs(build, /-DVMM_BUILD_TESTS=OFF/)) fail(build, 'the build must configure -DVMM_BUILD_TESTS=OFF');
    const targets = build.instructions.filter((i) => i.keyword === 'RUN')
      .flatMap((i) => [...i.args.matchAll(/--target((?:\s+[\w.-]+)+)/g)].flatMap((m) => m[1].trim().split(/\s+/)));
    const defined = cmakeExecutables(root);
    for (const target of targets) {
      if (!defined.has(target)) fail(build, `--target ${target}: no add_executable(${target} ...) in the CMake files`);
    }
  }
  if (/\bctest\b/.test(text)) fail(null, 'the image build must run no tests (ctest found)');

  // The web console: built by a Node.js stage of its own (Debian 12's nodejs is too old for
  // Vite 8), its flag-help.json written by the build stage from the CLI's flags, both copied
  // to the folder compiled into vmm-server as --console-dir's default.
  const console_ = stage('console');
  let consoleOut = null;
  if (!console_) fail(null, 'needs a stage named console that builds the web console');
  else {
    if (!nodeRunsVite(console_.from)) {
      fail(console_, `the console stage's base ${console_.from} must be a node image of Node.js 20.19+ or 22.12+ (Vite 8)`);
    }
    const npmCi = console_.instructions.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
    if (npmCi < 0) fail(console_, 'the console stage must install with npm ci (package-lock.json pins every package)');
    for (const file of ['console/package.json', 'console/package-lock.json']) {
      const at = console_.instructions.findIndex((i) => i.keyword === 'COPY' && copyParts(i).sources.includes(file));
      if (at < 0 || (npmCi >= 0 && at > npmCi)) fail(console_, `the console stage must COPY ${file} before npm ci`);
    }
    const npmBuild = console_.instructions.find((i) => i.keyword === 'RUN' && /\bnpm run\b.*\bbuild\b/.test(i.args));
    consoleOut = npmBuild?.args.match(/--outDir[= ](\S+)/)?.[1] ?? null;
    if (!npmBuild) fail(console_, 'the console stage must run npm run build');
    else if (!consoleOut) fail(npmBuild, 'the console stage\'s npm run build must name its --outDir');
  }
  const consoleDir = build?.instructions.filter((i) => i.keyword === 'RUN')
    .map((i) => i.args.match(/-DVMM_DEFAULT_CONSOLE_DIR=(\S+)/)?.[1]).find(Boolean);
  if (build && !consoleDir) {
    fail(build, 'the build must configure -DVMM_DEFAULT_CONSOLE_DIR (where the runtime stage puts the console)');
  }
  const flagHelp = build?.instructions.filter((i) => i.keyword === 'RUN')
    .map((i) => i.args.match(/\/vmm_flag_help_json\s+(\S+flag-help\.json)/)?.[1]).find(Boolean);
  if (build && !flagHelp) fail(build, 'the build stage must run vmm_flag_help_json to write flag-help.json');

  const runtime = stages.at(-1);
  if (runtime.from !== 'debian:bookworm-slim') fail(runtime, 'the last (runtime) stage must be FROM debian:bookworm-slim');
  const last = (keyword) => runtime.instructions.filter((i) => i.keyword === keyword).at(-1);
  const user = last('USER');
  if (!user || /^(root|0)(:|$)/.test(user.args)) fail(user ?? runtime, 'the runtime stage must end as a non-root USER');
  if (!last('HEALTHCHECK') || /\bNONE\b/.test(last('HEALTHCHECK').args)) fail(runtime, 'the runtime stage needs a HEALTHCHECK CMD');
  const exposed = runtime.instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
  for (const port of ['8000', '8001', '8002']) {
    if (!exposed.some((p) => p.split('/')[0] === port)) fail(runtime, `the runtime stage must EXPOSE ${port}`);
  }
  if (!last('ENTRYPOINT')?.args.startsWith('[')) fail(runtime, 'the runtime stage needs an exec-form ENTRYPOINT');
  const runtimeCopies = runtime.instructions.filter((i) => i.keyword === 'COPY').map(copyParts);
  if (!runtimeCopies.some((c) => c.sources.includes('scripts/runtime-packages.txt')) ||
      !runs(runtime, /runtime-packages\.txt/)) {
    fail(runtime, 'the runtime stage must install scripts/runtime-packages.txt');
  }
  if (!runtimeCopies.some((c) => c.sources.some((s) => s.endsWith('models/vmm-base.vmmw')))) {
    fail(runtime, 'the runtime stage must copy the model models/vmm-base.vmmw');
  }
  if (consoleDir) {
    const dir = folder(consoleDir);
    if (!runtimeCopies.some((c) => c.flags.from === 'console' && folder(c.destination) === dir &&
        (!consoleOut || c.sources.some((s) => folder(s) === folder(consoleOut))))) {
      fail(runtime, `the runtime stage must COPY --from=console ${consoleOut ?? 'the built console'} to ${consoleDir}`);
    }
    if (!runtimeCopies.some((c) => c.flags.from === 'build' &&
        [dir, `${dir}/flag-help.json`].includes(folder(c.destination)) &&
        (!flagHelp || c.sources.includes(flagHelp)))) {
      fail(runtime, `the runtime stage must COPY --from=build ${flagHelp ?? 'flag-help.json'} into ${consoleDir}`);
    }
  }
  if (!runs(runtime, /rm -rf \/var\/lib\/apt\/lists/)) fail(runtime, 'the runtime stage must remove /var/lib/apt/lists');

  const ignore = readDockerignore(join(root, '.dockerignore'));
  stages.forEach((s, index) => {
    for (const ins of s.instructions) {
      for (const m of ins.keyword === 'RUN' ? ins.args.matchAll(/apt-get install([^&;|]*)/g) : []) {
        if (!m[1].includes('--no-install-recommends')) fail(ins, 'apt-get install needs --no-install-recommends');
      }
      if (ins.keyword === 'ADD') fail(ins, 'use COPY (or curl in RUN) instead of ADD');
      if (ins.keyword !== 'COPY') continue;
      const { flags, sources } = copyParts(ins);
      if (flags.from) {
        if (!stages.slice(0, index).some((t) => t.name === flags.from)) fail(ins, `COPY --from=${flags.from} names no earlier stage`);
        continue;
      }
      for (const source of sources) {
        const path = join(root, source);
        if (!existsSync(path)) fail(ins, `COPY source ${source} does not exist`);
        else if (isExcluded(source, ignore)) fail(ins, `COPY source ${source} is excluded by .dockerignore`);
        else if (source.endsWith('.sh')) {
          try {
            accessSync(path, constants.X_OK);
          } catch {
            fail(ins, `${source} must be executable (the image keeps its mode)`);
          }
        }
      }
    }
  });
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const needed = entry.isDirectory() && !['tests', 'bench'].includes(entry.name) &&
      existsSync(join(root, entry.name, 'CMakeLists.txt'));
    if (needed && isExcluded(`${entry.name}/CMakeLists.txt`, ignore)) {
      problems.push(`.dockerignore: ${entry.name}/ is built but left out of the context`);
    }
  }
  for (const junk of ['.git/HEAD', 'build/CMakeCache.txt', 'data-cache/x', 'deploy/validate/node_modules/x',
    'console/node_modules/x']) {
    if (!isExcluded(junk, ignore)) {
      problems.push(`.dockerignore: ${junk.split('/').slice(0, -1).join('/')} must be left out of the context`);
    }
  }
  if (!existsSync(join(root, 'models/vmm-base.vmmw'))) {
    notes.push('note: models/vmm-base.vmmw is not committed yet; `docker build` fails at copying it until it is');
  }
  return { problems, notes, stages: stages.length };
}

const root = process.argv[2] ?? '.';
const dockerfile = process.argv[3] ?? join(root, 'Dockerfile');
const { problems, notes, stages } = checks(root, readFileSync(dockerfile, 'utf8'));
notes.forEach((n) => console.log(n));
problems.forEach((p) => console.error(p));
if (problems.length) process.exit(1);
console.log(`Dockerfile: ${stages} stages, all checks pass`);
