import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GridflowError, type LocalizedText } from '@gridflow/core';
import type { DirectoryUser, OrgRepository, OrgUnit } from '../context.js';
import { DEMO_GRIDS, centreOf, demoUnits } from '../demo/org.js';
import { demoDirectory } from '../demo/users.js';
import { createPostgresClient, migrate, openPgliteClient, redactUrl, type SqlClient } from '../store/index.js';
import { createOrgRepository } from './orgRepository.js';

/*
 * The organisation repository on PGlite and on PostgreSQL: the same round trips, validation and tenant isolation.
 * The PostgreSQL half is never skipped: if the database does not answer, its tests fail saying so.
 */

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `gridflow_test_org_${randomBytes(5).toString('hex')}`;

const t = (zh: string, en: string): LocalizedText => ({ zh, en });
const square = (w: number, s: number, e: number, n: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
      [w, s],
    ],
  ],
});

const byId = <T extends { id: string }>(items: T[]): T[] =>
  [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(GridflowError);
  expect((error as GridflowError).code).toBe(code);
  expect((error as GridflowError).messages.zh).toBeTruthy();
}

/** The repository contract, for one database. */
function repositoryContract(name: string, client: () => SqlClient): void {
  describe(`org repository on ${name}`, () => {
    let org: OrgRepository;
    beforeEach(async () => {
      await client().query('DELETE FROM org_units');
      await client().query('DELETE FROM directory_users');
      org = createOrgRepository(client());
    });

    it('round-trips the demo units, boundaries and attributes included, listing the tree top down', async () => {
      const units = demoUnits('demo');
      await org.upsertUnits(units);
      const tree = await org.tree('demo');
      expect(byId(tree)).toEqual(byId(units));
      const order = tree.map((u) => u.kind);
      expect(order.indexOf('district')).toBe(0);
      expect(order.lastIndexOf('street')).toBeLessThan(order.indexOf('community'));
      expect(order.lastIndexOf('community')).toBeLessThan(order.indexOf('grid'));
      expect(await org.get('demo', 'g-10')).toEqual(units.find((u) => u.id === 'g-10'));
      expect(await org.get('demo', 'nope')).toBeNull();
    });

    it('upserts: writing a unit again replaces it, without duplicates', async () => {
      await org.upsertUnits(demoUnits('demo'));
      const renamed: OrgUnit = {
        ...demoUnits('demo').find((u) => u.id === 'g-01')!,
        name: t('楚风社区一网格（新）', 'Chufeng Grid 1 (new)'),
        attributes: { households: 400 },
      };
      await org.upsertUnits([renamed]);
      await org.upsertUnits(demoUnits('demo').filter((u) => u.kind === 'street'));
      expect(await org.get('demo', 'g-01')).toEqual(renamed);
      expect((await org.tree('demo')).length).toBe(demoUnits('demo').length);
    });

    it('round-trips users and upserts them', async () => {
      const users = demoDirectory('demo');
      await org.upsertUsers(users);
      expect(byId(await org.users('demo'))).toEqual(byId(users));
      const changed: DirectoryUser = { ...users[0]!, name: '张桂兰（已搬家）', units: ['grid:g-03'] };
      await org.upsertUsers([changed]);
      const after = await org.users('demo');
      expect(after).toHaveLength(users.length);
      expect(after.find((u) => u.id === changed.id)).toEqual(changed);
    });

    it('locates points through the stored boundaries, and sees a changed boundary at once', async () => {
      await org.upsertUnits(demoUnits('demo'));
      for (const g of DEMO_GRIDS) {
        expect(await org.locate('demo', centreOf(g.parts[0]!))).toEqual({
          grid: g.id,
          community: g.community,
          street: g.street,
        });
      }
      expect(await org.locate('demo', { lng: 116.4, lat: 39.9 })).toBeNull();
      // g-01 shrinks to its northern half: its southern half is now in no grid.
      const g01 = demoUnits('demo').find((u) => u.id === 'g-01')!;
      await org.upsertUnits([{ ...g01, boundary: square(118.27, 33.975, 118.28, 33.99) }]);
      expect(await org.locate('demo', { lng: 118.275, lat: 33.965 })).toBeNull();
      expect((await org.locate('demo', { lng: 118.275, lat: 33.985 }))?.grid).toBe('g-01');
    });

    it('keeps tenants apart: units, users and locate', async () => {
      await org.upsertUnits(demoUnits('district-a'));
      await org.upsertUsers(demoDirectory('district-a'));
      const other: OrgUnit[] = [
        {
          tenant: 'district-b',
          id: 'd-01',
          kind: 'district',
          parentId: null,
          name: t('另一区', 'Other district'),
          boundary: square(120, 30, 121, 31),
        },
        {
          tenant: 'district-b',
          id: 'g-01',
          kind: 'grid',
          parentId: 'd-01',
          name: t('另一网格', 'Other grid'),
          boundary: square(120, 30, 121, 31),
        },
      ];
      await org.upsertUnits(other);
      await org.upsertUsers([
        { tenant: 'district-b', id: 'gw-g-01', name: '另一网格员', roles: ['grid_worker'], units: ['grid:g-01'] },
      ]);

      expect((await org.tree('district-a')).every((u) => u.tenant === 'district-a')).toBe(true);
      expect(byId(await org.tree('district-b'))).toEqual(byId(other));
      expect((await org.get('district-b', 'g-01'))?.name.zh).toBe('另一网格');
      expect((await org.get('district-a', 'g-01'))?.name.zh).toBe('楚风社区第一网格');
      expect(await org.get('district-c', 'g-01')).toBeNull();
      expect((await org.users('district-b')).map((u) => u.name)).toEqual(['另一网格员']);
      expect((await org.users('district-a')).find((u) => u.id === 'gw-g-01')?.name).toBe('王丽娟');
      expect(await org.users('district-c')).toEqual([]);

      const inA = centreOf(DEMO_GRIDS[0]!.parts[0]!);
      expect((await org.locate('district-a', inA))?.grid).toBe('g-01');
      expect(await org.locate('district-b', inA)).toBeNull();
      expect(await org.locate('district-b', { lng: 120.5, lat: 30.5 })).toEqual({
        grid: 'g-01',
        community: null,
        street: null,
      });
      expect(await org.locate('district-a', { lng: 120.5, lat: 30.5 })).toBeNull();
      expect(await org.locate('district-c', inA)).toBeNull();
    });

    it('refuses invalid units and users, and a batch with a missing parent as a whole', async () => {
      const base: OrgUnit = { tenant: 'demo', id: 'g-x', kind: 'grid', parentId: null, name: t('网格', 'Grid') };
      await expectCode(
        org.upsertUnits([
          {
            ...base,
            boundary: {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  [1, 0],
                  [1, 1],
                ],
              ],
            },
          },
        ]),
        'org.invalid_unit',
      );
      await expectCode(org.upsertUnits([{ ...base, kind: 'planet' as OrgUnit['kind'] }]), 'org.invalid_unit');
      await expectCode(org.upsertUnits([{ ...base, id: 'has space' }]), 'org.invalid_unit');
      await expectCode(org.upsertUnits([{ ...base, parentId: 'g-x' }]), 'org.invalid_unit');
      await expectCode(org.upsertUnits([{ ...base, name: { zh: '', en: '' } }]), 'org.invalid_unit');
      await expectCode(
        org.upsertUsers([{ tenant: 'demo', id: 'u', name: '某人', roles: ['grid_worker'], units: ['g-01'] }]),
        'org.invalid_user',
      );
      await expectCode(
        org.upsertUsers([{ tenant: 'demo', id: 'u', name: ' ', roles: [], units: [] }]),
        'org.invalid_user',
      );

      // A parent later in the same batch is fine; a parent nowhere rolls the whole batch back.
      await org.upsertUnits([
        { ...base, parentId: 'c-x' },
        { ...base, id: 'c-x', kind: 'community' },
      ]);
      expect((await org.tree('demo')).map((u) => u.id).sort()).toEqual(['c-x', 'g-x']);
      await expectCode(
        org.upsertUnits([
          { ...base, id: 'g-y', parentId: 'c-x' },
          { ...base, id: 'g-z', parentId: 'c-missing' },
        ]),
        'org.unknown_parent',
      );
      expect((await org.tree('demo')).map((u) => u.id).sort()).toEqual(['c-x', 'g-x']);
      await org.upsertUnits([]);
      await org.upsertUsers([]);
    });
  });
}

describe('on PGlite', () => {
  let sql: SqlClient | undefined;
  beforeAll(async () => {
    sql = await openPgliteClient();
    await migrate(sql);
  });
  afterAll(() => sql?.close());
  repositoryContract('PGlite', () => sql!);
});

describe('on PostgreSQL', () => {
  let admin: Client | undefined;
  let sql: SqlClient | undefined;
  let unavailable: Error | undefined;
  beforeAll(async () => {
    const probe = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
    try {
      await probe.connect();
      admin = probe;
    } catch (error) {
      const reason =
        error instanceof Error ? error.message || String((error as { code?: unknown }).code) : String(error);
      unavailable = new Error(
        `PostgreSQL does not answer at ${redactUrl(databaseUrl)} (${reason}). Start it or set DATABASE_URL; these tests are never skipped.`,
      );
      return;
    }
    sql = createPostgresClient({ connectionString: databaseUrl, schema, max: 4, connectionTimeoutMillis: 5_000 });
    await migrate(sql, { schema });
  });
  afterAll(async () => {
    await sql?.close();
    await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.end();
  });
  const db = (): SqlClient => {
    if (unavailable) throw unavailable;
    if (!sql) throw new Error('PostgreSQL client not initialised');
    return sql;
  };

  it(`PostgreSQL answers at ${redactUrl(databaseUrl)}, in a schema of this file`, async () => {
    const { rows } = await db().query<{ schema: string }>('SELECT current_schema() AS schema');
    expect(rows[0]?.schema).toBe(schema);
  });
  repositoryContract('PostgreSQL', db);
});
