import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { examplesOf, runExample } from '../../../scripts/tsdoc-examples.js';
import * as root from './index.js';
import * as policyApi from './policy/index.js';
import * as rulesApi from './rules/index.js';
import * as calendarApi from './calendar/index.js';
import * as testingApi from './testing/index.js';
import * as runtimeApi from './runtime/index.js';
import * as processesApi from './processes/index.js';

/*
 * Every `@example` of the public API runs, and what a line states it gives (`expr; // value`) is asserted
 * (scripts/tsdoc-examples.ts says how a stated value is read). The examples see the package's exports by name,
 * and these few values many of them use.
 */
const policy = root.createDefaultPolicy();
/** A resident's noise report as a grid worker enters it. */
const noiseReport = {
  category: 'noise',
  title: '夜间施工噪声',
  description: '小区旁工地夜间施工',
  source: 'patrol',
  anonymous: false,
  reporter: { id: 'u-grid-1', name: '王网格' },
  units: { grid: 'g-01', community: 'c-01', street: 's-01' },
  location: { lng: 118.3, lat: 33.96 },
  attributes: { location: '幸福小区 3 号楼', noise_source: 'construction' },
};

/** That report filed at 09:00 on Monday 2 March 2026 and signed by the grid 30 minutes later. */
async function signedCase(): Promise<{ record: root.CaseRecord; history: root.HistoryEntry[] }> {
  const clock = root.createManualClock(Date.parse('2026-03-02T09:00:00+08:00'));
  const runtime = root.createRuntime({
    store: root.createMemoryStore(),
    clock,
    policies: root.createPolicyRegistry([policy]),
    processes: root.builtInProcesses,
  });
  const gridWorker = { id: 'u-grid-1', roles: ['grid_worker'], units: ['grid:g-01', 'community:c-01', 'street:s-01'] };
  const staff = { id: 'u-comm', roles: ['community_staff'], units: ['community:c-01', 'street:s-01'] };
  const c = await runtime.submit({ process: 'gridEscalation', input: noiseReport, actor: gridWorker });
  await runtime.send(c.id, { type: 'case.triage.file' }, { actor: staff });
  clock.advance(30 * 60_000);
  const record = await runtime.send(c.id, { type: 'case.sign' }, { actor: gridWorker });
  return { record, history: await runtime.history(c.id, { actor: gridWorker }) };
}

const fixtures = {
  // What `import { initialTransition, transition } from 'xstate'` in an example gives it.
  initialTransition,
  transition,
  policy,
  noiseReport,
  signed: await signedCase(),
  clock: root.createManualClock(Date.parse('2026-03-02T09:00:00+08:00')),
  /** The rule tree the editing examples work on (ids n1 for the root, n2, n3 for the `or` group, n4…). */
  tree: rulesApi.fromJsonLogic({
    and: [
      { '==': [{ var: 'case.urgency' }, 'emergency'] },
      { or: [{ '>': [{ var: 'case.hours' }, 24] }, { var: 'case.reopened' }] },
      { in: [{ var: 'case.category' }, ['fire', 'gas']] },
    ],
  }),
};
const scope: Record<string, unknown> = {
  ...processesApi,
  ...runtimeApi,
  ...testingApi,
  ...calendarApi,
  ...rulesApi,
  ...policyApi,
  ...root,
  ...fixtures,
};

/**
 * Examples that register tests, so they run in a test file of their own, not inside this one: the file named
 * holds the example's call as written.
 */
const RUN_IN: Record<string, string> = { runStoreContract: 'runtime/memoryStore.test.ts' };

const run = (code: string) => runExample(code, scope);

describe('TSDoc examples of @gridflow/core', () => {
  const examples = examplesOf('packages/core');

  it('reads stated values and catches a wrong one', async () => {
    expect(await run(`localize({ zh: '网格', en: 'Grid' }, 'en'); // 'Grid'`)).toEqual([]);
    expect(await run(`localize({ zh: '网格', en: 'Grid' }, 'en'); // '网格'`)).toEqual([
      `'网格' → value: got "Grid", stated "网格"`,
    ]);
    expect(await run(`const x = { a: 1, b: [1, 2] }; // { a: 1, … }`)).toEqual([]);
    expect(await run(`[1, 2, 3]; // [1, …]`)).toEqual([]);
    expect((await run(`[2, 3]; // [1, …]`))[0]).toContain('[0]: got 2, stated 1');
    expect(await run(`'已超时：处理已用时 49 小时'; // '已超时…'`)).toEqual([]);
    expect(await run(`1 + 1; // 2 (working hours)`)).toEqual([]);
    expect(await run(`1 + 1; // a number of hours`)).toEqual([]); // prose states nothing
  });

  it('finds the examples of the public API', () => {
    expect(examples.length).toBeGreaterThan(100);
  });

  for (const example of examples) {
    const home = RUN_IN[example.name];
    if (home) {
      it(`${example.name} (${example.file}:${example.line}) — runs in ${home}`, () => {
        const call = example.code.split('\n').find((l) => l.startsWith(`${example.name}(`))!;
        const normalise = (s: string) => s.replace(/\s+/g, '').replace(/expect:expectasnever/, 'expect');
        const { name, args } = /^(?<name>\w+)\((?<args>\{[^}]*\}),/.exec(call)!.groups!;
        expect(normalise(readFileSync(new URL(home, import.meta.url), 'utf8'))).toContain(normalise(`${name}(${args}`));
      });
      continue;
    }
    it(`${example.name} (${example.file}:${example.line})`, async () => {
      expect(await run(example.code)).toEqual([]);
    });
  }
});
