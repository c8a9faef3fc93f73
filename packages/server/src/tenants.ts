import { createDefaultPolicy, GridflowError } from '@gridflow/core';
import type { DirectoryUser, OrgRepository, OrgUnit, StoredPolicy } from './context.js';
import { TENANT_PATTERN } from './http/auth.js';
import type { SqlPolicyRepository } from './policies/index.js';
import type { SqlExecutor } from './store/sql.js';

/** What {@link createTenant} writes with. */
export interface TenantDeps {
  sql: SqlExecutor;
  policies: Pick<SqlPolicyRepository, 'publishDocument'>;
  org: Pick<OrgRepository, 'upsertUnits' | 'upsertUsers'>;
}

/** A tenant to create: its id, its policy (default: the default policy) and its organisation. */
export interface NewTenant {
  id: string;
  /** A policy document (default: core's default policy). */
  policy?: unknown;
  /**
   * The organisation, as an org file holds it: a list of units, or `{ units, users }`. Units and users name no
   * tenant (or this one).
   */
  org?: unknown;
  /** Who publishes the policy (default `gridflow`). */
  author?: string;
}

/** What {@link createTenant} made. */
export interface CreatedTenant {
  tenant: string;
  policy: StoredPolicy;
  units: number;
  users: number;
}

/**
 * Reads an org file's content for a tenant: a list of units, or `{ units, users }`, each an object naming no other
 * tenant. The units and users themselves are checked as every org import is, when written.
 *
 * @throws GridflowError `tenant.invalid_org`
 */
export function orgOfTenant(tenant: string, value: unknown): { units: OrgUnit[]; users: DirectoryUser[] } {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const lists = Array.isArray(value)
    ? { units: value as unknown, users: [] as unknown }
    : isObject(value)
      ? { units: value.units ?? [], users: value.users ?? [] }
      : undefined;
  if (!lists || !Array.isArray(lists.units) || !Array.isArray(lists.users))
    throw new GridflowError(
      'tenant.invalid_org',
      {
        zh: '组织文件应为组织单元数组，或 { "units": [...], "users": [...] }',
        en: 'The org file must be a list of org units, or { "units": [...], "users": [...] }',
      },
      { path: '' },
    );
  const own = (list: unknown[], what: 'units' | 'users') =>
    list.map((item, i) => {
      if (!isObject(item))
        throw new GridflowError(
          'tenant.invalid_org',
          { zh: `第 ${i + 1} 项不是对象`, en: `Item ${i + 1} is not an object` },
          { path: `/${what}/${i}` },
        );
      if (item.tenant !== undefined && item.tenant !== tenant)
        throw new GridflowError(
          'tenant.invalid_org',
          {
            zh: `第 ${i + 1} 项属于另一租户 ${JSON.stringify(item.tenant)}`,
            en: `Item ${i + 1} belongs to another tenant, ${JSON.stringify(item.tenant)}`,
          },
          { path: `/${what}/${i}/tenant` },
        );
      return { ...item, tenant };
    });
  const units = own(lists.units, 'units').map((u) => ({ parentId: null, ...u }) as unknown as OrgUnit);
  const users = own(lists.users, 'users') as unknown as DirectoryUser[];
  return { units, users };
}

/** Whether anything is stored for a tenant: a policy version, an org unit, a user or a case. */
export async function tenantExists(sql: SqlExecutor, tenant: string): Promise<boolean> {
  const { rows } = await sql.query<{ n: number }>(
    `SELECT 1 AS n FROM policy_versions WHERE tenant = $1
     UNION ALL SELECT 1 FROM org_units WHERE tenant = $1
     UNION ALL SELECT 1 FROM directory_users WHERE tenant = $1
     UNION ALL SELECT 1 FROM cases WHERE tenant = $1
     LIMIT 1`,
    [tenant],
  );
  return rows.length > 0;
}

/**
 * Creates a tenant (`gridflow tenant create`): refuses an id tokens could not carry (`tenant.invalid_id`) or one
 * that has anything stored already (`tenant.exists`), writes its organisation (validated as org imports are: one
 * transaction, every parent present) and publishes its policy. When any of it fails, what was written for the new
 * tenant is taken back out.
 *
 * @throws GridflowError `tenant.invalid_id`, `tenant.exists`, `tenant.invalid_org`, `org.invalid_unit`,
 *   `org.invalid_user`, `org.unknown_parent`, `policy.invalid`
 * @example
 * await createTenant({ sql, policies, org }, { id: 'district-b', org: JSON.parse(readFileSync('org.json', 'utf8')) });
 */
export async function createTenant(deps: TenantDeps, input: NewTenant): Promise<CreatedTenant> {
  const { id } = input;
  if (typeof id !== 'string' || !TENANT_PATTERN.test(id))
    throw new GridflowError('tenant.invalid_id', {
      zh: `租户标识“${String(id)}”无效：应为 1–64 个字母、数字、_、- 或 .（不能只有点）`,
      en: `The tenant id "${String(id)}" is not valid: use 1–64 letters, digits, _, - or . (not dots alone)`,
    });
  const { units, users } = orgOfTenant(id, input.org ?? []);
  if (await tenantExists(deps.sql, id))
    throw new GridflowError('tenant.exists', {
      zh: `租户 ${id} 已存在（已有政策、组织或案件），未作任何更改`,
      en: `The tenant ${id} already exists (it has a policy, an organisation or cases); nothing was changed`,
    });
  let policy: StoredPolicy | null;
  try {
    await deps.org.upsertUnits(units);
    await deps.org.upsertUsers(users);
    policy = await deps.policies.publishDocument(
      id,
      input.policy ?? createDefaultPolicy(),
      input.author ?? 'gridflow',
      {
        note: 'published with gridflow tenant create',
      },
    );
  } catch (error) {
    await deps.sql.query('DELETE FROM directory_users WHERE tenant = $1', [id]);
    await deps.sql.query('DELETE FROM org_units WHERE tenant = $1', [id]);
    throw error;
  }
  return { tenant: id, policy: policy!, units: units.length, users: users.length };
}
