// Helpers of the multi-process tests: build the package once (child processes run the built JavaScript, since
// vitest's alias does not reach them), start server children and talk to them over stdin/stdout.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = fileURLToPath(new URL('../../../../../', import.meta.url));
const fixtures = fileURLToPath(new URL('./', import.meta.url));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `tsc -b packages/server` (incremental: quick when up to date) under a lock, so test files running in
 * parallel never build at the same time; then checks the built entry point exists.
 */
export async function ensureBuilt() {
  const lock = join(tmpdir(), `gridflow-build-${createHash('sha1').update(root).digest('hex').slice(0, 10)}.lock`);
  for (const started = Date.now(); ;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0;
      if (age > 180_000 || Date.now() - started > 180_000) rmSync(lock, { recursive: true, force: true });
      await sleep(200);
    }
  }
  try {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '-b', 'packages/server'], { cwd: root, encoding: 'utf8' });
    const entry = join(root, 'packages', 'server', 'dist', 'index.js');
    if (!existsSync(entry)) throw new Error(`Building packages/server failed:\n${result.stdout}${result.stderr}`);
    return result.status === 0 ? '' : `${result.stdout}${result.stderr}`;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Starts `node __fixtures__/<script> ...args`. Lines the child prints are parsed as JSON when they can be;
 * `next()` waits for the next such message matching `test`.
 */
export function startChild(script, args) {
  const child = spawn(process.execPath, [join(fixtures, script), ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const messages = [];
  const waiters = [];
  let stderr = '';
  let exited = null;
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    messages.push(message);
    for (const w of [...waiters]) if (w.test(message)) w.resolve(message);
  });
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    for (const w of [...waiters])
      w.reject(new Error(`child ${script} exited (${code ?? signal}) before answering:\n${stderr}`));
  });
  const next = (test, timeoutMs = 60_000) =>
    new Promise((resolve, reject) => {
      const found = messages.find(test);
      if (found) return resolve(found);
      if (exited) return reject(new Error(`child ${script} exited (${exited.code ?? exited.signal}):\n${stderr}`));
      const waiter = {
        test,
        resolve: (m) => {
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(waiter), 1);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(e);
        },
      };
      const timer = setTimeout(
        () => waiter.reject(new Error(`child ${script} did not answer in ${timeoutMs} ms:\n${stderr}`)),
        timeoutMs,
      );
      waiters.push(waiter);
    });
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    next,
    send: (line) => child.stdin.write(`${line}\n`),
    exit,
    stderr: () => stderr,
    kill: async (signal = 'SIGKILL') => {
      if (exited) return exited;
      child.kill(signal);
      return exit;
    },
  };
}
