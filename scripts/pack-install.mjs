#!/usr/bin/env node
// Installs the packages as a consumer installs them, and fails when that install warns about an engine.
//
// 1. `npm pack` every workspace package (run `npm run build` first: the tarballs hold dist/).
// 2. A fresh project in a temporary folder outside the repository (`npm init -y`), where `npm install` of the
//    tarballs resolves every dependency afresh from the registry: the repository's lock file and root
//    `overrides` do not apply there, just as they do not for an integrator.
// 3. That install runs under the lowest Node the root package.json's `engines` names (the README says the same),
//    taken from the registry's `node-<platform>-<arch>` package when the registry offers that build, otherwise
//    under the running Node (said so in the output). Any `EBADENGINE` in its output fails the check.
// 4. scripts/pack-check/consumer-smoke.mjs runs in that project, under the lowest Node and under the running
//    one: the runtime on an in-memory store, then the server on PGlite `memory://` on a free port, a case
//    submitted over HTTP.
//
// Usage: node scripts/pack-install.mjs [--keep]   (--keep leaves the temporary folder for a look)
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
const started = Date.now();
const root = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const packages = root.workspaces.map((folder) => JSON.parse(readFileSync(join(repo, folder, 'package.json'), 'utf8')));
const publishable = packages.filter((p) => p.private !== true).map((p) => p.name);

const fail = (message) => {
  console.error(`pack-check: ${message}`);
  process.exit(1);
};
const log = (message) => console.log(`pack-check: ${message}`);

// The npm CLI this process was started with (npm sets npm_execpath), else the one beside `node` on PATH.
const npmCli = (() => {
  if (process.env.npm_execpath?.endsWith('.js')) return process.env.npm_execpath;
  const bin = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
  const real = realpathSync(bin);
  if (real.endsWith('.js')) return real;
  return join(dirname(real), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
})();

/** The environment of a consumer's command run with a given node binary. */
function consumerEnv(node) {
  // The consumer sees none of the repository: no node_modules/.bin of it on PATH, no npm_* of `npm run`.
  const path = (process.env.PATH ?? '').split(delimiter).filter((p) => relative(repo, p).startsWith('..'));
  const env = { ...process.env, PATH: [dirname(node), ...path].join(delimiter) };
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  return env;
}

/** Runs npm with a given node binary; returns its combined output, failing on a non-zero exit. */
function npm(node, args, cwd) {
  const env = consumerEnv(node);
  const run = spawnSync(node, [npmCli, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const output = `${run.stdout}${run.stderr}`;
  if (run.status !== 0) fail(`npm ${args.join(' ')} failed (exit ${run.status}):\n${output}`);
  return output;
}

/** The lowest Node that `engines.node` (`>=MAJOR.MINOR[.PATCH]`) names. */
function lowestNode(range) {
  const m = /^>=\s*(\d+)\.(\d+)(?:\.(\d+))?$/.exec(range ?? '');
  if (!m) fail(`the root package.json's engines.node is "${range}", expected ">=MAJOR.MINOR[.PATCH]"`);
  return `${m[1]}.${m[2]}.${m[3] ?? 0}`;
}

/** A node binary of an exact version from the registry's node-<platform>-<arch> package, kept in the temp folder. */
function nodeBinary(version) {
  if (process.version === `v${version}`) return process.execPath;
  const pkg = `node-${process.platform}-${process.arch}`;
  const folder = join(tmpdir(), `gridflow-${pkg}-${version}`);
  const bin = join(folder, 'node_modules', pkg, 'bin', 'node');
  const answers = () => existsSync(bin) && spawnSync(bin, ['-v'], { encoding: 'utf8' }).stdout.trim() === `v${version}`;
  if (!answers()) {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    const run = spawnSync(
      process.execPath,
      [npmCli, 'install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `${pkg}@${version}`],
      { cwd: folder, encoding: 'utf8' },
    );
    if (run.status !== 0 || !answers()) {
      log(`the registry offers no ${pkg}@${version}: testing only the running Node ${process.version}`);
      return undefined;
    }
  }
  return bin;
}

const lowest = lowestNode(root.engines?.node);
const lowestBin = nodeBinary(lowest);
const installNode = lowestBin ?? process.execPath;
const installVersion = lowestBin ? `v${lowest}` : process.version;

const work = mkdtempSync(join(tmpdir(), 'gridflow-pack-'));
if (!relative(repo, work).startsWith('..')) fail(`${work} is inside the repository`);
try {
  // 1. Tarballs.
  const packed = JSON.parse(
    npm(
      process.execPath,
      ['pack', '--json', '--pack-destination', work, ...publishable.flatMap((name) => ['-w', name])],
      repo,
    ).replace(/^[^[]*/s, ''),
  );
  for (const { name, filename, files } of packed) {
    if (!files.some((f) => f.path.startsWith('dist/'))) fail(`${name} packs no dist/: run \`npm run build\` first`);
    log(`packed ${filename} (${files.length} files)`);
  }

  // 2 and 3. A fresh consumer project, installed under the lowest Node.
  const app = join(work, 'consumer');
  mkdirSync(app);
  npm(installNode, ['init', '-y'], app);
  const output = npm(
    installNode,
    ['install', '--no-audit', '--no-fund', ...packed.map((p) => join(work, p.filename))],
    app,
  );
  const warnings = output.split('\n').filter((line) => line.includes('EBADENGINE'));
  if (warnings.length > 0)
    fail(`the consumer install under Node ${installVersion} warns about engines:\n${warnings.join('\n')}`);
  log(`fresh install of ${publishable.join(', ')} under Node ${installVersion}: no EBADENGINE`);

  // 4. The smoke script, under the lowest Node and the running one.
  copyFileSync(join(repo, 'scripts', 'pack-check', 'consumer-smoke.mjs'), join(app, 'consumer-smoke.mjs'));
  for (const node of new Set([installNode, process.execPath])) {
    const run = spawnSync(node, ['consumer-smoke.mjs'], { cwd: app, stdio: 'inherit', env: consumerEnv(node) });
    if (run.status !== 0) fail(`the consumer smoke test failed under ${node} (exit ${run.status})`);
  }
  log(
    `passed in ${((Date.now() - started) / 1000).toFixed(1)} s; lowest Node tested ${installVersion}` +
      (lowestBin ? ` (the lowest engines.node allows)` : ` (the registry had no v${lowest} build)`),
  );
} finally {
  if (keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
