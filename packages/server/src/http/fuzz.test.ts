import { afterAll, beforeAll, describe, it } from 'vitest';
import fc from 'fast-check';
import { allowedBy } from '@gridflow/core/runtime';
import { createDefaultPolicy, type Actor } from '@gridflow/core';
import { FIXTURE_UNITS, recipes, type Fixture } from './fixtures.js';
import { actors, ENGINES, START, startHarness, TENANTS, type Harness } from './harness.js';
import { commandBodySchema, submitBodySchema } from './schemas.js';
import type { Schema } from './validation.js';

/**
 * Fuzzing the intake and command endpoints with bodies generated from their own request schemas (fast-check): most
 * valid or nearly valid (one mutation away), with domain codes mixed in so they pass the schema and reach the
 * policy checks, the state machines and the store. Invariants: never a 5xx, and a rejected request leaves every
 * stored table exactly as it was (a digest of the tables is compared after every request).
 */

const RUNS_PER_ENGINE = Number(process.env.GRIDFLOW_FUZZ_RUNS ?? 5_000);
const [T] = TENANTS;
const policy = createDefaultPolicy();
const DAY = 86_400_000;

/** Domain values by property name, mixed into generated strings so bodies reach beyond the schema. */
function hints(caseIds: () => string[]): Record<string, fc.Arbitrary<unknown>> {
  const units = fc.constantFrom(...FIXTURE_UNITS, 'grid:g-02', 'street:s-02');
  const party = fc.constantFrom(
    'community',
    'owners_committee',
    'property_company',
    'department:urban_management',
    'department:housing',
  );
  const time = fc.integer({ min: -2, max: 30 }).map((d) => START + d * DAY + 3_600_000);
  return {
    category: fc.constantFrom(...policy.categories.map((c) => c.code)),
    urgency: fc.constantFrom(...policy.urgencies.map((u) => u.code)),
    grid: fc.constantFrom('g-01', 'g-02'),
    gridId: fc.constantFrom('g-01', 'g-02'),
    community: fc.constantFrom('c-01', 'c-02'),
    communityId: fc.constantFrom('c-01', 'c-02'),
    street: fc.constantFrom('s-01', 's-02'),
    streetId: fc.constantFrom('s-01', 's-02'),
    compound: fc.constantFrom('x-01', 'x-02'),
    compoundId: fc.constantFrom('x-01', 'x-02'),
    matterType: fc.constantFrom(...policy.coordination.matterTypes.map((m) => m.code)),
    department: fc.constantFrom(...policy.organisation.departments.map((d) => d.code)),
    departments: fc.uniqueArray(fc.constantFrom(...policy.organisation.departments.map((d) => d.code)), {
      minLength: 1,
      maxLength: 3,
    }),
    party,
    attending: fc.uniqueArray(party, { minLength: 0, maxLength: 4 }),
    invited: fc.uniqueArray(party, { maxLength: 2 }),
    rating: fc.constantFrom(...policy.evaluation.scale.map((s) => s.code)),
    correctedRating: fc.constantFrom(...policy.evaluation.scale.map((s) => s.code)),
    reason: fc.constantFrom(
      'wrong_locality',
      'unclear_ownership',
      'overlapping_duties',
      ...policy.evaluation.controllableReasons.map((r) => r.code),
      '协调未果',
    ),
    caseId: fc.constantFrom(...caseIds(), 'missing'),
    subjectCaseId: fc.constantFrom('missing', 'c-x'),
    evaluatorId: fc.constantFrom('u-resident', 'u-other'),
    reporterId: fc.constantFrom('u-resident', 'u-other'),
    raisedBy: fc.constantFrom('u-resident', 'u-owners'),
    unit: units,
    evaluatorUnit: units,
    subjectUnits: fc.uniqueArray(units, { maxLength: 4 }),
    duration: fc.constantFrom('P2D', 'PT4H', 'P1W', 'P0D'),
    id: fc.constantFrom('a-0', 'a-1', 'u-resident'),
    meetingAt: time,
    dueAt: time,
    until: time,
    level: fc.constantFrom('grid', 'community', 'street', 'department', 'district'),
    lng: fc.double({ min: 118.26, max: 118.32, noNaN: true }),
    lat: fc.double({ min: 33.955, max: 33.975, noNaN: true }),
    attributes: fc.dictionary(
      fc.constantFrom(
        'location',
        'noise_source',
        'structure_type',
        'area_m2',
        'business_name',
        'description',
        'utility',
        'compound',
        'dispute_type',
      ),
      fc.oneof(
        fc.constantFrom('construction', 'shed', 'water', 'parking', '幸福小区 3 号楼'),
        fc.integer({ min: -5, max: 200 }),
        fc.string({ maxLength: 12 }),
      ),
      { maxKeys: 3 },
    ),
  };
}

/** An arbitrary of values valid for a JSON Schema (the subset the API's schemas use), with domain hints by property name. */
function fromSchema(schema: Schema, h: Record<string, fc.Arbitrary<unknown>>, name?: string): fc.Arbitrary<unknown> {
  if (name && h[name] && !('const' in schema))
    return fc.oneof({ weight: 4, arbitrary: h[name] }, { weight: 1, arbitrary: plain(schema, h) });
  return plain(schema, h);
}

function plain(schema: Schema, h: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const branches = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (Array.isArray(branches)) return fc.oneof(...branches.map((b) => fromSchema(b, h)));
  const type = schema.type;
  if (Array.isArray(type)) return fc.oneof(...type.map((t) => plain({ ...schema, type: t }, h)));
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = (schema.required ?? []) as string[];
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, fromSchema(s, h, k)])),
        { requiredKeys: required },
      );
      const extra = schema.additionalProperties;
      if (extra && typeof extra === 'object') {
        const keys = schema.propertyNames
          ? (fromSchema(schema.propertyNames as Schema, h, 'party') as fc.Arbitrary<string>)
          : fc.string({ minLength: 1, maxLength: 8 });
        return fc
          .tuple(record, fc.dictionary(keys, plain(extra as Schema, h), { maxKeys: 3 }))
          .map(([a, b]) => ({ ...b, ...(a as object) }));
      }
      if (Object.keys(properties).length === 0 && extra !== false)
        return fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
      return record;
    }
    case 'string': {
      const minLength = (schema.minLength as number | undefined) ?? 0;
      const maxLength = Math.min((schema.maxLength as number | undefined) ?? 40, Math.max(minLength, 40));
      if (typeof schema.pattern === 'string') {
        const regex = new RegExp(schema.pattern);
        const fits = (s: string) =>
          s.length >= minLength && s.length <= ((schema.maxLength as number | undefined) ?? Infinity);
        try {
          return fc.stringMatching(regex).filter(fits);
        } catch {
          // fast-check cannot build every regular expression (lookaheads): samples that match, and random text.
          const samples = ['P1D', 'PT4H', 'P2W', 'P1DT2H', 'PT30M', '13800001234', 'a-1', 'grid:g-01'].filter(
            (x) => regex.test(x) && fits(x),
          );
          return samples.length
            ? fc.oneof(fc.constantFrom(...samples), fc.string({ maxLength }))
            : fc.string({ minLength, maxLength });
        }
      }
      return fc.string({ minLength, maxLength, unit: 'grapheme' });
    }
    case 'integer':
      return fc.integer({
        min: (schema.minimum as number | undefined) ?? -1_000,
        max: Math.min((schema.maximum as number | undefined) ?? 1_000_000, 2 ** 31 - 1),
      });
    case 'number':
      return fc.double({
        min: (schema.minimum as number | undefined) ?? -1e6,
        max: (schema.maximum as number | undefined) ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = fromSchema((schema.items ?? {}) as Schema, h);
      const constraints = {
        minLength: (schema.minItems as number | undefined) ?? 0,
        maxLength: Math.min((schema.maxItems as number | undefined) ?? 4, 4),
      };
      return schema.uniqueItems
        ? fc.uniqueArray(items, { ...constraints, selector: (v) => JSON.stringify(v) })
        : fc.array(items, constraints);
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Every JSON Pointer-ish path of a value (objects and arrays), root first. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

const JUNK: unknown[] = [
  null,
  '',
  'x'.repeat(6000),
  'a\u0000b',
  '\ud800',
  -1,
  1.5,
  1e300,
  -1e300,
  2 ** 53 + 2,
  true,
  [],
  {},
  { __nested: JSON.parse('['.repeat(40) + '1' + ']'.repeat(40)) as unknown },
  '<script>alert(1)</script>',
  "'; DROP TABLE cases; --",
  '../../etc/passwd',
  '😀'.repeat(50),
];

/** One mutation of a valid value: drop a property, replace a value with junk, or add an unknown property. */
const mutation = fc.record({
  kind: fc.constantFrom('drop', 'replace', 'add'),
  at: fc.nat(),
  junk: fc.oneof(fc.constantFrom(...JUNK), fc.jsonValue({ maxDepth: 2 })),
});

function mutate(value: unknown, m: { kind: string; at: number; junk: unknown }): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  const all = paths(copy);
  const path = all[m.at % all.length]!;
  if (path.length === 0) return m.kind === 'replace' ? m.junk : m.kind === 'add' ? { ...copy, unexpected: m.junk } : {};
  const parent = path
    .slice(0, -1)
    .reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], copy) as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  if (m.kind === 'drop') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (m.kind === 'replace') parent[key] = m.junk;
  else if (parent && typeof parent === 'object' && !Array.isArray(parent)) parent[`x_${String(key)}`] = m.junk;
  else parent[key] = m.junk;
  return copy;
}

/** Attribute values valid for a category's attribute definitions (the policy says what each must be). */
function attributesFor(code: string): fc.Arbitrary<Record<string, unknown>> {
  const category = policy.categories.find((c) => c.code === code)!;
  const entries = category.attributes.map((a): [string, fc.Arbitrary<unknown>] => {
    switch (a.type) {
      case 'number':
        return [
          a.code,
          fc.integer({ min: Math.ceil(a.minimum ?? 0), max: Math.floor(Math.min(a.maximum ?? 1000, 1e6)) }),
        ];
      case 'choice':
        return [a.code, fc.constantFrom(...(a.options ?? []).map((o) => o.value))];
      case 'date':
        return [a.code, fc.constantFrom('2025-12-01', '2026-02-28', a.earliest ?? '2020-01-01')];
      default:
        return [
          a.code,
          fc.string({
            minLength: Math.max(a.minLength ?? 0, 2),
            maxLength: Math.min(a.maxLength ?? 30, 30),
            unit: 'grapheme',
          }),
        ];
    }
  });
  const required = category.attributes.filter((a) => a.required).map((a) => a.code);
  return fc.record(Object.fromEntries(entries), { requiredKeys: required }) as fc.Arbitrary<Record<string, unknown>>;
}

/** Realistic submissions of the three processes, valid except where chance picks a wrong combination. */
function intakeTemplates(): fc.Arbitrary<Record<string, unknown>> {
  const text = (max: number) => fc.string({ minLength: 1, maxLength: max, unit: 'grapheme' });
  const place = fc.record({
    grid: fc.constantFrom('g-01', 'g-02'),
    community: fc.constantFrom('c-01', 'c-02'),
    street: fc.constantFrom('s-01', 's-02'),
  });
  const grid = fc.constantFrom(...policy.categories.map((c) => c.code)).chain((category) =>
    fc.record({
      process: fc.constant('gridEscalation'),
      input: fc.record(
        {
          category: fc.constant(category),
          urgency: fc.constantFrom(...policy.urgencies.map((u) => u.code)),
          title: text(40),
          description: text(80),
          source: fc.constantFrom('patrol', 'walk_in', 'hotline', 'platform', 'app'),
          anonymous: fc.boolean(),
          reporter: fc.record(
            {
              id: fc.constantFrom('u-resident', 'u-other'),
              name: text(8),
              phone: fc.constantFrom('13800001234', '010-12345678'),
            },
            { requiredKeys: [] },
          ),
          location: fc.record({
            lng: fc.double({ min: 118.26, max: 118.32, noNaN: true }),
            lat: fc.double({ min: 33.955, max: 33.975, noNaN: true }),
          }),
          units: place,
          attributes: attributesFor(category),
        },
        {
          requiredKeys: ['category', 'title', 'description', 'source', 'anonymous', 'reporter', 'units', 'attributes'],
        },
      ),
    }),
  );
  const matter = fc.record({
    process: fc.constant('propertyCoordination'),
    input: fc.record({
      compoundId: fc.constantFrom('x-01', 'x-02'),
      communityId: fc.constantFrom('c-01', 'c-02'),
      streetId: fc.constantFrom('s-01', 's-02'),
      gridId: fc.constantFrom('g-01', 'g-02'),
      matterType: fc.constantFrom(...policy.coordination.matterTypes.map((m) => m.code)),
      title: text(40),
      description: text(80),
      raisedBy: fc.constantFrom('u-resident', 'u-owners'),
    }),
  });
  const evaluation = fc.record({
    process: fc.constant('appealEvaluation'),
    input: fc.record({
      subjectCaseId: fc.constantFrom('c-1', 'c-2'),
      subjectProcess: fc.constant('gridEscalation'),
      evaluatorKind: fc.constantFrom('resident', 'lower_level'),
      evaluatorId: fc.constantFrom('u-resident', 'u-other'),
      reporterId: fc.constant('u-resident'),
      unit: fc.constantFrom(...FIXTURE_UNITS),
      evaluatorUnit: fc.constantFrom('street:s-01', 'community:c-01'),
      subjectUnits: fc.uniqueArray(fc.constantFrom(...FIXTURE_UNITS), { maxLength: 4 }),
    }),
  });
  return fc.oneof({ weight: 3, arbitrary: grid }, matter, evaluation) as fc.Arbitrary<Record<string, unknown>>;
}

const CALLERS: (Actor | null)[] = [
  actors.dispatcher,
  actors.secretary,
  actors.communityStaff,
  actors.gridWorker,
  actors.resident,
  actors.liaison,
  actors.owners,
  actors.property,
  actors.assessor,
  actors.leader,
  actors.platform,
  null,
];

describe.each(ENGINES)('fuzzing intake and commands on %s', (engine) => {
  let h: Harness;
  /** The fixture prepared for each command, and the version of every case as last seen. */
  const fixtures = new Map<string, Fixture>();
  const versions = new Map<string, number>();

  const prepare = async (command: string) => {
    const fx = await recipes[command]!(h.ctx, T, 'community_secretary');
    fixtures.set(command, fx);
    versions.set(fx.caseId, fx.version);
  };

  beforeAll(async () => {
    h = await startHarness(engine);
    for (const command of Object.keys(recipes)) await prepare(command);
  });
  afterAll(async () => {
    await h?.close();
  });

  it(`survives ${RUNS_PER_ENGINE} generated bodies: no 5xx, rejected requests change nothing`, async ({ expect }) => {
    const runtime = await h.ctx.runtimeFor(T);
    const processes = runtime.processes();
    const initialCases = [...versions.keys()];
    const hint = hints(() => initialCases);
    const fromSchemas = {
      intake: fromSchema(submitBodySchema(processes), hint),
      command: fromSchema(commandBodySchema(processes), hint),
    };
    const types = Object.keys(recipes);
    const plan = fc.record({
      target: fc.constantFrom('intake', 'command', 'command', 'command'),
      // template: a realistic body (a fixture's known-good input, or a realistic submission); schema: generated from the request schema.
      source: fc.constantFrom('template', 'template', 'schema'),
      intake: intakeTemplates(),
      generatedIntake: fromSchemas.intake,
      generatedCommand: fromSchemas.command,
      type: fc.constantFrom(...types),
      note: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      // About a third of the bodies are one mutation away from valid.
      mutation: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: mutation }),
      caller: fc.nat(),
      allowedCaller: fc.nat({ max: 9 }).map((n) => n < 7),
      ownCase: fc.nat({ max: 9 }),
      stale: fc.nat({ max: 14 }),
    });

    const stats = {
      requests: 0,
      accepted: 0,
      rejected: 0,
      byStatus: {} as Record<number, number>,
      byCode: {} as Record<string, number>,
    };
    let baseline = await h.rowVersions();
    let refills = 120;
    let rejectedSinceContent = 0;
    await fc.assert(
      fc.asyncProperty(plan, async (p) => {
        let url = '/api/v1/cases';
        let body: unknown;
        let caller = CALLERS[p.caller % CALLERS.length]!;
        if (p.target === 'intake') {
          body = p.source === 'template' ? p.intake : p.generatedIntake;
        } else {
          const generated = p.generatedCommand as { type?: unknown };
          const type = p.source === 'template' ? p.type : typeof generated.type === 'string' ? generated.type : p.type;
          const fx = fixtures.get(type);
          const ids = [...versions.keys()];
          const caseId = fx && p.ownCase < 8 ? fx.caseId : ids[(p.caller * 7 + p.ownCase) % ids.length]!;
          const current = versions.get(caseId) ?? 1;
          const expectedVersion = p.stale === 0 ? Math.max(1, current - 1) : current;
          body =
            p.source === 'template'
              ? {
                  type,
                  input: {
                    ...(fx?.input ?? {}),
                    ...(p.note !== undefined && fx?.input && 'note' in fx.input ? { note: p.note } : {}),
                  },
                  expectedVersion,
                }
              : { ...(generated as object), expectedVersion };
          url = `/api/v1/cases/${caseId}/commands`;
          if (p.allowedCaller && fx) {
            const allowed = CALLERS.filter(
              (a): a is Actor => a !== null && allowedBy(policy, a, type, fx.summary).length > 0,
            );
            if (allowed.length > 0) caller = allowed[p.caller % allowed.length]!;
          }
        }
        if (p.mutation) body = mutate(body, p.mutation);

        const res = await h.request(caller, { method: 'POST', url, payload: body as object });
        stats.requests++;
        stats.byStatus[res.statusCode] = (stats.byStatus[res.statusCode] ?? 0) + 1;
        const shown = `${url} as ${caller?.id ?? 'anonymous'} ${JSON.stringify(body).slice(0, 400)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(res.statusCode, shown).toBeLessThan(500);
        const after = await h.rowVersions();
        if (res.statusCode >= 400) {
          stats.rejected++;
          rejectedSinceContent++;
          expect(after, `a rejected request changed stored data: ${shown}`).toBe(baseline);
          const error = res.json() as Record<string, unknown>;
          stats.byCode[String(error.code)] = (stats.byCode[String(error.code)] ?? 0) + 1;
          if (process.env.GRIDFLOW_FUZZ_DEBUG && error.code === 'input.invalid')
            console.log(p.target, p.source, p.mutation ? 'mut' : '', error.path, error.message_en);
          expect(
            typeof error.code === 'string' &&
              typeof error.message_zh === 'string' &&
              typeof error.message_en === 'string',
            shown,
          ).toBe(true);
          expect(res.body).not.toMatch(/\n\s+at /);
        } else {
          stats.accepted++;
          const view = res.json() as { id: string; version: number };
          versions.set(view.id, view.version);
          // Keep commands reachable: a fixture that took its command is prepared again (within a budget, for time).
          for (const [command, fx] of fixtures) {
            if (fx.caseId === view.id && refills > 0) {
              refills--;
              await prepare(command);
            }
          }
          baseline = await h.rowVersions();
        }
      }),
      { numRuns: RUNS_PER_ENGINE, seed: 20260302, endOnFailure: true },
    );
    console.log(`[${engine}] fuzz:`, stats);
    expect(rejectedSinceContent).toBeGreaterThan(0);
    expect(stats.requests).toBe(RUNS_PER_ENGINE);
    // Deep code reached: a good share of the bodies passed every check and changed a case.
    expect(stats.accepted).toBeGreaterThan(RUNS_PER_ENGINE / 20);

    // And a content digest (every row's content hashed) around a few more rejected requests.
    const before = await h.digest();
    const bad = [
      { process: 'gridEscalation', input: { category: 'noise' } },
      {
        process: 'gridEscalation',
        input: {
          category: 'nope',
          title: 't',
          description: 'd',
          source: 'app',
          anonymous: false,
          reporter: {},
          units: { grid: 'g', community: 'c', street: 's' },
        },
      },
      { process: 'nope', input: {} },
    ];
    for (const payload of bad)
      expect((await h.request(actors.dispatcher, { method: 'POST', url: '/api/v1/cases', payload })).statusCode).toBe(
        400,
      );
    const fx = fixtures.get('case.sign')!;
    const attempts = [
      { type: 'case.sign', input: {}, expectedVersion: fx.version + 5 },
      { type: 'case.close', input: {}, expectedVersion: fx.version },
      { type: 'case.sign', input: { note: 5 }, expectedVersion: fx.version },
    ];
    for (const payload of attempts) {
      const res = await h.request(actors.dispatcher, {
        method: 'POST',
        url: `/api/v1/cases/${fx.caseId}/commands`,
        payload,
      });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
    }
    expect(await h.digest()).toBe(before);
  }, 120_000);
});
