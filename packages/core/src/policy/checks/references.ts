import type { LocalizedText } from '../../i18n.js';
import { CoordinationParty, OrgLevel } from '../types.js';
import { named, quoteList, type CheckContext, type PathLike } from './context.js';

/**
 * References between parts of the policy: every level, department, urgency, role, category, matter type,
 * rating and party named somewhere must be defined. Also the escalation path's own shape.
 */

type Kind = 'level' | 'department' | 'urgency' | 'role' | 'matter_type' | 'rating' | 'party' | 'category';

const WHAT: Record<Kind, LocalizedText> = {
  level: { zh: '层级', en: 'level' },
  department: { zh: '部门', en: 'department' },
  urgency: { zh: '紧急程度', en: 'urgency' },
  role: { zh: '角色', en: 'role' },
  matter_type: { zh: '议事类型', en: 'matter type' },
  rating: { zh: '评价等级', en: 'rating' },
  party: { zh: '参会方', en: 'party' },
  category: { zh: '类别', en: 'category' },
};

const WHERE: Record<Kind, LocalizedText> = {
  level: { zh: '组织层级', en: 'the organisation levels' },
  department: { zh: '部门列表', en: 'the departments' },
  urgency: { zh: '紧急程度列表', en: 'the urgencies' },
  role: { zh: '角色列表', en: 'the roles' },
  matter_type: { zh: '议事类型列表', en: 'the matter types' },
  rating: { zh: '评价等级', en: 'the rating scale' },
  party: { zh: '社区、业委会、物业或部门', en: 'the community, owners’ committee, property company or departments' },
  category: { zh: '类别列表', en: 'the categories' },
};

/** Reports `reference.unknown_<kind>` at `path` when `code` is not in `known`. Returns whether it was known. */
export function checkRef(
  ctx: CheckContext,
  kind: Kind,
  code: string,
  known: ReadonlySet<string> | ReadonlyMap<string, unknown>,
  path: PathLike,
): boolean {
  if (known.has(code)) return true;
  const w = WHAT[kind];
  const list = [...known.keys()];
  ctx.error(`reference.unknown_${kind}`, path, {
    zh: `${w.zh}“${code}”未在${WHERE[kind].zh}中定义${list.length ? `，可选：${quoteList(list).zh}` : ''}`,
    en: `Unknown ${w.en} "${code}": it is not defined in ${WHERE[kind].en}${list.length ? `; known: ${quoteList(list).en}` : ''}`,
  });
  return false;
}

/** The natural order of levels, lowest first (departments stand beside the tree, between street and district). */
const LEVEL_RANK: Readonly<Record<string, number>> = Object.fromEntries(Object.values(OrgLevel).map((l, i) => [l, i]));

function checkEscalationPath(ctx: CheckContext): void {
  const path = ctx.policy.organisation.escalationPath;
  const seen = new Set<string>();
  path.forEach((level, i) => {
    checkRef(ctx, 'level', level, ctx.known.levels, ['organisation', 'escalationPath', i]);
    if (seen.has(level)) {
      ctx.error('organisation.escalation_path_duplicate', ['organisation', 'escalationPath', i], {
        zh: `上报路径中${named(ctx.known.levels, level).zh}出现了两次，案件会在同一层级之间循环`,
        en: `${named(ctx.known.levels, level).en} appears twice on the escalation path, so a case would go round in a loop`,
      });
    }
    seen.add(level);
    const prev = path[i - 1];
    if (prev !== undefined && prev !== level && (LEVEL_RANK[level] ?? 0) < (LEVEL_RANK[prev] ?? 0)) {
      ctx.warn('organisation.escalation_path_order', ['organisation', 'escalationPath', i], {
        zh: `上报路径从${named(ctx.known.levels, prev).zh}“上报”到更低的${named(ctx.known.levels, level).zh}`,
        en: `The escalation path goes "up" from ${named(ctx.known.levels, prev).en} to the lower ${named(ctx.known.levels, level).en}`,
      });
    }
  });
}

function checkRouting(ctx: CheckContext): void {
  ctx.policy.routing.rows.forEach((row, i) => {
    checkRef(ctx, 'level', row.then.level, ctx.known.levels, ['routing', 'rows', i, 'then', 'level']);
    if (row.then.department !== undefined) {
      checkRef(ctx, 'department', row.then.department, ctx.known.departments, [
        'routing',
        'rows',
        i,
        'then',
        'department',
      ]);
    } else if (row.then.level === 'department') {
      ctx.error('routing.department_missing', ['routing', 'rows', i, 'then', 'department'], {
        zh: `路由行“${row.id}”派往职能部门，但没有指定哪个部门`,
        en: `Routing row "${row.id}" sends cases to a department but does not say which`,
      });
    }
  });
}

function checkTimeLimits(ctx: CheckContext): void {
  const { handling, total } = ctx.policy.timeLimits;
  handling.forEach((cell, i) => {
    checkRef(ctx, 'level', cell.level, ctx.known.levels, ['timeLimits', 'handling', i, 'level']);
    checkRef(ctx, 'urgency', cell.urgency, ctx.known.urgencies, ['timeLimits', 'handling', i, 'urgency']);
  });
  total.forEach((cell, i) =>
    checkRef(ctx, 'urgency', cell.urgency, ctx.known.urgencies, ['timeLimits', 'total', i, 'urgency']),
  );
  (ctx.policy.timeLimits.filing ?? []).forEach((limit, i) =>
    checkRef(ctx, 'urgency', limit.urgency, ctx.known.urgencies, ['timeLimits', 'filing', i, 'urgency']),
  );
}

function checkPeople(ctx: CheckContext): void {
  const p = ctx.policy;
  p.permissions.forEach((row, i) => checkRef(ctx, 'role', row.role, ctx.known.roles, ['permissions', i, 'role']));
  p.privacy.unmaskedRoles.forEach((role, i) =>
    checkRef(ctx, 'role', role, ctx.known.roles, ['privacy', 'unmaskedRoles', i]),
  );
  const parties = new Set<string>([...Object.values(CoordinationParty), ...ctx.known.departments.keys()]);
  p.coordination.requiredParties.forEach((party, i) =>
    checkRef(ctx, 'party', party, parties, ['coordination', 'requiredParties', i]),
  );
  // A row acting for others names them as the runtime does: a department as `department:<code>`, or `*`.
  const actors = new Set<string>([
    ...Object.values(CoordinationParty),
    ...[...ctx.known.departments.keys()].map((code) => `department:${code}`),
    '*',
  ]);
  p.permissions.forEach((row, i) =>
    (row.actFor ?? []).forEach((party, j) => checkRef(ctx, 'party', party, actors, ['permissions', i, 'actFor', j])),
  );
  p.coordination.ownersVote.majorMatters.forEach((code, i) =>
    checkRef(ctx, 'matter_type', code, ctx.known.matterTypes, ['coordination', 'ownersVote', 'majorMatters', i]),
  );
  p.evaluation.unsatisfied.forEach((code, i) =>
    checkRef(ctx, 'rating', code, ctx.known.ratings, ['evaluation', 'unsatisfied', i]),
  );
}

/** Every cross-reference of the policy. */
export function checkReferences(ctx: CheckContext): void {
  checkEscalationPath(ctx);
  checkRouting(ctx);
  checkTimeLimits(ctx);
  ctx.policy.categories.forEach((category, i) =>
    checkRef(ctx, 'urgency', category.defaultUrgency, ctx.known.urgencies, ['categories', i, 'defaultUrgency']),
  );
  checkPeople(ctx);
}
