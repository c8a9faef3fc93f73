import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actors, ENGINES, startHarness, TENANTS, type Harness } from '../packages/server/src/http/harness.js';

/*
 * Runs every `sh` block of docs/http.md with real curl against a real server, in order, and checks the `→` line
 * under it: the status, `path: value` pairs of the JSON answer (`text: …` for a text answer), and `keep path as NAME`
 * for the later blocks' `$NAME`. A block with several requests is judged by its last answer.
 */

const run = promisify(execFile);
const [T] = TENANTS;
const DOC = readFileSync(new URL('./http.md', import.meta.url), 'utf8');
const MARK = '__HTTP__';

interface Example {
  line: number;
  script: string;
  expect?: string;
}

function examples(markdown: string): Example[] {
  const lines = markdown.split('\n');
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```sh') continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) body.push(lines[i]!);
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() === '') j++;
    const next = lines[j]?.trim() ?? '';
    out.push({ line: start + 1, script: body.join('\n'), ...(next.startsWith('→') ? { expect: next } : {}) });
  }
  return out;
}

/** Every request the block makes prints its answer followed by a status line; curl's timeout ends a stream. */
const PRELUDE = `set -euo pipefail
curl() { local rc=0; command curl --show-error --write-out '\\n${MARK} %{http_code}\\n' "$@" || rc=$?; [ "$rc" = 0 ] || [ "$rc" = 28 ]; }
`;

function lastAnswer(stdout: string): { status: number; text: string } {
  const parts = stdout.split(new RegExp(`\\n${MARK} (\\d{3})\\n`));
  // [body1, status1, body2, status2, …, rest]
  if (parts.length < 3) throw new Error(`no HTTP answer in: ${stdout.slice(0, 300)}`);
  return { status: Number(parts[parts.length - 2]), text: parts[parts.length - 3]! };
}

function at(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

describe.each(ENGINES)('docs/http.md examples on %s', (engine) => {
  let h: Harness;
  let env: Record<string, string>;
  beforeAll(async () => {
    h = await startHarness(engine);
    const base = await h.app.listen({ port: 0, host: '127.0.0.1' });
    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GRIDFLOW: base,
      TOKEN_WORKER: await h.token(actors.gridWorker, T),
      TOKEN_WORKER2: await h.token(actors.gridWorker2, T),
      TOKEN_STAFF: await h.token(actors.communityStaff, T),
      TOKEN_RESIDENT: await h.token(actors.resident, T),
    };
  });
  afterAll(async () => {
    await h?.close();
  });

  it('has curl examples, each with the answer it gives', () => {
    const all = examples(DOC);
    expect(all.length).toBeGreaterThan(10);
    expect(all.filter((e) => !e.expect).map((e) => e.line)).toEqual([]);
  });

  it('runs every curl example in order and gets the answers the guide states', async () => {
    const saved: Record<string, string> = {};
    const sub = (s: string) => s.replace(/\$([A-Z_][A-Z0-9_]*)/g, (m, name: string) => saved[name] ?? env[name] ?? m);
    for (const ex of examples(DOC)) {
      const where = `docs/http.md:${ex.line}`;
      const { stdout } = await run('bash', ['-c', PRELUDE + ex.script], {
        env: { ...env, ...saved },
        timeout: 30_000,
        maxBuffer: 4 * 1024 * 1024,
      });
      const answer = lastAnswer(stdout);
      const [head, ...segments] = ex.expect!.replace(/^→\s*/, '').split(' · ');
      expect(answer.status, `${where}: ${answer.text.slice(0, 400)}`).toBe(Number(head));
      const json = (() => {
        try {
          return JSON.parse(answer.text) as unknown;
        } catch {
          return undefined;
        }
      })();
      for (const segment of segments) {
        if (segment.startsWith('keep ')) {
          for (const item of segment.slice(5).split(/,\s*/)) {
            const [path, name] = item.split(' as ');
            const value = at(json, path!.trim());
            expect(value, `${where}: nothing at ${path}`).not.toBeUndefined();
            saved[name!.trim()] = String(value);
          }
          continue;
        }
        const colon = segment.indexOf(': ');
        const path = segment.slice(0, colon).trim();
        const want = sub(segment.slice(colon + 2).trim());
        if (path === 'text') expect(answer.text, where).toContain(want);
        else expect(String(at(json, path)), `${where}: ${path} in ${answer.text.slice(0, 400)}`).toBe(want);
      }
    }
  });
});
