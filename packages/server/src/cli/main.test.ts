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

  it('creates a tenant with its own policy and org tree, and refuses an existing or invalid id', async () => {
    const env = { GRIDFLOW_DATA_DIR: join(dir, 'tenants') };
    const org = file('org.json', {
      units: [
        { id: 'd-9', kind: 'district', parentId: null, name: { zh: '九区', en: 'District 9' } },
        { id: 's-91', kind: 'street', parentId: 'd-9', name: { zh: '九一街道', en: 'Street 91' } },
      ],
      users: [{ id: 'u-9', name: '九号', roles: ['street_dispatcher'], units: ['street:s-91'] }],
    });
    const policy = { ...createDefaultPolicy(), changeNote: 'district 9' };
    const made = io(env);
    expect(
      await main(['tenant', 'create', 'district-9', '--org', org, '--policy', file('p9.json', policy)], made.io),
    ).toBe(0);
    expect(made.text()).toMatch(/已创建租户 district-9/);
    expect(made.text()).toMatch(/Created tenant district-9: policy default version 1, 2 org unit\(s\), 1 user\(s\)/);

    // The default policy when none is given; no org is fine too.
    const bare = io(env);
    expect(await main(['tenant', 'create', 'district-10', '--lang', 'en'], bare.io)).toBe(0);
    expect(bare.text()).toMatch(/policy default version 1, 0 org unit/);

    const again = io(env);
    expect(await main(['tenant', 'create', 'district-9'], again.io)).toBe(1);
    expect(again.text()).toMatch(/tenant\.exists/);
    expect(again.text()).toMatch(/租户 district-9 已存在/);
    expect(again.text()).toMatch(/The tenant district-9 already exists/);

    for (const wrong of ['..', 'has space', 'x'.repeat(65), 'a/b']) {
      const r = io(env);
      expect(await main(['tenant', 'create', wrong], r.io), wrong).toBe(1);
      expect(r.text()).toMatch(/tenant\.invalid_id/);
      expect(r.text()).toMatch(/租户标识.*无效/);
      expect(r.text()).toMatch(/is not valid/);
    }

    // An org whose unit names a missing parent, or is malformed, creates nothing: the id stays free.
    const orphan = io(env);
    const orphanOrg = file('orphan.json', [
      { id: 'g-1', kind: 'grid', parentId: 'c-404', name: { zh: '格', en: 'Grid' } },
    ]);
    expect(await main(['tenant', 'create', 'district-11', '--org', orphanOrg], orphan.io)).toBe(1);
    expect(orphan.text()).toMatch(/org\.unknown_parent/);
    const badKind = io(env);
    const badOrg = file('bad-org.json', [{ id: 'x', kind: 'planet', parentId: null, name: { zh: '星', en: 'Star' } }]);
    expect(await main(['tenant', 'create', 'district-11', '--org', badOrg], badKind.io)).toBe(1);
    expect(badKind.text()).toMatch(/org\.invalid_unit/);
    const notOrg = io(env);
    expect(await main(['tenant', 'create', 'district-11', '--org', file('n.json', { units: 3 })], notOrg.io)).toBe(1);
    expect(notOrg.text()).toMatch(/tenant\.invalid_org/);
    const broken = createDefaultPolicy();
    (broken.timeLimits.signing as { duration: string }).duration = 'soon';
    const badPolicy = io(env);
    expect(await main(['tenant', 'create', 'district-11', '--policy', file('bp.json', broken)], badPolicy.io)).toBe(1);
    expect(badPolicy.text()).toMatch(/was not created/);
    const finally_ = io(env);
    expect(await main(['tenant', 'create', 'district-11', '--org', org], finally_.io)).toBe(0);
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
