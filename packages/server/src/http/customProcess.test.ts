import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandMatches } from '@gridflow/core/policy';
import { createDefaultPolicy, type Actor, type Policy } from '@gridflow/core';
import {
  contractRules,
  residentContractsProcess,
} from '../../../../docs/examples/resident-contracts/residentContracts.js';
import { ENGINES, noiseReport, startHarness, type Harness } from './harness.js';

/**
 * A process composed in code (居民五约, `contract.*`), run by the server beside the built-in ones: its policy goes
 * through the review workflow, and the authorisation matrix extended to it shows that a row for one process's
 * commands opens no other process's cases — the compound-scoped `contract.sign` rows of residents least of all.
 */

/** The default policy plus the contracts' rows and rules. */
function contractPolicy(): Policy {
  const policy = createDefaultPolicy();
  policy.permissions.push(
    { id: 'p-resident-contract-submit', role: 'resident', command: 'contract.submit', scope: 'compound' },
    { id: 'p-resident-contract-sign', role: 'resident', command: 'contract.sign', scope: 'compound' },
    { id: 'p-community-contract', role: 'community_staff', command: 'contract.*', scope: 'community' },
  );
  policy.rules.custom = structuredClone(contractRules);
  return policy;
}

const editor: Actor = { id: 'u-editor', roles: ['policy_editor'], units: [] };
const approver: Actor = { id: 'u-approver', roles: ['policy_approver'], units: [] };
/** Residents of compound x-01 (in grid g-01): each may submit and sign contracts there, and report their own matters. */
const resident: Actor = { id: 'u-resident', roles: ['resident'], units: ['compound:x-01'] };
const neighbour: Actor = { id: 'u-neighbour', roles: ['resident'], units: ['compound:x-01'] };
const farResident: Actor = { id: 'u-far', roles: ['resident'], units: ['compound:x-02'] };
const communityStaff: Actor = { id: 'u-comm', roles: ['community_staff'], units: ['community:c-01'] };
const gridWorker: Actor = { id: 'u-grid', roles: ['grid_worker'], units: ['grid:g-01'] };
const propertyCompany: Actor = { id: 'u-pc', roles: ['property_company'], units: ['compound:x-01'] };
const assessor: Actor = { id: 'u-assessor', roles: ['assessor'], units: [] };

const contract = {
  title: '3 号楼 201 室居民五约',
  household: '3-201',
  phone: '13900000001',
  pledges: ['dogs', 'sorting'],
  compound: 'x-01',
  community: 'c-01',
  required: 1,
};

describe.each(ENGINES)('a process composed in code, in the server, on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(engine, { processes: [residentContractsProcess] });
  });
  afterAll(async () => {
    await h?.close();
  });

  const as = (actor: Actor, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    h.request(actor, { method, url, ...(payload ? { payload } : {}) });

  it('publishes its policy through validate, draft, submit, approve and publish', async () => {
    const document = { ...contractPolicy(), id: 'default' };
    const validated = await as(editor, 'POST', '/api/v1/policies/validate', { document });
    expect(validated.statusCode).toBe(200);
    const errors = (validated.json() as { problems: { severity: string; code: string }[] }).problems.filter(
      (p) => p.severity === 'error',
    );
    expect(errors).toEqual([]);
    // A misspelt fact of a custom rule is found with the facts the process declares.
    const typo = structuredClone(document);
    typo.rules.custom!.contractReady!.logic = { '>=': [{ var: 'contract.sigend' }, 1] };
    const flagged = (await as(editor, 'POST', '/api/v1/policies/validate', { document: typo })).json() as {
      valid: boolean;
      problems: { code: string; path: string }[];
    };
    expect(flagged.valid).toBe(false);
    expect(flagged.problems.map((p) => p.code)).toContain('rule.unknown_fact');

    const draft = await as(editor, 'POST', '/api/v1/policies/default/drafts', { document });
    expect(draft.statusCode).toBe(201);
    const { version } = draft.json() as { version: number };
    const step = (actor: Actor, what: string, body: object = {}) =>
      as(actor, 'POST', `/api/v1/policies/default/versions/${version}/${what}`, body);
    for (const [actor, what] of [
      [editor, 'submit'],
      [approver, 'approve'],
      [approver, 'publish'],
    ] as const) {
      const res = await step(actor, what);
      expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBe(200);
    }
    const current = (await as(editor, 'GET', '/api/v1/policies/current')).json() as { version: number };
    expect(current.version).toBe(version);
  });

  it('runs its cases over HTTP, and a row for its commands opens none of the grid cases in the same compound', async () => {
    // A neighbour's grid case in compound x-01, with a phone number.
    const grid = await as(neighbour, 'POST', '/api/v1/cases', {
      process: 'gridEscalation',
      input: noiseReport({
        units: { grid: 'g-01', community: 'c-01', street: 's-01', compound: 'x-01' },
        reporter: { id: 'u-neighbour', name: '李四', phone: '13800000002' },
      }),
    });
    expect(grid.statusCode, grid.body.slice(0, 300)).toBe(201);
    const gridId = (grid.json() as { id: string }).id;

    const created = await as(resident, 'POST', '/api/v1/cases', { process: 'residentContracts', input: contract });
    expect(created.statusCode, created.body.slice(0, 300)).toBe(201);
    const contractId = (created.json() as { id: string }).id;
    const signed = await as(neighbour, 'POST', `/api/v1/cases/${contractId}/commands`, {
      type: 'contract.sign',
      input: { household: '3-202' },
      expectedVersion: 1,
    });
    expect(signed.statusCode, signed.body.slice(0, 300)).toBe(200);
    const approved = await as(communityStaff, 'POST', `/api/v1/cases/${contractId}/commands`, {
      type: 'contract.approve',
      input: {},
      expectedVersion: 2,
    });
    expect(approved.statusCode, approved.body.slice(0, 300)).toBe(200);
    expect((approved.json() as { state: string }).state).toBe('inForce');
    // Its own rule explained with its facts' names.
    type HistoryItem = { command: string; decisions: { rule: string; explanation: string }[] };
    const { items: history } = (
      await as(communityStaff, 'GET', `/api/v1/cases/${contractId}/history?lang=zh`)
    ).json() as {
      items: HistoryItem[];
    };
    const ready = history
      .find((e) => e.command === 'contract.approve')!
      .decisions.find((d) => d.rule === 'contractReady');
    expect(ready?.explanation).toContain('已签字户数');

    // The resident's contract rows are compound-scoped: they open the compound's contracts, not its grid cases.
    const reads = [
      `/api/v1/cases/${gridId}`,
      `/api/v1/cases/${gridId}/history`,
      `/api/v1/cases/${gridId}/commands`,
      `/api/v1/cases/${gridId}/attachments`,
    ];
    for (const url of reads) {
      const res = await as(resident, 'GET', url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('13800000002');
    }
    const signGrid = await as(resident, 'POST', `/api/v1/cases/${gridId}/commands`, {
      type: 'case.sign',
      input: {},
      expectedVersion: 1,
    });
    expect(signGrid.statusCode).toBe(404);
    const listed = (await as(resident, 'GET', '/api/v1/cases?limit=200')).json() as { items: { id: string }[] };
    expect(listed.items.map((i) => i.id)).toContain(contractId);
    expect(listed.items.map((i) => i.id)).not.toContain(gridId);
    // The reporter of the grid case still reads it (case.submit, own), but not through her contract rows.
    expect((await as(neighbour, 'GET', `/api/v1/cases/${gridId}`)).statusCode).toBe(200);
  });

  it('the authorisation matrix over both processes: each case opens to the rows of its own process only', async () => {
    const policy = contractPolicy();
    const grid = await as(neighbour, 'POST', '/api/v1/cases', {
      process: 'gridEscalation',
      input: noiseReport({
        units: { grid: 'g-01', community: 'c-01', street: 's-01', compound: 'x-01' },
        reporter: { id: 'u-neighbour', name: '李四', phone: '13800000002' },
      }),
    });
    expect(grid.statusCode, grid.body.slice(0, 300)).toBe(201);
    const created = await as(resident, 'POST', '/api/v1/cases', { process: 'residentContracts', input: contract });
    const cases = [
      {
        id: (grid.json() as { id: string }).id,
        readers: ['case.*', 'evaluation.appeal.decide', 'evaluation.exclusion.approve', 'evaluation.notice.*'],
        reporter: 'u-neighbour',
        units: ['grid:g-01', 'community:c-01', 'street:s-01', 'compound:x-01'],
      },
      {
        id: (created.json() as { id: string }).id,
        readers: ['contract.*'],
        reporter: 'u-resident',
        units: ['compound:x-01', 'community:c-01'],
      },
    ];
    const overlap = (a: string, b: string) => commandMatches(a, b) || commandMatches(b, a);
    const failures: string[] = [];
    let checked = 0;
    for (const actor of [
      resident,
      neighbour,
      farResident,
      communityStaff,
      gridWorker,
      propertyCompany,
      assessor,
      editor,
    ]) {
      for (const c of cases) {
        const readable = policy.permissions.some(
          (row) =>
            actor.roles.includes(row.role) &&
            !row.command.startsWith('policy.') &&
            c.readers.some((r) => overlap(row.command, r)) &&
            (row.scope === 'all' ||
              (row.scope === 'own'
                ? c.reporter === actor.id
                : actor.units.some((u) => u.startsWith(`${row.scope}:`) && c.units.includes(u)))),
        );
        const res = await as(actor, 'GET', `/api/v1/cases/${c.id}`);
        const list = (await as(actor, 'GET', '/api/v1/cases?limit=200')).json() as { items?: { id: string }[] };
        const listed = (list.items ?? []).some((i) => i.id === c.id);
        checked++;
        if (res.statusCode !== (readable ? 200 : 404) || listed !== readable)
          failures.push(
            `${actor.id} ${c.readers[0]}: expected ${readable ? 'readable' : 'hidden'}, got ${res.statusCode}, listed ${listed}`,
          );
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(16);
  });
});
