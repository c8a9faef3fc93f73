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

/** Options of {@link maskPersonalData}. */
export interface MaskOptions {
  /** The caller may see the personal data: nothing is masked; the fields present are still reported. */
  reveal: boolean;
  /**
   * Whether an actor found in the data (`{ id, roles, name }`) works for a unit, so their name is a work identity,
   * not personal data; default: nobody is. The case's reporter is never staff here.
   */
  isStaff?: (actor: { id: string; roles: readonly string[] }) => boolean;
  /** The case's reporter (`summary.reporterId`): as an actor, their name is always personal data. */
  reporterId?: string;
  /** Other values the personal data to look for is gathered from (a case's context, for its history). */
  knownFrom?: readonly unknown[];
}

/** Keys whose string values are identifiers: never masked, so rules and replays keep working on them. */
const isIdKey = (key: string | undefined): boolean =>
  key !== undefined && (key === 'id' || /(Id|Ids|_id|_ids)$/.test(key));

const isActor = (v: Record<string, unknown>): v is { id: string; roles: string[]; name?: unknown } =>
  typeof v.id === 'string' && Array.isArray(v.roles);

/** Mainland mobile numbers and resident ID numbers written in free text (comments, titles, notes). */
const ID_NUMBER = /(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])/g;
const MOBILE = /(?<![0-9])1[3-9][0-9]{9}(?![0-9])/g;

/**
 * THE masking function: copies a value any read endpoint returns (a case view, its history, an export, an event,
 * explanations) with every person's data masked unless `reveal`, and says which personal fields were present.
 *
 * - a `reporter` object's name, phone, ID number and address ({@link PERSONAL_FIELDS}), by {@link maskPersonal};
 * - the name of an actor (`{ id, roles, name }`) who is the reporter or not staff (a resident, an anonymous
 *   caller): the actor of `case.submit` is masked like the reporter in the input;
 * - those values wherever else they appear in text (a comment quoting the reporter's name, an explanation
 *   echoing an input), and mobile and ID numbers written in any text.
 *
 * Identifiers (`id`, `…Id`, `…Ids`) are never touched: rules such as "the verifier is not the handler" and replays
 * of history work on stable ids.
 *
 * @example
 * maskPersonalData({ reporter: { id: 'u-1', name: '张三丰', phone: '13800001234' }, note: '张三丰来电' }, { reveal: false })
 *   .value; // { reporter: { id: 'u-1', name: '张**', phone: '138****1234' }, note: '张**来电' }
 */
export function maskPersonalData<T>(value: T, options: MaskOptions): { value: T; revealed: PersonalField[] } {
  const revealed = new Set<PersonalField>();
  const known = new Map<string, string>();
  const protectedActor = (a: { id: string; roles: readonly string[] }) =>
    a.id === options.reporterId || !(options.isStaff?.(a) ?? false);
  const gather = (v: unknown, key: string | undefined, count: boolean): void => {
    if (Array.isArray(v)) {
      for (const item of v) gather(item, undefined, count);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    for (const [k, item] of Object.entries(o)) gather(item, k, count);
    if (key === 'reporter') {
      for (const field of PERSONAL_FIELDS) {
        const text = o[field];
        if (typeof text !== 'string' || text === '') continue;
        if (count) revealed.add(field);
        known.set(text, maskPersonal(field, text));
      }
    } else if (isActor(o) && typeof o.name === 'string' && o.name !== '' && protectedActor(o)) {
      known.set(o.name, maskPersonal('name', o.name));
    }
  };
  gather(value, undefined, true);
  for (const other of options.knownFrom ?? []) gather(other, undefined, false);
  if (options.reveal) return { value: structuredClone(value), revealed: [...revealed] };

  // Longest first, so a full address is masked before a name inside it.
  const values = [...known.keys()].filter((k) => k.length >= 2).sort((a, b) => b.length - a.length);
  const maskText = (text: string): string => {
    let out = text;
    for (const v of values) if (out.includes(v)) out = out.split(v).join(known.get(v));
    return out.replace(ID_NUMBER, (m) => maskPersonal('idNumber', m)).replace(MOBILE, (m) => maskPersonal('phone', m));
  };
  const walk = (v: unknown, key: string | undefined): unknown => {
    if (typeof v === 'string') return isIdKey(key) ? v : maskText(v);
    if (Array.isArray(v)) return v.map((item) => walk(item, isIdKey(key) ? key : undefined));
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(o)) out[k] = walk(item, k);
    if (key === 'reporter') {
      for (const field of PERSONAL_FIELDS) {
        const text = o[field];
        if (typeof text === 'string' && text !== '') out[field] = maskPersonal(field, text);
      }
    } else if (isActor(o) && typeof o.name === 'string' && o.name !== '' && protectedActor(o)) {
      out.name = maskPersonal('name', o.name);
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
