import {
  builtInProcesses,
  createDefaultPolicy,
  validatePolicy,
  type ProcessDefinition,
  type Clock,
  type Policy,
  type Problem,
} from '@gridflow/core';
import { diffPolicies, validationOptionsFor, type PolicyChange } from '@gridflow/core/policy';
import type { PolicyRepository, StoredPolicy } from '../context.js';
import type { SqlClient, SqlExecutor } from '../store/sql.js';
import { policyErrors as errors } from './policyErrors.js';
import { createPolicyRegistryView, POLICY_CHANNEL, type PolicyRegistryView } from './policyRegistryView.js';
import {
  approvalStatus,
  COLUMNS,
  effectiveFrom,
  insertRow,
  isObject,
  loadRow,
  nextVersion,
  normalise,
  retireSuperseded,
  toStored,
  updateRow,
  type Row,
} from './policyRows.js';

/** Options of {@link createPolicyRepository}. */
export interface PolicyRepositoryOptions {
  /** Told about failed background reloads of the registry view. */
  onError?: (error: unknown) => void;
  /**
   * The processes the server runs (default: the built-in ones). Every document is validated with their commands
   * and facts (`validationOptionsFor`), so a process composed in code gets its policy through the workflow.
   */
  processes?: readonly ProcessDefinition[];
}

/** Options of {@link SqlPolicyRepository.publishDocument}. */
export interface PublishDocumentOptions {
  /** Recorded as the review note (default: published directly by an operator). */
  note?: string;
  /** Publish only when the policy has no version yet (first start); otherwise return null. */
  onlyIfNone?: boolean;
}

/**
 * The policy repository over SQL, plus what the server needs beyond {@link PolicyRepository}: the registry view
 * runtimes read, and direct publishing for operators (CLI) and first start.
 */
export interface SqlPolicyRepository extends PolicyRepository, PolicyRegistryView {
  /**
   * Publishes a complete, valid document as a new version at once, without review: for `gridflow policy
   * publish` (an operator with database access) and the default policy on an empty database.
   *
   * @throws GridflowError `policy.invalid` with the problems.
   */
  publishDocument(
    tenant: string,
    document: unknown,
    actor: string,
    options?: PublishDocumentOptions,
  ): Promise<StoredPolicy | null>;
}

const POLICY_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** First key of the per-policy advisory lock: 'poli' in ASCII. */
const LOCK_KEY = 0x706f6c69;

/**
 * Creates the policy repository: versions per tenant in `policy_versions` (schema version 2), the review
 * workflow, and a per-tenant registry view kept fresh for runtimes. Every change to one policy runs in a
 * transaction holding an advisory lock on (tenant, id), so version numbers never collide between processes.
 *
 * Workflow: `createDraft` → `updateDraft` (autosave; may be invalid) → `submitForReview` (must be valid) →
 * `approve` by someone who neither wrote nor submitted it (or `reject`, back to draft with a note) → `publish`
 * (retires the version it replaces) → `rollback` republishes an earlier version's document as a new version.
 *
 * @example
 * const policies = createPolicyRepository(sql, clock);
 * const draft = await policies.createDraft('demo', 'default', 'editor-1');
 * await policies.submitForReview('demo', 'default', draft.version, 'editor-1');
 * await policies.approve('demo', 'default', draft.version, 'approver-1');
 * await policies.publish('demo', 'default', draft.version, 'approver-1');
 */
export function createPolicyRepository(
  sql: SqlClient,
  clock: Clock,
  options: PolicyRepositoryOptions = {},
): SqlPolicyRepository {
  const view = createPolicyRegistryView(sql, options.onError);

  /** Runs a change to one policy under its lock; reloads the registry view when published versions changed. */
  const change = async <T>(
    tenant: string,
    id: string,
    fn: (q: SqlExecutor, now: number) => Promise<{ result: T; live: boolean }>,
  ): Promise<T> => {
    if (!POLICY_ID.test(id)) throw errors.invalidId(id);
    const { result, live } = await sql.transaction(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_KEY, `${tenant}\u001f${id}`]);
      const out = await fn(q, clock.now());
      if (out.live && sql.dialect === 'postgres') {
        // Delivered to every listening process when (and only if) this transaction commits.
        await q.query(
          `SELECT pg_notify($1, json_build_object('tenant', $2::text, 'id', $3::text, 's', current_schema())::text)`,
          [POLICY_CHANNEL, tenant, id],
        );
      }
      return out;
    });
    if (live) await view.reload(tenant);
    return result;
  };

  const validation = validationOptionsFor(options.processes ?? builtInProcesses);
  const validate = (document: unknown) => validatePolicy(document, validation);

  const requireValid = (document: unknown): Policy => {
    const result = validate(document);
    if (!result.valid || !result.policy) throw errors.invalid(result.problems);
    return result.policy;
  };

  const publishRow = async (q: SqlExecutor, row: Row, now: number): Promise<Row> => {
    requireValid({ ...row.document, status: 'published' });
    const published = await updateRow(q, row, { status: 'published', published_at: now }, now);
    await retireSuperseded(q, row.tenant, row.id, now);
    return published;
  };

  const repository: SqlPolicyRepository = {
    ...view,
    validate,

    async list(tenant, id) {
      await retireSuperseded(sql, tenant, id ?? null, clock.now());
      const { rows } = await sql.query<Row>(
        `SELECT ${COLUMNS} FROM policy_versions WHERE tenant = $1 AND ($2::text IS NULL OR id = $2) ORDER BY id, version`,
        [tenant, id ?? null],
      );
      return rows.map(toStored);
    },

    async get(tenant, id, version) {
      const { rows } = await sql.query<Row>(
        `SELECT ${COLUMNS} FROM policy_versions WHERE tenant = $1 AND id = $2 AND version = $3`,
        [tenant, id, version],
      );
      return rows[0] ? toStored(rows[0]) : null;
    },

    createDraft(tenant, id, author, document) {
      return change(tenant, id, async (q, now) => {
        const version = await nextVersion(q, tenant, id);
        let base: unknown = document;
        if (base === undefined) {
          // The version in effect, else the newest, else Gridflow's default policy.
          const { rows } = await q.query<{ document: Policy }>(
            `SELECT document FROM policy_versions WHERE tenant = $1 AND id = $2
              ORDER BY (status = 'published' AND COALESCE(effective_from, 0) <= $3::bigint) DESC, version DESC LIMIT 1`,
            [tenant, id, now],
          );
          base = rows[0]?.document ?? createDefaultPolicy();
        }
        const doc = normalise(base, { id, version, status: 'draft', author });
        const row = await insertRow(q, {
          tenant,
          id,
          version,
          status: 'draft',
          document: doc,
          author,
          editors: [],
          reviewed_by: null,
          review_note: null,
          reviewed_at: null,
          approved_at: null,
          created_at: now,
          updated_at: now,
          published_at: null,
        });
        return { result: toStored(row), live: false };
      });
    },

    updateDraft(tenant, id, version, document, editor) {
      return change(tenant, id, async (q, now) => {
        const row = await loadRow(q, tenant, id, version);
        if (row.status !== 'draft') throw errors.notADraft(id, version, row.status);
        if (!isObject(document)) throw errors.invalid(validate(document).problems);
        const doc = normalise(document, { id, version, status: 'draft', author: row.author });
        const problems: Problem[] = validate(doc).problems;
        const editors = editor === row.author || row.editors.includes(editor) ? row.editors : [...row.editors, editor];
        const { rows } = await q.query<Row>(
          `UPDATE policy_versions SET document = $4::jsonb, editors = $5::text[], updated_at = $6::bigint, effective_from = $7::bigint
            WHERE tenant = $1 AND id = $2 AND version = $3 RETURNING ${COLUMNS}`,
          [tenant, id, version, JSON.stringify(doc), editors, now, effectiveFrom(doc)],
        );
        return { result: { policy: toStored(rows[0]!), problems }, live: false };
      });
    },

    submitForReview(tenant, id, version, actor) {
      return change(tenant, id, async (q, now) => {
        const row = await loadRow(q, tenant, id, version);
        if (row.status !== 'draft') throw errors.notADraft(id, version, row.status);
        requireValid(row.document);
        const editors = actor === row.author || row.editors.includes(actor) ? row.editors : [...row.editors, actor];
        const next = await updateRow(q, row, { status: 'in_review', editors, approved_at: null }, now);
        return { result: toStored(next), live: false };
      });
    },

    approve(tenant, id, version, approver, note) {
      return change(tenant, id, async (q, now) => {
        const row = await loadRow(q, tenant, id, version);
        if (row.status !== 'in_review' || row.approved_at !== null)
          throw errors.wrongStatus(id, version, approvalStatus(row), ['in_review']);
        if (approver === row.author || row.editors.includes(approver)) throw errors.selfApproval(id, version, approver);
        requireValid(row.document);
        const next = await updateRow(
          q,
          row,
          { reviewed_by: approver, review_note: note ?? null, reviewed_at: now, approved_at: now },
          now,
        );
        return { result: toStored(next), live: false };
      });
    },

    reject(tenant, id, version, approver, note) {
      return change(tenant, id, async (q, now) => {
        if (!note?.trim()) throw errors.noteRequired();
        const row = await loadRow(q, tenant, id, version);
        if (row.status !== 'in_review') throw errors.wrongStatus(id, version, row.status, ['in_review']);
        const next = await updateRow(
          q,
          row,
          { status: 'draft', reviewed_by: approver, review_note: note, reviewed_at: now, approved_at: null },
          now,
        );
        return { result: toStored(next), live: false };
      });
    },

    publish(tenant, id, version, _actor) {
      return change(tenant, id, async (q, now) => {
        const row = await loadRow(q, tenant, id, version);
        if (row.status !== 'in_review') throw errors.wrongStatus(id, version, row.status, ['approved']);
        if (row.approved_at === null) throw errors.notApproved(id, version);
        return { result: toStored(await publishRow(q, row, now)), live: true };
      });
    },

    rollback(tenant, id, toVersion, actor) {
      return change(tenant, id, async (q, now) => {
        const target = await loadRow(q, tenant, id, toVersion);
        if (target.status !== 'published' && target.status !== 'retired') {
          throw errors.wrongStatus(id, toVersion, target.status, ['published', 'retired']);
        }
        const { rows: current } = await q.query<{ version: number }>(
          `SELECT version FROM policy_versions WHERE tenant = $1 AND id = $2 AND status = 'published' AND COALESCE(effective_from, 0) <= $3::bigint
            ORDER BY version DESC LIMIT 1`,
          [tenant, id, now],
        );
        if (current[0]?.version === toVersion) throw errors.alreadyCurrent(id, toVersion);
        const version = await nextVersion(q, tenant, id);
        const doc = normalise(target.document, { id, version, status: 'draft', author: actor });
        doc.effectiveFrom = new Date(now).toISOString();
        doc.changeNote = `回滚到第 ${toVersion} 版 / Rolled back to version ${toVersion}`;
        const note = `rollback to version ${toVersion}`;
        const row = await insertRow(q, {
          tenant,
          id,
          version,
          status: 'draft',
          document: doc,
          author: actor,
          editors: [],
          reviewed_by: actor,
          review_note: note,
          reviewed_at: now,
          approved_at: now,
          created_at: now,
          updated_at: now,
          published_at: null,
        });
        return { result: toStored(await publishRow(q, row, now)), live: true };
      });
    },

    async diff(tenant, id, from, to) {
      const [a, b] = await Promise.all([repository.get(tenant, id, from), repository.get(tenant, id, to)]);
      if (!a) throw errors.notFound(id, from);
      if (!b) throw errors.notFound(id, to);
      for (const [side, p] of [
        ['from', a],
        ['to', b],
      ] as const) {
        const shape = validatePolicy(p.document, { semantic: false });
        if (!shape.valid) throw errors.invalid(shape.problems, `/${side}`);
      }
      return diffPolicies(a.document, b.document) satisfies PolicyChange[];
    },

    async openCaseCounts(tenant, id) {
      const [{ rows: counts }, { rows: versions }] = await Promise.all([
        sql.query<{ version: number; open: number | string }>(
          `SELECT policy_version AS version, count(*) AS open FROM cases WHERE tenant = $1 AND policy_id = $2 AND open
            GROUP BY policy_version`,
          [tenant, id],
        ),
        sql.query<{ version: number }>(
          `SELECT version FROM policy_versions WHERE tenant = $1 AND id = $2 AND status IN ('published', 'retired')`,
          [tenant, id],
        ),
      ]);
      const open = new Map<number, number>(versions.map((v) => [v.version, 0]));
      for (const c of counts) open.set(c.version, Number(c.open));
      return [...open].sort(([x], [y]) => x - y).map(([version, n]) => ({ version, open: n }));
    },

    async tenants() {
      const { rows } = await sql.query<{ tenant: string }>(
        `SELECT DISTINCT tenant FROM policy_versions WHERE status = 'published' ORDER BY tenant`,
      );
      return rows.map((r) => r.tenant);
    },

    publishDocument(tenant, document, actor, opts = {}) {
      const id = isObject(document) && typeof document.id === 'string' ? document.id : '';
      return change(tenant, id, async (q, now) => {
        const version = await nextVersion(q, tenant, id);
        if (opts.onlyIfNone && version > 1) return { result: null, live: false };
        const doc = normalise(document, { id, version, status: 'draft', author: actor });
        requireValid(doc);
        const row = await insertRow(q, {
          tenant,
          id,
          version,
          status: 'draft',
          document: doc,
          author: actor,
          editors: [],
          reviewed_by: actor,
          review_note: opts.note ?? 'published directly by an operator',
          reviewed_at: now,
          approved_at: now,
          created_at: now,
          updated_at: now,
          published_at: null,
        });
        return { result: toStored(await publishRow(q, row, now)), live: true };
      });
    },
  };
  return repository;
}
