import { randomUUID } from 'node:crypto';
import type { Actor, CaseSummary, Policy } from '@gridflow/core';
import type { SqlExecutor } from '../store/sql.js';

/** Residents' personal data: the fields of a `reporter` object that are masked for roles without the grant. */
export const PERSONAL_FIELDS = ['name', 'phone', 'idNumber', 'address'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

/**
 * Why a caller sees personal data unmasked: their role is in `policy.privacy.unmaskedRoles` (`role`, and each such
 * read is recorded), they are the reporter themself (`self`, not recorded), or not at all (`none`).
 */
export type Reveal = 'role' | 'self' | 'none';

/** How a caller may see a case's personal data. */
export function revealFor(policy: Policy | null, actor: Actor, summary: CaseSummary): Reveal {
  if (summary.reporterId !== undefined && summary.reporterId === actor.id) return 'self';
  if (policy && actor.roles.some((r) => policy.privacy.unmaskedRoles.includes(r))) return 'role';
  return 'none';
}

const chars = (text: string): string[] => [...text];

/**
 * Masks one personal value: a name keeps its first character (张**), a phone its first three and last four
 * digits (138****0000), an ID number its first three and last four, an address its first six characters.
 *
 * @example
 * maskPersonal('phone', '13800001234'); // '138****1234'
 */
export function maskPersonal(field: PersonalField, text: string): string {
  const c = chars(text);
  if (c.length === 0) return text;
  switch (field) {
    case 'name':
      return c[0] + '*'.repeat(Math.max(1, c.length - 1));
    case 'phone':
      return c.length >= 8 ? `${c.slice(0, 3).join('')}****${c.slice(-4).join('')}` : '****';
    case 'idNumber':
      return c.length >= 10 ? `${c.slice(0, 3).join('')}${'*'.repeat(c.length - 7)}${c.slice(-4).join('')}` : '****';
    case 'address':
      return `${c.slice(0, Math.min(6, Math.max(1, c.length - 1))).join('')}****`;
  }
}

/**
 * Copies a value (a case context, history inputs), masking the personal fields of every `reporter` object in it
 * unless `reveal`. Returns the copy and the personal fields that were present and left unmasked.
 */
export function applyPrivacy<T>(value: T, reveal: boolean): { value: T; revealed: PersonalField[] } {
  const revealed = new Set<PersonalField>();
  const walk = (v: unknown, key: string | undefined): unknown => {
    if (Array.isArray(v)) return v.map((item) => walk(item, undefined));
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) out[k] = walk(item, k);
    if (key === 'reporter') {
      for (const field of PERSONAL_FIELDS) {
        const text = out[field];
        if (typeof text !== 'string' || text === '') continue;
        if (reveal) revealed.add(field);
        else out[field] = maskPersonal(field, text);
      }
    }
    return out;
  };
  return { value: walk(value, undefined) as T, revealed: [...revealed] };
}

/**
 * Records that an actor read unmasked personal data of a case: who, when, which case, which fields.
 *
 * @example
 * await recordPiiRead(ctx.sql, { tenant, caseId, actorId: actor.id, at: clock.now(), fields: ['name', 'phone'] });
 */
export async function recordPiiRead(
  sql: SqlExecutor,
  read: { tenant: string; caseId: string; actorId: string; at: number; fields: readonly string[] },
): Promise<void> {
  if (read.fields.length === 0) return;
  await sql.query(
    'INSERT INTO pii_reads (tenant, id, case_id, actor_id, at, fields) VALUES ($1, $2, $3, $4, $5::bigint, $6::text[])',
    [read.tenant, randomUUID(), read.caseId, read.actorId, read.at, [...read.fields]],
  );
}

/** One recorded read of personal data. */
export interface PiiRead {
  id: string;
  caseId: string;
  actorId: string;
  at: number;
  fields: string[];
}

/** The recorded reads of a case's personal data, newest first. */
export async function piiReadsOf(sql: SqlExecutor, tenant: string, caseId: string, limit = 200): Promise<PiiRead[]> {
  const { rows } = await sql.query<{
    id: string;
    case_id: string;
    actor_id: string;
    at: number | string;
    fields: string[];
  }>(
    'SELECT id, case_id, actor_id, at, fields FROM pii_reads WHERE tenant = $1 AND case_id = $2 ORDER BY at DESC, id LIMIT $3',
    [tenant, caseId, limit],
  );
  return rows.map((r) => ({ id: r.id, caseId: r.case_id, actorId: r.actor_id, at: Number(r.at), fields: r.fields }));
}
