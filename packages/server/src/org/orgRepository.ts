import { GridflowError, type LocalizedText } from '@gridflow/core';
import { OrgUnitKind, type DirectoryUser, type OrgRepository, type OrgUnit } from '../context.js';
import type { SqlClient, SqlExecutor } from '../store/sql.js';
import { boundaryProblem, createGridLocator, type GridLocator } from './locate.js';

/** Options of {@link createOrgRepository}. */
export interface OrgRepositoryOptions {
  /**
   * How long a tenant's grid index stays cached, in milliseconds (default 60 000). Writes through this repository
   * drop the tenant's index at once; the limit bounds how long another server process keeps serving an index
   * after a write it did not see.
   */
  locateCacheMs?: number;
  /** Milliseconds clock for the cache's age (default `Date.now`; the cache never changes what is stored). */
  now?: () => number;
}

interface UnitRow {
  tenant: string;
  id: string;
  kind: string;
  parent_id: string | null;
  name: LocalizedText;
  boundary: OrgUnit['boundary'] | null;
  attributes: Record<string, unknown> | null;
}

interface UserRow {
  tenant: string;
  id: string;
  name: string;
  roles: string[];
  units: string[];
}

const KINDS: readonly string[] = Object.values(OrgUnitKind);

/** The order {@link OrgRepository.tree} lists kinds in: the tree top down, then the units beside it. */
const KIND_RANK = new Map<string, number>(
  [
    OrgUnitKind.DISTRICT,
    OrgUnitKind.STREET,
    OrgUnitKind.COMMUNITY,
    OrgUnitKind.GRID,
    OrgUnitKind.COMPOUND,
    OrgUnitKind.BUILDING,
    OrgUnitKind.DEPARTMENT,
    OrgUnitKind.PROPERTY_COMPANY,
    OrgUnitKind.OWNERS_COMMITTEE,
  ].map((kind, i) => [kind, i]),
);

const UNIT_COLUMNS = 'tenant, id, kind, parent_id, name, boundary, attributes';

/** Ids, tenants and unit references: printable, no spaces, at most 100 characters. */
const ID = /^[A-Za-z0-9_.:-]{1,100}$/;

/**
 * The organisation repository over SQL (PostgreSQL or PGlite, schema version 3): units with their GeoJSON
 * boundaries, directory users, and `locate` — point in polygon over the tenant's grid boundaries with
 * `@turf/boolean-point-in-polygon`, from an index cached per tenant.
 *
 * Writes are validated (`org.invalid_unit`, `org.invalid_user`, `org.unknown_parent`) and each call is one
 * transaction: a batch of units whose parents are missing is refused whole. Every query names its tenant.
 *
 * @example
 * const org = createOrgRepository(sql);
 * await org.upsertUnits([{ tenant: 'demo', id: 'g-01', kind: 'grid', parentId: 'c-01', name: { zh: '一网格', en: 'Grid 1' },
 *   boundary: { type: 'Polygon', coordinates: [[[118.27, 33.96], [118.28, 33.96], [118.28, 33.99], [118.27, 33.99], [118.27, 33.96]]] } }]);
 * await org.locate('demo', { lng: 118.275, lat: 33.97 }); // { grid: 'g-01', community: 'c-01', street: … }
 */
export function createOrgRepository(sql: SqlExecutor | SqlClient, options: OrgRepositoryOptions = {}): OrgRepository {
  const ttl = options.locateCacheMs ?? 60_000;
  const now = options.now ?? Date.now;
  const locators = new Map<string, { at: number; locator: Promise<GridLocator> }>();

  const tree = async (tenant: string): Promise<OrgUnit[]> => {
    const { rows } = await sql.query<UnitRow>(`SELECT ${UNIT_COLUMNS} FROM org_units WHERE tenant = $1 ORDER BY id`, [
      tenant,
    ]);
    return rows.map(rowToUnit).sort((a, b) => (KIND_RANK.get(a.kind) ?? 99) - (KIND_RANK.get(b.kind) ?? 99));
  };

  const locatorFor = (tenant: string): Promise<GridLocator> => {
    const cached = locators.get(tenant);
    if (cached !== undefined && now() - cached.at < ttl) return cached.locator;
    const locator = tree(tenant).then(createGridLocator);
    const entry = { at: now(), locator };
    locators.set(tenant, entry);
    // A failed load is not kept: the next call tries again.
    locator.catch(() => {
      if (locators.get(tenant) === entry) locators.delete(tenant);
    });
    return locator;
  };

  return {
    tree,

    async get(tenant, id) {
      const { rows } = await sql.query<UnitRow>(`SELECT ${UNIT_COLUMNS} FROM org_units WHERE tenant = $1 AND id = $2`, [
        tenant,
        id,
      ]);
      return rows[0] ? rowToUnit(rows[0]) : null;
    },

    async locate(tenant, point) {
      return (await locatorFor(tenant)).locate(point);
    },

    async users(tenant) {
      const { rows } = await sql.query<UserRow>(
        'SELECT tenant, id, name, roles, units FROM directory_users WHERE tenant = $1 ORDER BY id',
        [tenant],
      );
      return rows.map((r) => ({ tenant: r.tenant, id: r.id, name: r.name, roles: [...r.roles], units: [...r.units] }));
    },

    async upsertUnits(units) {
      if (units.length === 0) return;
      units.forEach(checkUnit);
      const tenants = [...new Set(units.map((u) => u.tenant))];
      try {
        await sql.transaction(async (q) => {
          for (const u of units) {
            await q.query(
              `INSERT INTO org_units (${UNIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb)
               ON CONFLICT (tenant, id) DO UPDATE SET kind = EXCLUDED.kind, parent_id = EXCLUDED.parent_id, name = EXCLUDED.name,
                 boundary = EXCLUDED.boundary, attributes = EXCLUDED.attributes`,
              [
                u.tenant,
                u.id,
                u.kind,
                u.parentId,
                JSON.stringify({ zh: u.name.zh, en: u.name.en }),
                u.boundary === undefined ? null : JSON.stringify(u.boundary),
                JSON.stringify(u.attributes ?? {}),
              ],
            );
          }
          // Every parent must exist once the batch is in (a batch may hold a parent after its children).
          const { rows } = await q.query<{ tenant: string; id: string; parent_id: string }>(
            `SELECT u.tenant, u.id, u.parent_id FROM org_units u
             LEFT JOIN org_units p ON p.tenant = u.tenant AND p.id = u.parent_id
             WHERE u.tenant = ANY($1::text[]) AND u.parent_id IS NOT NULL AND p.id IS NULL
             ORDER BY u.tenant, u.id LIMIT 1`,
            [tenants],
          );
          const orphan = rows[0];
          if (orphan) {
            throw new GridflowError(
              'org.unknown_parent',
              {
                zh: `组织单元 ${orphan.id} 的上级 ${orphan.parent_id} 不存在`,
                en: `The parent ${orphan.parent_id} of org unit ${orphan.id} does not exist`,
              },
              { details: { tenant: orphan.tenant, id: orphan.id, parentId: orphan.parent_id } },
            );
          }
        });
      } finally {
        for (const tenant of tenants) locators.delete(tenant);
      }
    },

    async upsertUsers(users) {
      if (users.length === 0) return;
      users.forEach(checkUser);
      await sql.transaction(async (q) => {
        for (const u of users) {
          await q.query(
            `INSERT INTO directory_users (tenant, id, name, roles, units) VALUES ($1, $2, $3, $4::text[], $5::text[])
             ON CONFLICT (tenant, id) DO UPDATE SET name = EXCLUDED.name, roles = EXCLUDED.roles, units = EXCLUDED.units`,
            [u.tenant, u.id, u.name, [...u.roles], [...u.units]],
          );
        }
      });
    },
  };
}

function rowToUnit(row: UnitRow): OrgUnit {
  const attributes = row.attributes ?? {};
  return {
    tenant: row.tenant,
    id: row.id,
    kind: row.kind as OrgUnitKind,
    parentId: row.parent_id,
    name: row.name,
    ...(row.boundary ? { boundary: row.boundary } : {}),
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
}

function invalid(
  code: 'org.invalid_unit' | 'org.invalid_user',
  what: string,
  id: unknown,
  zh: string,
  en: string,
): GridflowError {
  const name = typeof id === 'string' ? id : JSON.stringify(id);
  return new GridflowError(
    code,
    { zh: `${what} ${name}：${zh}`, en: `${code === 'org.invalid_unit' ? 'Org unit' : 'User'} ${name}: ${en}` },
    {
      details: { id: name },
    },
  );
}

/** Checks a unit before it is written: ids, a known kind, a name in both languages, a valid boundary. */
function checkUnit(u: OrgUnit): void {
  const bad = (zh: string, en: string) => invalid('org.invalid_unit', '组织单元', u.id, zh, en);
  if (typeof u.tenant !== 'string' || !ID.test(u.tenant)) throw bad('租户标识无效', 'the tenant is not a valid id');
  if (typeof u.id !== 'string' || !ID.test(u.id))
    throw bad(
      '标识无效（字母、数字、_.:-，最多 100 个字符）',
      'the id is not valid (letters, digits, _.:-; at most 100 characters)',
    );
  if (!KINDS.includes(u.kind))
    throw bad(`类型须为 ${KINDS.join('、')} 之一`, `the kind must be one of ${KINDS.join(', ')}`);
  if (u.parentId !== null && (typeof u.parentId !== 'string' || !ID.test(u.parentId) || u.parentId === u.id)) {
    throw bad('上级标识无效', 'the parent id is not valid');
  }
  if (typeof u.name?.zh !== 'string' || typeof u.name?.en !== 'string' || u.name.zh.trim() === '') {
    throw bad('须有中文和英文名称', 'the name needs Chinese and English text');
  }
  if (u.boundary !== undefined) {
    const problem = boundaryProblem(u.boundary);
    if (problem !== null)
      throw bad(`边界不是有效的 GeoJSON 面：${problem}`, `the boundary is not a valid GeoJSON polygon: ${problem}`);
  }
  if (
    u.attributes !== undefined &&
    (typeof u.attributes !== 'object' || u.attributes === null || Array.isArray(u.attributes))
  ) {
    throw bad('属性须为对象', 'the attributes must be an object');
  }
}

/** Checks a user before it is written: ids, a name, roles and `kind:id` units. */
function checkUser(u: DirectoryUser): void {
  const bad = (zh: string, en: string) => invalid('org.invalid_user', '用户', u.id, zh, en);
  if (typeof u.tenant !== 'string' || !ID.test(u.tenant)) throw bad('租户标识无效', 'the tenant is not a valid id');
  if (typeof u.id !== 'string' || !ID.test(u.id)) throw bad('标识无效', 'the id is not valid');
  if (typeof u.name !== 'string' || u.name.trim() === '') throw bad('须有姓名', 'the name is missing');
  if (!Array.isArray(u.roles) || !u.roles.every((r) => typeof r === 'string' && ID.test(r)))
    throw bad('角色无效', 'the roles are not valid');
  if (!Array.isArray(u.units) || !u.units.every((x) => typeof x === 'string' && /^[a-z_]+:[A-Za-z0-9_.-]+$/.test(x))) {
    throw bad('所属单元须写成“类型:标识”', 'each unit must be written `kind:id`');
  }
}
