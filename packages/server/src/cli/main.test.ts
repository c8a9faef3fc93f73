import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDefaultPolicy } from '@gridflow/core';
import { main, type CliIo } from './main.js';

const dir = mkdtempSync(join(tmpdir(), 'gridflow-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env, stopSignal: () => Promise.resolve() };
  return { io: value, out, err, text: () => [...out, ...err].join('\n') };
}

const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('gridflow CLI', () => {
  it('validates a policy file: exit 0 when valid, 1 with every problem (code, path, zh, en) when not', async () => {
    const ok = io();
    expect(await main(['policy', 'validate', file('ok.json', createDefaultPolicy())], ok.io)).toBe(0);
    expect(ok.text()).toMatch(/政策有效/);

    const broken = createDefaultPolicy();
    (broken.timeLimits.signing as { duration: string }).duration = 'soon';
    const bad = io();
    expect(await main(['policy', 'validate', file('bad.json', broken)], bad.io)).toBe(1);
    expect(bad.text()).toMatch(/error\s+\S+\s+\/timeLimits\/signing/);
    expect(bad.text()).toMatch(/政策无效/);
    expect(bad.text()).toMatch(/The policy is invalid/);

    const en = io();
    expect(await main(['policy', 'validate', file('bad2.json', broken), '--lang', 'en'], en.io)).toBe(1);
    expect(en.text()).not.toMatch(/政策/);
  });

  it('explains unreadable input without a stack trace', async () => {
    const missing = io();
    expect(await main(['policy', 'validate', join(dir, 'nope.json')], missing.io)).toBe(1);
    expect(missing.text()).toMatch(/文件不存在/);
    const json = io();
    expect(await main(['policy', 'validate', file('x.json', '{ not json')], json.io)).toBe(1);
    expect(json.text()).toMatch(/not valid JSON/);
    for (const r of [missing, json]) expect(r.text()).not.toMatch(/\n\s+at /);
  });

  it('refuses usage mistakes with exit code 2 and the usage', async () => {
    for (const args of [
      [],
      ['frobnicate'],
      ['policy'],
      ['policy', 'validate'],
      ['policy', 'publish', 'x.json'],
      ['--bogus'],
      ['serve', '--lang', 'fr'],
    ]) {
      const r = io();
      expect(await main(args, r.io)).toBe(2);
      expect(r.text()).toMatch(/Usage/);
    }
    const help = io();
    expect(await main(['--help'], help.io)).toBe(0);
    expect(help.text()).toMatch(/GRIDFLOW_DATA_DIR/);
  });

  it('publishes a policy file into a PGlite data folder as the next version, and migrates', async () => {
    const env = { GRIDFLOW_DATA_DIR: join(dir, 'data') };
    const migrate = io(env);
    expect(await main(['migrate'], migrate.io)).toBe(0);
    expect(migrate.text()).toMatch(/version \d+/);
    const doc = createDefaultPolicy();
    doc.changeNote = 'from the CLI';
    const first = io(env);
    expect(
      await main(['policy', 'publish', file('pub.json', doc), '--author', 'ops', '--tenant', 'district-a'], first.io),
    ).toBe(0);
    expect(first.text()).toMatch(/version 1/);
    const second = io(env);
    expect(
      await main(['policy', 'publish', file('pub.json', doc), '--author', 'ops', '--tenant', 'district-a'], second.io),
    ).toBe(0);
    expect(second.text()).toMatch(/第 2 版/);
  }, 60_000);

  it('refuses to serve in production without key configuration, in both languages', async () => {
    const r = io({ GRIDFLOW_MODE: 'production', GRIDFLOW_DATA_DIR: 'memory://' });
    expect(await main(['serve'], r.io)).toBe(1);
    expect(r.text()).toMatch(/config\.missing_keys/);
    expect(r.text()).toMatch(/GRIDFLOW_JWT_SECRET/);
    expect(r.text()).toMatch(/生产模式/);
  });

  it('refuses demo mode on a non-loopback HOST unless allowed, and says so at start', async () => {
    const refused = io({ HOST: '0.0.0.0', PORT: '0', GRIDFLOW_DATA_DIR: 'memory://' });
    expect(await main(['serve'], refused.io)).toBe(1);
    expect(refused.text()).toMatch(/config\.demo_remote/);
    expect(refused.text()).toMatch(/GRIDFLOW_DEMO_ALLOW_REMOTE=true/);
    expect(refused.text()).toMatch(/演示模式/);
    expect(refused.text()).not.toMatch(/Gridflow is running/);

    const allowed = io({
      HOST: '0.0.0.0',
      PORT: '0',
      GRIDFLOW_DATA_DIR: 'memory://',
      GRIDFLOW_DEMO_ALLOW_REMOTE: 'true',
      GRIDFLOW_PORTAL_DIR: dir,
    });
    expect(await main(['serve', '--lang', 'en'], allowed.io)).toBe(0);
    expect(allowed.text()).toMatch(/Gridflow is running \(demo mode/);
    expect(allowed.text()).toMatch(/WARNING: demo mode is listening on the non-loopback address 0\.0\.0\.0/);

    const local = io({ PORT: '0', GRIDFLOW_DATA_DIR: 'memory://', GRIDFLOW_PORTAL_DIR: dir });
    expect(await main(['serve', '--lang', 'en'], local.io)).toBe(0);
    expect(local.text()).toMatch(/Demo mode listens on this machine only \(127\.0\.0\.1\)/);
  }, 60_000);
});
