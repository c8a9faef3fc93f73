import { defaultCalendar } from './defaults/calendar2026.js';
import { defaultCategories } from './defaults/categories.js';
import { defaultCoordination, defaultEvaluation } from './defaults/coordinationEvaluation.js';
import { defaultRouting, defaultRules, defaultTimeLimits } from './defaults/handling.js';
import { defaultOrganisation, defaultUrgencies } from './defaults/organisation.js';
import { defaultPermissions, defaultPrivacy } from './defaults/permissions.js';
import type { Policy } from './types.js';

/**
 * The default policy (默认基层治理政策), built from domain.md:
 * - organisation: building → grid → compound → community → street → district, with functional departments;
 *   cases rise grid → community → street → district (小事不出网格，难事不出社区，大事不出街道);
 * - 13 categories, emergency 2 h / utilities 24 h (calendar time), general 7 / complex 15 working days;
 * - routing: emergencies start at the street, categories with a clear owner go to their department,
 *   unclear jurisdiction to the district, everything else to the grid (`r-default`);
 * - signing within 1 h, contact within 2 working hours, department check-in within 30 min of the whistle,
 *   warning at 80 % of a limit, public notice after 5 working days overdue;
 * - the 2026 Asia/Shanghai business calendar with public holidays and make-up working days;
 * - named rules (escalate, whistle, return, extension, verifier, public notice, redo) and their limits;
 * - three-party coordination with Civil Code art. 278 thresholds; evaluation with ten weighted indicators;
 * - a permission matrix for every role and who sees personal data unmasked.
 *
 * It validates with no errors and no warnings.
 */
function buildDefaultPolicy(): Policy {
  return {
    id: 'default',
    version: 1,
    status: 'published',
    effectiveFrom: '2026-01-01T00:00:00+08:00',
    author: 'Gridflow',
    changeNote: '初始版本 / Initial version',
    name: { zh: '默认基层治理政策', en: 'Default grassroots governance policy' },
    organisation: defaultOrganisation,
    urgencies: defaultUrgencies,
    categories: defaultCategories,
    routing: defaultRouting,
    timeLimits: defaultTimeLimits,
    calendar: defaultCalendar,
    rules: defaultRules,
    coordination: defaultCoordination,
    evaluation: defaultEvaluation,
    permissions: defaultPermissions,
    privacy: defaultPrivacy,
  };
}

/**
 * A fresh, mutable copy of the default policy: start here and edit.
 *
 * @example
 * const policy = createDefaultPolicy();
 * policy.timeLimits.warningAt = 0.75;
 * validatePolicy(policy).valid; // true
 */
export function createDefaultPolicy(): Policy {
  // A JSON round trip: the parts share objects (e.g. the `location` attribute), a copy must not.
  return JSON.parse(JSON.stringify(buildDefaultPolicy())) as Policy;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * The default policy, deeply frozen: read it, compare with it, never edit it (use {@link createDefaultPolicy}).
 *
 * @example
 * defaultPolicy.routing.rows.at(-1)?.id; // 'r-default'
 */
export const defaultPolicy: Readonly<Policy> = deepFreeze(createDefaultPolicy());
