import { assertEvent, assign, enqueueActions, setup } from 'xstate';
import type { Counting, OrgLevel } from '../../policy/types.js';
import { clearDeadlines, isPending, markFired, setDeadline } from '../contract/deadlines.js';
import type { Actor, CaseEvent, Deadline, Effect, ProcessContextBase, ProcessEnv } from '../contract/types.js';
import {
  caseRuleFacts,
  filingClockFacts,
  filingLimit,
  handlingLimit,
  nextLevel,
  routingFactsOf,
  totalLimit,
  warningDueAt,
} from './facts.js';

/* ------------------------------------------------------------------------------------------------------------
 * Types
 * ---------------------------------------------------------------------------------------------------------- */

/** Where a matter came from (发现渠道). */
export type GridCaseSource = 'patrol' | 'walk_in' | 'hotline' | 'platform' | 'app';

/** The org units a case belongs to, by id. */
export interface GridCaseUnits {
  grid: string;
  community: string;
  street: string;
  compound?: string;
  building?: string;
}

/** The reporter (personal data: masked for roles without `privacy.unmaskedRoles`). */
export interface GridCaseReporter {
  id?: string;
  name?: string;
  phone?: string;
  idNumber?: string;
  address?: string;
}

/**
 * What a resident, a grid worker or a platform submits (the process's submit input).
 *
 * @example
 * const submission: GridEscalationInput = {
 *   category: 'noise', title: '夜间施工噪声', description: '…', source: 'patrol', anonymous: false,
 *   reporter: { id: 'u-resident' }, units: { grid: 'g-01', community: 'c-01', street: 's-01' },
 *   attributes: { location: '幸福小区 3 号楼', noise_source: 'construction' },
 * };
 */
export interface GridEscalationInput {
  category: string;
  /** Defaults to the category's `defaultUrgency`. */
  urgency?: string;
  title: string;
  description: string;
  source: GridCaseSource;
  anonymous: boolean;
  reporter: GridCaseReporter;
  location?: { lng: number; lat: number };
  units: GridCaseUnits;
  /** Values of the category's attributes, by attribute code. */
  attributes?: Record<string, string | number>;
  /** The case this one was raised from (e.g. a three-party matter escalated to the street). */
  escalatedFrom?: string;
}

/**
 * The machine input: the submission plus what the runtime knows of the new case.
 *
 * @example
 * initialTransition(machine, { ...submission, caseId: 'c-1', at: clock.now(), actor });
 */
export interface GridEscalationMachineInput extends GridEscalationInput {
  /** This case's id (used in effects, e.g. linking a duplicate to its original). */
  caseId: string;
  /** When the case was submitted (epoch ms). */
  at?: number;
  /** Who submitted it. */
  actor?: Actor;
  /** Same as `at` (the runtime passes both). */
  submittedAt?: number;
  /** Same as `actor`, reduced (the runtime passes both). */
  submittedBy?: { id: string; roles?: string[] };
}

/** 退单 reasons. */
export type ReturnReason = 'wrong_locality' | 'unclear_ownership' | 'overlapping_duties';
/** 日常哨 / 攻坚哨 / 应急哨. */
export type WhistleKind = 'routine' | 'tough' | 'emergency';

/** How a unit came to hold the case. */
export type DispatchVia = 'route' | 'escalation' | 'return' | 'overrule' | 'reopen' | 'redispatch';

/** One dispatch of the case to a unit, with its signing and contact times (及时签收率, 响应率). */
export interface DispatchRecord {
  round: number;
  level: string;
  department?: string;
  via: DispatchVia;
  at: number;
  signDueAt: number;
  signedAt?: number;
  signedBy?: string;
  signedLate: boolean;
  contactDueAt?: number;
  contactedAt?: number;
  contactedLate: boolean;
  handleDueAt: number;
}

/** A department summoned by the street's whistle (街道吹哨、部门报到). */
export interface SummonedDepartment {
  department: string;
  /** The handling round of the whistle; a later round (rework after a failed verification) may summon again. */
  round: number;
  kind: WhistleKind;
  summonedAt: number;
  checkInDueAt: number;
  checkedInAt?: number;
  doneAt?: number;
  /** True when it checked in after the limit (or had not checked in when the limit passed). */
  late?: boolean;
}

/** One rise of the case to the next level (context `escalations`). */
export interface EscalationRecord {
  from: string;
  fromDepartment?: string;
  to: string;
  at: number;
  /** `breach`: the handling limit passed; `manual`: the level asked to pass it up (`case.escalate`). */
  reason: 'breach' | 'manual';
  by: string;
  note?: string;
}

/** One return (退单) and the dispatcher's arbitration (context `returns`; 回退率). */
export interface ReturnRecord {
  at: number;
  by: string;
  level: string;
  department?: string;
  reason: ReturnReason;
  note: string;
  outcome?: 'accepted' | 'overruled';
  decidedAt?: number;
  decidedBy?: string;
}

/** One extension request (延期) and its outcome; `lapsed` when the case left the level while it was pending. */
export interface ExtensionRecord {
  requestedAt: number;
  by: string;
  duration: string;
  reason: string;
  status: 'pending' | 'approved' | 'denied' | 'lapsed';
  decidedAt?: number;
  decidedBy?: string;
  /** The handling deadline before and after an approval. */
  previousDueAt?: number;
  newDueAt?: number;
}

/** A warning raised at `timeLimits.warningAt` of a handling limit (预警). */
export interface WarningRecord {
  at: number;
  deadlineId: string;
  level: string;
  department?: string;
}

/** One on-site verification (核查) of the fed-back result. */
export interface VerificationRecord {
  at: number;
  by: string;
  passed: boolean;
  note?: string;
}

/** A dated note by someone (reminders 催办, parking 挂账). */
export interface NoteRecord {
  at: number;
  by: string;
  note?: string;
}

/**
 * The context of a grid escalation case: the submission, who holds it, its clocks (as deadline data) and
 * every fact the indicators need.
 */
export interface GridEscalationContext extends ProcessContextBase {
  caseId: string;
  request: GridEscalationInput;
  submittedAt: number | null;
  submittedBy: string | null;
  category: string;
  urgency: string;
  /** The level holding the case: grid, community, street, district or `department`. */
  level: string | null;
  /** The department holding the case when `level` is `department`. */
  department: string | null;
  routeRowId: string | null;
  /** Increases with every dispatch or rework; part of deadline ids. */
  round: number;
  dispatches: DispatchRecord[];
  handlerId: string | null;
  /**
   * When the report's filing limit (立案时限, `timeLimits.filing`) ends, counted from submission; null when the
   * submission time is unknown. Absent in snapshots made before filing limits existed.
   */
  filingDueAt?: number | null;
  filingCellId?: string | null;
  /** True once the filing limit passed with the report still unfiled. */
  filingOverdue?: boolean;
  filedAt: number | null;
  filedBy: string | null;
  /** Filed within the filing limit (及时立案); null until filed. */
  filedInTime?: boolean | null;
  /** True when rule `autoFile` filed the report because its filing limit passed. */
  autoFiled?: boolean;
  dispatchedAt: number | null;
  signedAt: number | null;
  contactedAt: number | null;
  startedAt: number | null;
  signedLate: boolean;
  contactedLate: boolean;
  /** Start of the current handling limit (dispatch, rework after a failed verification, resumption). */
  levelStartedAt: number | null;
  handleDueAt: number | null;
  handleCounting: Counting;
  handleCellId: string | null;
  totalDueAt: number | null;
  /** True once the total limit or an unescalated handling limit passed. */
  overdue: boolean;
  overdueSince: number | null;
  publicNotice: boolean;
  publicNoticeAt: number | null;
  resolved: boolean;
  feedbackAt: number | null;
  feedbackBy: string | null;
  feedbackNote: string | null;
  verifiedAt: number | null;
  closedAt: number | null;
  closedOnTime: boolean | null;
  archivedAt: number | null;
  cancelledAt: number | null;
  cancelReason: string | null;
  mergedInto: string | null;
  /** Ids of cases merged into this one as duplicates (重复件). */
  duplicates: string[];
  /** Evaluation cases (appealEvaluation) opened when the case was closed: 谁呼谁评 and 下评上. */
  evaluations?: string[];
  /**
   * Who was already asked to evaluate which unit (`resident:grid:g-01`): one evaluation per response. Both lists
   * are absent until the case is first closed (stored snapshots stay small).
   */
  evaluationsRequested?: string[];
  escalations: EscalationRecord[];
  returns: ReturnRecord[];
  /** True while a return was overruled and the unit is force-assigned (终审). */
  forceAssigned: boolean;
  extensions: ExtensionRecord[];
  warnings: WarningRecord[];
  reminders: NoteRecord[];
  verifications: VerificationRecord[];
  whistled: boolean;
  whistleKind: WhistleKind | null;
  whistledAt: number | null;
  summoned: SummonedDepartment[];
  parkedAt: number | null;
  parks: NoteRecord[];
  redoCount: number;
}

/** The inputs of the events this machine accepts, by event type. */
export interface GridEscalationCommandInputs {
  'case.triage.file': { urgency?: string; note?: string };
  'case.triage.cancel': { reason: string };
  'case.triage.merge': { caseId: string; note?: string };
  'case.dispatch': { level: string; department?: string; note?: string };
  'case.sign': { note?: string };
  'case.contact': { method?: string; note?: string };
  'case.start': { note?: string };
  'case.return': { reason: ReturnReason; note: string };
  'case.return.accept': { level?: string; department?: string; units?: Partial<GridCaseUnits>; note?: string };
  'case.return.overrule': { note: string };
  'case.extension.request': { duration: string; reason: string };
  'case.extension.approve': { note?: string };
  'case.extension.deny': { note?: string };
  'case.park': { reason: string };
  'case.remind': { note?: string };
  'case.whistle': { kind: WhistleKind; departments: string[]; note?: string };
  'case.checkin': { department: string; note?: string };
  'case.department.done': { department: string; note?: string };
  'case.feedback': { note: string; resolved?: boolean };
  'case.verify.pass': { note?: string };
  'case.verify.fail': { note: string };
  'case.close': { note?: string };
  'case.reopen': { reason?: string; evaluationCaseId?: string };
  'case.archive': { note?: string };
  'case.escalate': { reason: string };
  'case.duplicate.link': { caseId: string };
  'case.evaluation.link': { caseId: string };
  'deadline.due': { deadlineId: string; kind: string };
}

/** Every event type the machine accepts. */
export type GridEscalationEventType = keyof GridEscalationCommandInputs;

/**
 * The events of the machine: `{ type, at, actor, input }` with the input of each type.
 *
 * @example
 * const e: GridEscalationEvent = { type: 'case.whistle', at, actor, input: { kind: 'tough', departments: ['fire'] } };
 */
export type GridEscalationEvent = {
  [K in GridEscalationEventType]: CaseEvent<K, GridEscalationCommandInputs[K]>;
}[GridEscalationEventType];

/* ------------------------------------------------------------------------------------------------------------
 * Pure helpers
 * ---------------------------------------------------------------------------------------------------------- */

const DEPARTMENT = 'department';
const HANDLE_KINDS = new Set(['sign', 'contact', 'handle', 'warning']);
const WHISTLE_KINDS: readonly string[] = ['routine', 'tough', 'emergency'];
const ISO_DURATION = /^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

function deadlineOf(context: GridEscalationContext, id: unknown): Deadline | undefined {
  return typeof id === 'string' ? context.deadlines.find((d) => d.id === id && d.firedAt === undefined) : undefined;
}

/** The pending deadline a `deadline.due` event names, if it is of `kind`. */
function dueOfKind(context: GridEscalationContext, event: GridEscalationEvent, kind: string): Deadline | undefined {
  if (event.type !== 'deadline.due') return undefined;
  const d = deadlineOf(context, event.input.deadlineId);
  return d !== undefined && d.kind === kind ? d : undefined;
}

function unitLabel(level: string, department: string | null | undefined): string {
  return level === DEPARTMENT && department ? `${DEPARTMENT}:${department}` : level;
}

/** A valid dispatch target: a known level (or `department` with a known department). */
function validTarget(
  env: ProcessEnv,
  level: unknown,
  department: unknown,
): { level: string; department: string | null } | null {
  const departments = env.policy.organisation.departments;
  if (isNonEmptyString(department)) {
    if (!departments.some((d) => d.code === department)) return null;
    if (level !== undefined && level !== DEPARTMENT) return null;
    return { level: DEPARTMENT, department };
  }
  if (!isNonEmptyString(level) || level === DEPARTMENT) return null;
  const levels = env.policy.organisation.levels.map((l) => l.code as string);
  return levels.includes(level) || env.policy.organisation.escalationPath.includes(level as OrgLevel)
    ? { level, department: null }
    : null;
}

/** A routing result as a dispatch target. */
function targetOf(route: { level: string; department?: string }): { level: string; department: string | null } {
  return route.department
    ? { level: DEPARTMENT, department: route.department }
    : { level: route.level, department: null };
}

/**
 * Files the report at `at` (by hand or by rule `autoFile`) with `urgency` to the unit `route` names: starts the
 * total limit, drops the filing deadline, records whether it was filed in time, and dispatches.
 */
function fileTo(
  env: ProcessEnv,
  context: GridEscalationContext,
  o: { at: number; by: string; urgency: string; route: { level: string; department?: string; rowId: string } },
): Partial<GridEscalationContext> {
  const total = totalLimit(env.policy, o.urgency);
  let deadlines = clearDeadlines(context.deadlines, (d) => d.kind === 'filing');
  let totalDueAt: number | null = null;
  if (total) {
    totalDueAt = env.calendar.addDuration(o.at, total.duration, total.counting);
    deadlines = setDeadline(deadlines, { id: 'total:1', kind: 'total', dueAt: totalDueAt });
  }
  const due = context.filingDueAt ?? null;
  const base = { ...context, urgency: o.urgency, deadlines, totalDueAt };
  return {
    urgency: o.urgency,
    filedAt: o.at,
    filedBy: o.by,
    filedInTime: context.filingOverdue !== true && (due === null || o.at <= due),
    routeRowId: o.route.rowId,
    totalDueAt,
    ...dispatchTo(env, base, o.at, targetOf(o.route), 'route'),
  };
}

/**
 * Dispatches the case to a unit at `at`: sets who holds it, resets the per-dispatch indicators, and replaces
 * the level's deadlines (sign, handle, warning; check-ins of a previous whistle are dropped).
 */
function dispatchTo(
  env: ProcessEnv,
  context: GridEscalationContext,
  at: number,
  target: { level: string; department: string | null },
  via: DispatchVia,
): Partial<GridEscalationContext> {
  const { timeLimits } = env.policy;
  const round = context.round + 1;
  const limit = handlingLimit(env.policy, target.level, context.urgency);
  const signDueAt = env.calendar.addDuration(at, timeLimits.signing.duration, timeLimits.signing.counting);
  const handleDueAt = env.calendar.addDuration(at, limit.duration, limit.counting);
  const label = unitLabel(target.level, target.department);
  const data = { level: target.level, round, ...(target.department ? { department: target.department } : {}) };
  let deadlines = clearDeadlines(context.deadlines, (d) => HANDLE_KINDS.has(d.kind) || d.kind === 'checkin');
  deadlines = setDeadline(deadlines, { id: `sign:${round}`, kind: 'sign', dueAt: signDueAt, data });
  deadlines = withHandlingDeadlines(env, deadlines, { at, handleDueAt, counting: limit.counting, label, round, data });
  const record: DispatchRecord = {
    round,
    level: target.level,
    ...(target.department ? { department: target.department } : {}),
    via,
    at,
    signDueAt,
    signedLate: false,
    contactedLate: false,
    handleDueAt,
  };
  return {
    level: target.level,
    department: target.department,
    round,
    dispatches: [...context.dispatches, record],
    handlerId: null,
    dispatchedAt: at,
    signedAt: null,
    contactedAt: null,
    startedAt: null,
    signedLate: false,
    contactedLate: false,
    levelStartedAt: at,
    handleDueAt,
    handleCounting: limit.counting,
    handleCellId: limit.cellId,
    forceAssigned: via === 'overrule',
    extensions: lapsePending(context.extensions, at),
    deadlines,
  };
}

/**
 * When the `handle` deadline fires: the first counted minute past the limit (`PT1M` after it in the limit's
 * counting), so that the time the level has used, counted as its limit is counted, exceeds the limit
 * (`case.elapsedHours > case.limitHours`). A working-day limit ending on Friday 17:30 is thus breached on Monday
 * 09:01, when work resumes; a calendar limit one minute after it ends.
 *
 * @example
 * breachCheckAt(env, Date.parse('2026-03-06T17:30:00+08:00'), 'working'); // Mon 2026-03-09 09:01 +08:00
 */
export function breachCheckAt(env: Pick<ProcessEnv, 'calendar'>, limitAt: number, counting: Counting): number {
  return env.calendar.addDuration(limitAt, 'PT1M', counting);
}

/** Sets the `handle` deadline and its `warning` (at `timeLimits.warningAt` of the limit). */
function withHandlingDeadlines(
  env: ProcessEnv,
  deadlines: Deadline[],
  o: { at: number; handleDueAt: number; counting: Counting; label: string; round: number; data: Deadline['data'] },
): Deadline[] {
  const breachAt = breachCheckAt(env, o.handleDueAt, o.counting);
  let out = setDeadline(deadlines, {
    id: `handle:${o.label}:${o.round}`,
    kind: 'handle',
    dueAt: breachAt,
    data: { ...o.data, limitAt: o.handleDueAt },
  });
  const fraction = env.policy.timeLimits.warningAt;
  if (fraction > 0 && fraction < 1) {
    const warnAt = warningDueAt(env.calendar, o.at, o.handleDueAt, o.counting, fraction);
    if (warnAt > o.at && warnAt < o.handleDueAt) {
      out = setDeadline(out, {
        id: `warning:${o.label}:${o.round}`,
        kind: 'warning',
        dueAt: warnAt,
        ...(o.data ? { data: o.data } : {}),
      });
    }
  }
  return out;
}

/** A fresh handling limit at the current level from `at` (rework after a failed verification, resumption). */
function restartHandling(env: ProcessEnv, context: GridEscalationContext, at: number): Partial<GridEscalationContext> {
  const level = context.level ?? 'district';
  const round = context.round + 1;
  const limit = handlingLimit(env.policy, level, context.urgency);
  const handleDueAt = env.calendar.addDuration(at, limit.duration, limit.counting);
  const data = { level, round, ...(context.department ? { department: context.department } : {}) };
  const cleared = clearDeadlines(context.deadlines, (d) => d.kind === 'handle' || d.kind === 'warning');
  return {
    round,
    levelStartedAt: at,
    handleDueAt,
    handleCounting: limit.counting,
    handleCellId: limit.cellId,
    deadlines: withHandlingDeadlines(env, cleared, {
      at,
      handleDueAt,
      counting: limit.counting,
      label: unitLabel(level, context.department),
      round,
      data,
    }),
  };
}

function lapsePending(extensions: readonly ExtensionRecord[], at: number): ExtensionRecord[] {
  return extensions.map((e) => (e.status === 'pending' ? { ...e, status: 'lapsed' as const, decidedAt: at } : e));
}

/** Marks the case overdue (once) and schedules the public-notice check N working days later. */
function markOverdue(
  env: ProcessEnv,
  context: GridEscalationContext,
  since: number,
  deadlines: Deadline[],
): Partial<GridEscalationContext> {
  if (context.overdue) return { deadlines };
  const days = env.policy.timeLimits.publicNoticeAfterWorkingDays;
  const dueAt = env.calendar.addDuration(since, `P${Math.max(0, days)}D`, 'working');
  return {
    overdue: true,
    overdueSince: since,
    deadlines: setDeadline(deadlines, {
      id: 'public_notice:1',
      kind: 'public_notice',
      dueAt: Math.max(dueAt, since),
      data: { check: 1 },
    }),
  };
}

/**
 * The departments summoned in the current handling round (a rework after a failed verification starts a new
 * round, and the street may summon again).
 *
 * @example
 * activeSummoned(context).every((s) => s.doneAt !== undefined); // every summoned department has finished
 */
export function activeSummoned(context: Pick<GridEscalationContext, 'summoned' | 'round'>): SummonedDepartment[] {
  return context.summoned.filter((s) => s.round === context.round);
}

const lastIndex = <T>(items: readonly T[], match: (item: T) => boolean): number => {
  for (let i = items.length - 1; i >= 0; i--) if (match(items[i]!)) return i;
  return -1;
};

const replaceAt = <T>(items: readonly T[], index: number, update: (item: T) => T): T[] =>
  items.map((item, i) => (i === index ? update(item) : item));

/* ------------------------------------------------------------------------------------------------------------
 * The machine
 * ---------------------------------------------------------------------------------------------------------- */

/**
 * Builds the grid escalation machine (小事不出网格，难事不出社区，大事不出街道) for one policy.
 *
 * Triage files, cancels or merges a report within its filing limit (`timeLimits.filing`, from submission); past
 * it the report is overdue, and rule `autoFile` may file it to the routed unit; filing routes it with `env.route`
 * to a level or a department;
 * each level goes dispatched → signed → contacted → working, with signing, contact and handling limits on the
 * policy calendar; a passed handling limit escalates along `organisation.escalationPath` when rule `escalate`
 * says so; the street may blow the whistle (rule `whistle`) and summon departments that check in and report
 * done separately; units may return an order (rule `returnAllowed`) for the dispatcher to accept or overrule,
 * request an extension (rule `extensionAllowed`) or park the case; the result is fed back, verified by someone
 * other than the handler (rule `verifierAllowed`), closed, evaluated (the evaluation process may reopen it)
 * and archived. Timers are data (`context.deadlines`); the runtime sends `deadline.due`. All state changes are
 * `assign`s; the only other action is `effect` (carried out by the runtime).
 *
 * @example
 * const recorder = { decisions: [] };
 * const machine = createGridEscalationMachine(createProcessEnv(createDefaultPolicy(), recorder));
 * const [s0] = initialTransition(machine, { caseId: 'c-1', at, ...submission });
 * const [s1] = transition(machine, s0, { type: 'case.triage.file', at, actor, input: {} });
 * s1.value; // { handling: 'dispatched' }
 */
export function createGridEscalationMachine(env: ProcessEnv) {
  const rule = (key: string, context: GridEscalationContext, event: GridEscalationEvent): boolean =>
    env.rule(key, caseRuleFacts(env, context, event.at, event.actor)) === true;
  // The route `canAutoFile` found for a filing deadline, for the `autoFile` action of the same event (routing once
  // records one routing decision).
  const autoFileRoutes = new WeakMap<object, ReturnType<ProcessEnv['route']>>();

  const types = {
    context: {} as GridEscalationContext,
    events: {} as GridEscalationEvent,
    input: {} as GridEscalationMachineInput,
  };

  return setup({
    types,
    guards: {
      /** Triage may file with an urgency override only when the urgency exists. */
      canFile: ({ event }) => {
        assertEvent(event, 'case.triage.file');
        const u = event.input.urgency;
        return u === undefined || env.policy.urgencies.some((x) => x.code === u);
      },
      /** A duplicate merges into another existing case id. */
      canMerge: ({ context, event }) => {
        assertEvent(event, 'case.triage.merge');
        return isNonEmptyString(event.input.caseId) && event.input.caseId !== context.caseId;
      },
      /**
       * The original case records a duplicate once, in any state (a matter may repeat a case already closed or
       * archived) except when it was itself cancelled or merged: then it is no original.
       */
      canLinkDuplicate: ({ context, event }) => {
        assertEvent(event, 'case.duplicate.link');
        const id = event.input.caseId;
        if (context.cancelledAt !== null || context.mergedInto !== null) return false;
        return isNonEmptyString(id) && id !== context.caseId && !context.duplicates.includes(id);
      },
      /** Re-dispatch (改派) to a valid target other than the current holder. */
      canRedispatch: ({ context, event }) => {
        assertEvent(event, 'case.dispatch');
        const t = validTarget(env, event.input.level, event.input.department);
        return t !== null && !(t.level === context.level && t.department === context.department);
      },
      /** Rule `returnAllowed`: may this unit return the order? */
      canReturn: ({ context, event }) => {
        assertEvent(event, 'case.return');
        return rule('returnAllowed', context, event);
      },
      /** Accepting a return needs a valid new target when one is given. */
      canAcceptReturn: ({ event }) => {
        assertEvent(event, 'case.return.accept');
        const { level, department } = event.input;
        return (level === undefined && department === undefined) || validTarget(env, level, department) !== null;
      },
      /** Rule `extensionAllowed` (facts `case.extensions`, `case.beforeDeadline`), and a valid ISO duration. */
      canRequestExtension: ({ context, event }) => {
        assertEvent(event, 'case.extension.request');
        if (typeof event.input.duration !== 'string' || !ISO_DURATION.test(event.input.duration)) return false;
        return rule('extensionAllowed', context, event);
      },
      /**
       * Only the street blows the whistle, for known departments not yet summoned, at most
       * `limits.maxWhistleDepartments` in all, and rule `whistle` agrees (facts: `case.level`,
       * `case.whistleDepartments` = departments already summoned).
       */
      canWhistle: ({ context, event }) => {
        assertEvent(event, 'case.whistle');
        const departments = event.input.departments;
        if (context.level !== 'street' || !Array.isArray(departments) || departments.length === 0) return false;
        const known = new Set(env.policy.organisation.departments.map((d) => d.code));
        const summoned = new Set(activeSummoned(context).map((s) => s.department));
        if (
          new Set(departments).size !== departments.length ||
          !departments.every((d) => known.has(d) && !summoned.has(d))
        )
          return false;
        if (!WHISTLE_KINDS.includes(event.input.kind)) return false;
        if (summoned.size + departments.length > env.policy.rules.limits.maxWhistleDepartments) return false;
        return rule('whistle', context, event);
      },
      /** A summoned department checks in once. */
      canCheckIn: ({ context, event }) => {
        assertEvent(event, 'case.checkin');
        return activeSummoned(context).some(
          (s) => s.department === event.input.department && s.checkedInAt === undefined,
        );
      },
      /** A checked-in department reports its part done once. */
      canReportDone: ({ context, event }) => {
        assertEvent(event, 'case.department.done');
        return activeSummoned(context).some(
          (s) => s.department === event.input.department && s.checkedInAt !== undefined && s.doneAt === undefined,
        );
      },
      /** The last department still working reports done. */
      isLastDepartmentDone: ({ context, event }) => {
        assertEvent(event, 'case.department.done');
        const open = activeSummoned(context).filter((s) => s.doneAt === undefined);
        const only = open[0];
        return (
          open.length === 1 &&
          only !== undefined &&
          only.department === event.input.department &&
          only.checkedInAt !== undefined
        );
      },
      /** Rule `verifierAllowed` (facts `actor.id`, `case.handlerId`). */
      canVerify: ({ context, event }) => {
        assertEvent(event, ['case.verify.pass', 'case.verify.fail']);
        return rule('verifierAllowed', context, event);
      },
      /** A level may pass the case up when there is a level above it. */
      canEscalateManually: ({ context }) => nextLevel(env.policy.organisation.escalationPath, context.level) !== null,
      /** The handling limit passed, there is a level above, and rule `escalate` says the case rises. */
      canEscalate: ({ context, event }) => {
        if (dueOfKind(context, event, 'handle') === undefined) return false;
        if (nextLevel(env.policy.organisation.escalationPath, context.level) === null) return false;
        return rule('escalate', context, event);
      },
      isHandleDue: ({ context, event }) => dueOfKind(context, event, 'handle') !== undefined,
      isWarningDue: ({ context, event }) => dueOfKind(context, event, 'warning') !== undefined,
      isSignDue: ({ context, event }) => dueOfKind(context, event, 'sign') !== undefined,
      isContactDue: ({ context, event }) => dueOfKind(context, event, 'contact') !== undefined,
      isCheckInDue: ({ context, event }) => dueOfKind(context, event, 'checkin') !== undefined,
      isTotalDue: ({ context, event }) => dueOfKind(context, event, 'total') !== undefined,
      /** The public-notice check is due, the case is still overdue and open, and rule `publicNotice` agrees. */
      isPublicNoticeDue: ({ context, event }) => {
        if (dueOfKind(context, event, 'public_notice') === undefined || context.publicNotice) return false;
        return rule('publicNotice', context, event);
      },
      isPublicNoticeCheck: ({ context, event }) => dueOfKind(context, event, 'public_notice') !== undefined,
      isFilingDue: ({ context, event }) => dueOfKind(context, event, 'filing') !== undefined,
      /**
       * The filing limit passed with the report unfiled, and rule `autoFile` (when the policy has it) files it:
       * facts `case.filingElapsedHours`, `case.filingLimitHours`, the intake facts, and the unit routing sends it
       * to (`case.routedLevel`, `case.routedDepartment`).
       */
      canAutoFile: ({ context, event }) => {
        if (dueOfKind(context, event, 'filing') === undefined || env.policy.rules.autoFile === undefined) return false;
        const route = env.route(routingFactsOf(context));
        const facts = caseRuleFacts(
          env,
          context,
          event.at,
          event.actor,
          filingClockFacts(env, context, event.at, route),
        );
        if (env.rule('autoFile', facts) !== true) return false;
        autoFileRoutes.set(event, route);
        return true;
      },
      /** Any other pending deadline (e.g. one of a state the case has left). */
      isPendingDeadline: ({ context, event }) =>
        event.type === 'deadline.due' && isPending(context.deadlines, event.input.deadlineId),
    },
    actions: {
      /** Carried out by the runtime in the same transaction (see {@link Effect}); nothing happens here. */
      effect: (_args, _params: Effect) => undefined,

      file: assign(({ context, event }) => {
        assertEvent(event, 'case.triage.file');
        const urgency = event.input.urgency ?? context.urgency;
        const route = env.route(routingFactsOf({ ...context, urgency }));
        return fileTo(env, context, { at: event.at, by: event.actor.id, urgency, route });
      }),
      /** The filing limit passed: the report is overdue for its filer (the deadline is the reminder). */
      recordFilingBreach: assign(({ context, event }) => {
        assertEvent(event, 'deadline.due');
        return { filingOverdue: true, deadlines: markFired(context.deadlines, event.input.deadlineId, event.at) };
      }),
      /** Rule `autoFile` files the overdue report to the routed unit, as the system. */
      autoFile: assign(({ context, event }) => {
        assertEvent(event, 'deadline.due');
        const route = autoFileRoutes.get(event) ?? env.route(routingFactsOf(context));
        const overdue = {
          ...context,
          filingOverdue: true,
          deadlines: markFired(context.deadlines, event.input.deadlineId, event.at),
        };
        return {
          filingOverdue: true,
          autoFiled: true,
          ...fileTo(env, overdue, { at: event.at, by: event.actor.id, urgency: context.urgency, route }),
        };
      }),
      cancel: assign(({ context, event }) => {
        assertEvent(event, 'case.triage.cancel');
        return {
          cancelledAt: event.at,
          cancelReason: event.input.reason,
          deadlines: clearDeadlines(context.deadlines, () => true),
        };
      }),
      merge: assign(({ context, event }) => {
        assertEvent(event, 'case.triage.merge');
        return { mergedInto: event.input.caseId, deadlines: clearDeadlines(context.deadlines, () => true) };
      }),
      linkEvaluation: assign(({ context, event }) => {
        assertEvent(event, 'case.evaluation.link');
        return { evaluations: [...(context.evaluations ?? []), event.input.caseId] };
      }),
      /**
       * One evaluation per response (一事一评): the resident who called rates the closure (谁呼谁评), and the street
       * rates each department it summoned with the whistle (谁应谁评、下评上). The runtime opens them in the same
       * transaction as the closing.
       */
      requestEvaluations: enqueueActions(({ context, enqueue }) => {
        const effects = evaluationEffects(context);
        for (const effect of effects) enqueue({ type: 'effect', params: effect } as never);
        enqueue.assign({
          evaluationsRequested: [...(context.evaluationsRequested ?? []), ...effects.map(evaluationKey)],
        });
      }),
      linkDuplicate: assign(({ context, event }) => {
        assertEvent(event, 'case.duplicate.link');
        return { duplicates: [...context.duplicates, event.input.caseId] };
      }),
      redispatch: assign(({ context, event }) => {
        assertEvent(event, 'case.dispatch');
        const t = validTarget(env, event.input.level, event.input.department);
        return t === null ? {} : dispatchTo(env, context, event.at, t, 'redispatch');
      }),
      sign: assign(({ context, event }) => {
        assertEvent(event, 'case.sign');
        const { contact } = env.policy.timeLimits;
        const sign = context.deadlines.find((d) => d.id === `sign:${context.round}`);
        const late = context.signedLate || (sign !== undefined && event.at > sign.dueAt);
        const contactDueAt = env.calendar.addDuration(event.at, contact.duration, contact.counting);
        const i = lastIndex(context.dispatches, (d) => d.round === context.round);
        let deadlines = clearDeadlines(context.deadlines, (d) => d.kind === 'sign');
        deadlines = setDeadline(deadlines, {
          id: `contact:${context.round}`,
          kind: 'contact',
          dueAt: contactDueAt,
          data: { round: context.round },
        });
        return {
          signedAt: event.at,
          handlerId: event.actor.id,
          signedLate: late,
          dispatches: replaceAt(context.dispatches, i, (d) => ({
            ...d,
            signedAt: event.at,
            signedBy: event.actor.id,
            signedLate: late,
            contactDueAt,
          })),
          deadlines,
        };
      }),
      contact: assign(({ context, event }) => {
        assertEvent(event, 'case.contact');
        const c = context.deadlines.find((d) => d.id === `contact:${context.round}`);
        const late = context.contactedLate || (c !== undefined && event.at > c.dueAt);
        const i = lastIndex(context.dispatches, (d) => d.round === context.round);
        return {
          contactedAt: event.at,
          contactedLate: late,
          dispatches: replaceAt(context.dispatches, i, (d) => ({ ...d, contactedAt: event.at, contactedLate: late })),
          deadlines: clearDeadlines(context.deadlines, (d) => d.kind === 'contact'),
        };
      }),
      start: assign(({ context, event }) => {
        assertEvent(event, 'case.start');
        return { startedAt: context.startedAt ?? event.at };
      }),
      resume: assign(({ context, event }) => {
        assertEvent(event, 'case.start');
        return { parkedAt: null, ...restartHandling(env, context, event.at) };
      }),
      recordReturn: assign(({ context, event }) => {
        assertEvent(event, 'case.return');
        const record: ReturnRecord = {
          at: event.at,
          by: event.actor.id,
          level: context.level ?? 'district',
          ...(context.department ? { department: context.department } : {}),
          reason: event.input.reason,
          note: event.input.note,
        };
        return {
          returns: [...context.returns, record],
          extensions: lapsePending(context.extensions, event.at),
          deadlines: clearDeadlines(context.deadlines, (d) => HANDLE_KINDS.has(d.kind)),
        };
      }),
      acceptReturn: assign(({ context, event }) => {
        assertEvent(event, 'case.return.accept');
        const { level, department, units } = event.input;
        const explicit = level === undefined && department === undefined ? null : validTarget(env, level, department);
        const i = context.returns.length - 1;
        const request = units ? { ...context.request, units: { ...context.request.units, ...units } } : context.request;
        const returns = replaceAt(context.returns, i, (r) => ({
          ...r,
          outcome: 'accepted' as const,
          decidedAt: event.at,
          decidedBy: event.actor.id,
        }));
        const base = { ...context, request, returns };
        let target = explicit;
        let routeRowId = context.routeRowId;
        if (target === null) {
          const route = env.route(routingFactsOf(base));
          target = route.department
            ? { level: DEPARTMENT, department: route.department }
            : { level: route.level, department: null };
          routeRowId = route.rowId;
        }
        return { request, returns, routeRowId, ...dispatchTo(env, base, event.at, target, 'return') };
      }),
      overruleReturn: assign(({ context, event }) => {
        assertEvent(event, 'case.return.overrule');
        const i = context.returns.length - 1;
        const returns = replaceAt(context.returns, i, (r) => ({
          ...r,
          outcome: 'overruled' as const,
          decidedAt: event.at,
          decidedBy: event.actor.id,
        }));
        const target = { level: context.level ?? 'district', department: context.department };
        return { returns, ...dispatchTo(env, { ...context, returns }, event.at, target, 'overrule') };
      }),
      requestExtension: assign(({ context, event }) => {
        assertEvent(event, 'case.extension.request');
        const record: ExtensionRecord = {
          requestedAt: event.at,
          by: event.actor.id,
          duration: event.input.duration,
          reason: event.input.reason,
          status: 'pending',
        };
        return { extensions: [...context.extensions, record] };
      }),
      approveExtension: assign(({ context, event }) => {
        assertEvent(event, 'case.extension.approve');
        const i = lastIndex(context.extensions, (e) => e.status === 'pending');
        const pending = context.extensions[i];
        if (pending === undefined || context.handleDueAt === null || context.levelStartedAt === null) return {};
        const newDueAt = env.calendar.addDuration(context.handleDueAt, pending.duration, context.handleCounting);
        const level = context.level ?? 'district';
        const label = unitLabel(level, context.department);
        const data = {
          level,
          round: context.round,
          extension: i + 1,
          ...(context.department ? { department: context.department } : {}),
        };
        const cleared = clearDeadlines(context.deadlines, (d) => d.kind === 'handle' || d.kind === 'warning');
        let deadlines = setDeadline(cleared, {
          id: `handle:${label}:${context.round}:x${i + 1}`,
          kind: 'handle',
          dueAt: breachCheckAt(env, newDueAt, context.handleCounting),
          data: { ...data, limitAt: newDueAt },
        });
        const fraction = env.policy.timeLimits.warningAt;
        const warnAt = warningDueAt(env.calendar, context.levelStartedAt, newDueAt, context.handleCounting, fraction);
        if (fraction > 0 && fraction < 1 && warnAt > event.at && warnAt < newDueAt) {
          deadlines = setDeadline(deadlines, {
            id: `warning:${label}:${context.round}:x${i + 1}`,
            kind: 'warning',
            dueAt: warnAt,
            data,
          });
        }
        return {
          handleDueAt: newDueAt,
          deadlines,
          extensions: replaceAt(context.extensions, i, (e) => ({
            ...e,
            status: 'approved' as const,
            decidedAt: event.at,
            decidedBy: event.actor.id,
            previousDueAt: context.handleDueAt ?? undefined,
            newDueAt,
          })),
        };
      }),
      denyExtension: assign(({ context, event }) => {
        assertEvent(event, 'case.extension.deny');
        const i = lastIndex(context.extensions, (e) => e.status === 'pending');
        return {
          extensions: replaceAt(context.extensions, i, (e) => ({
            ...e,
            status: 'denied' as const,
            decidedAt: event.at,
            decidedBy: event.actor.id,
          })),
        };
      }),
      park: assign(({ context, event }) => {
        assertEvent(event, 'case.park');
        return {
          parkedAt: event.at,
          parks: [...context.parks, { at: event.at, by: event.actor.id, note: event.input.reason }],
          deadlines: clearDeadlines(context.deadlines, (d) => d.kind === 'handle' || d.kind === 'warning'),
        };
      }),
      remind: assign(({ context, event }) => {
        assertEvent(event, 'case.remind');
        return {
          reminders: [
            ...context.reminders,
            { at: event.at, by: event.actor.id, ...(event.input.note ? { note: event.input.note } : {}) },
          ],
        };
      }),
      whistle: assign(({ context, event }) => {
        assertEvent(event, 'case.whistle');
        const { whistleCheckIn } = env.policy.timeLimits;
        const checkInDueAt = env.calendar.addDuration(event.at, whistleCheckIn.duration, whistleCheckIn.counting);
        const added: SummonedDepartment[] = event.input.departments.map((department) => ({
          department,
          round: context.round,
          kind: event.input.kind,
          summonedAt: event.at,
          checkInDueAt,
        }));
        let deadlines = context.deadlines;
        for (const s of added) {
          deadlines = setDeadline(deadlines, {
            id: `checkin:${s.department}:${context.round}`,
            kind: 'checkin',
            dueAt: checkInDueAt,
            data: { department: s.department, round: context.round },
          });
        }
        return {
          whistled: true,
          whistleKind: event.input.kind,
          whistledAt: context.whistledAt ?? event.at,
          summoned: [...context.summoned, ...added],
          deadlines,
        };
      }),
      checkIn: assign(({ context, event }) => {
        assertEvent(event, 'case.checkin');
        const dept = event.input.department;
        return {
          summoned: context.summoned.map((s) =>
            s.round === context.round && s.department === dept && s.checkedInAt === undefined
              ? { ...s, checkedInAt: event.at, late: s.late === true || event.at > s.checkInDueAt }
              : s,
          ),
          deadlines: clearDeadlines(context.deadlines, (d) => d.kind === 'checkin' && d.data?.department === dept),
        };
      }),
      departmentDone: assign(({ context, event }) => {
        assertEvent(event, 'case.department.done');
        const dept = event.input.department;
        return {
          summoned: context.summoned.map((s) =>
            s.round === context.round && s.department === dept && s.doneAt === undefined
              ? { ...s, doneAt: event.at }
              : s,
          ),
        };
      }),
      feedback: assign(({ context, event }) => {
        assertEvent(event, 'case.feedback');
        return {
          feedbackAt: event.at,
          feedbackBy: event.actor.id,
          feedbackNote: event.input.note,
          resolved: event.input.resolved !== false,
          deadlines: clearDeadlines(context.deadlines, (d) => HANDLE_KINDS.has(d.kind) || d.kind === 'checkin'),
        };
      }),
      verifyPass: assign(({ context, event }) => {
        assertEvent(event, 'case.verify.pass');
        const v: VerificationRecord = {
          at: event.at,
          by: event.actor.id,
          passed: true,
          ...(event.input.note ? { note: event.input.note } : {}),
        };
        return { verifiedAt: event.at, verifications: [...context.verifications, v] };
      }),
      verifyFail: assign(({ context, event }) => {
        assertEvent(event, 'case.verify.fail');
        const v: VerificationRecord = { at: event.at, by: event.actor.id, passed: false, note: event.input.note };
        return {
          resolved: false,
          verifications: [...context.verifications, v],
          ...restartHandling(env, context, event.at),
        };
      }),
      close: assign(({ context, event }) => {
        assertEvent(event, 'case.close');
        return {
          closedAt: event.at,
          closedOnTime: context.totalDueAt === null ? true : event.at <= context.totalDueAt,
          deadlines: clearDeadlines(context.deadlines, () => true),
        };
      }),
      reopen: assign(({ context, event }) => {
        assertEvent(event, 'case.reopen');
        const redoCount = context.redoCount + 1;
        const total = totalLimit(env.policy, context.urgency);
        let deadlines = context.deadlines;
        let totalDueAt = context.totalDueAt;
        if (total) {
          totalDueAt = env.calendar.addDuration(event.at, total.duration, total.counting);
          deadlines = setDeadline(deadlines, { id: `total:${redoCount + 1}`, kind: 'total', dueAt: totalDueAt });
        }
        const base = { ...context, deadlines, totalDueAt, redoCount };
        const target = { level: context.level ?? 'district', department: context.department };
        return {
          redoCount,
          totalDueAt,
          closedAt: null,
          closedOnTime: null,
          resolved: false,
          verifiedAt: null,
          ...dispatchTo(env, base, event.at, target, 'reopen'),
        };
      }),
      archive: assign(({ context, event }) => {
        assertEvent(event, 'case.archive');
        return { archivedAt: event.at, deadlines: clearDeadlines(context.deadlines, () => true) };
      }),
      escalateOnBreach: assign(({ context, event }) => {
        assertEvent(event, 'deadline.due');
        const to = nextLevel(env.policy.organisation.escalationPath, context.level);
        if (to === null) return {};
        const record: EscalationRecord = {
          from: context.level ?? 'district',
          ...(context.department ? { fromDepartment: context.department } : {}),
          to,
          at: event.at,
          reason: 'breach',
          by: event.actor.id,
        };
        const base = { ...context, deadlines: markFired(context.deadlines, event.input.deadlineId, event.at) };
        return {
          escalations: [...context.escalations, record],
          ...dispatchTo(env, base, event.at, { level: to, department: null }, 'escalation'),
        };
      }),
      escalateManually: assign(({ context, event }) => {
        assertEvent(event, 'case.escalate');
        const to = nextLevel(env.policy.organisation.escalationPath, context.level);
        if (to === null) return {};
        const record: EscalationRecord = {
          from: context.level ?? 'district',
          ...(context.department ? { fromDepartment: context.department } : {}),
          to,
          at: event.at,
          reason: 'manual',
          by: event.actor.id,
          note: event.input.reason,
        };
        return {
          escalations: [...context.escalations, record],
          ...dispatchTo(env, context, event.at, { level: to, department: null }, 'escalation'),
        };
      }),
      recordHandleBreach: assign(({ context, event }) => {
        assertEvent(event, 'deadline.due');
        const limitAt = deadlineOf(context, event.input.deadlineId)?.data?.limitAt;
        const since = typeof limitAt === 'number' ? limitAt : event.at;
        return markOverdue(env, context, since, markFired(context.deadlines, event.input.deadlineId, event.at));
      }),
      recordWarning: assign(({ context, event }) => {
        assertEvent(event, 'deadline.due');
        const w: WarningRecord = {
          at: event.at,
          deadlineId: event.input.deadlineId,
          level: context.level ?? 'district',
          ...(context.department ? { department: context.department } : {}),
        };
        return {
          warnings: [...context.warnings, w],
          deadlines: markFired(context.deadlines, event.input.deadlineId, event.at),
        };
      }),
      recordLateSigning: assign(({ context, event }) => {
        assertEvent(event, 'deadline.due');
        const i = lastIndex(context.dispatches, (d) => d.round === context.round);
        return {
          signedLate: true,
          dispatches: replaceAt(context.dispatches, i, (d) => ({ ...d, signedLate: true })),
          deadlines: markFired(context.deadlines, event.input.deadlineId, event.at),
        };
      }),
      recordLateContact: assign(({ context, event }) => {
        assertEvent(event, 'deadline.due');
        const i = lastIndex(context.dispatches, (d) => d.round === context.round);
        return {
          contactedLate: true,
          dispatches: replaceAt(context.dispatches, i, (d) => ({ ...d, contactedLate: true })),
          deadlines: markFired(context.deadlines, event.input.deadlineId, event.at),
        };
      }),
      recordLateCheckIn: assign(({ context, event }) => {
        assertEvent(event, 'deadline.due');
        const d = deadlineOf(context, event.input.deadlineId);
        const dept = d?.data?.department;
        const round = d?.data?.round;
        return {
          summoned: context.summoned.map((s) =>
            s.department === dept && s.round === round && s.checkedInAt === undefined ? { ...s, late: true } : s,
          ),
          deadlines: markFired(context.deadlines, event.input.deadlineId, event.at),
        };
      }),
      recordTotalBreach: assign(({ context, event }) => {
        assertEvent(event, 'deadline.due');
        const since = deadlineOf(context, event.input.deadlineId)?.dueAt ?? event.at;
        return markOverdue(env, context, since, markFired(context.deadlines, event.input.deadlineId, event.at));
      }),
      flagPublicNotice: assign(({ context, event }) => {
        assertEvent(event, 'deadline.due');
        return {
          publicNotice: true,
          publicNoticeAt: event.at,
          deadlines: markFired(context.deadlines, event.input.deadlineId, event.at),
        };
      }),
      /** Not (yet) a public-notice candidate: check again one working day later while the case stays overdue. */
      recheckPublicNotice: assign(({ context, event }) => {
        assertEvent(event, 'deadline.due');
        if (context.publicNotice) return { deadlines: markFired(context.deadlines, event.input.deadlineId, event.at) };
        const current = deadlineOf(context, event.input.deadlineId);
        const check = Number(current?.data?.check ?? 1) + 1;
        // Keep only the latest check: a long-overdue case must not accumulate one fired deadline per day.
        const others = context.deadlines.filter((d) => d.kind !== 'public_notice');
        const dueAt = env.calendar.addDuration(event.at, 'P1D', 'working');
        return {
          deadlines: setDeadline(others, {
            id: `public_notice:${check}`,
            kind: 'public_notice',
            dueAt,
            data: { check },
          }),
        };
      }),
      markDeadlineFired: assign(({ context, event }) => {
        assertEvent(event, 'deadline.due');
        return { deadlines: markFired(context.deadlines, event.input.deadlineId, event.at) };
      }),
    },
  }).createMachine({
    id: 'gridEscalation',
    initial: 'triage',
    context: ({ input }) => initialContext(env, input),
    on: {
      'deadline.due': [
        { guard: 'isTotalDue', actions: 'recordTotalBreach' },
        { guard: 'isPublicNoticeDue', actions: 'flagPublicNotice' },
        { guard: 'isPublicNoticeCheck', actions: 'recheckPublicNotice' },
        { guard: 'isPendingDeadline', actions: 'markDeadlineFired' },
      ],
      'case.duplicate.link': { guard: 'canLinkDuplicate', actions: 'linkDuplicate' },
      'case.evaluation.link': { actions: 'linkEvaluation' },
    },
    states: {
      triage: {
        on: {
          'deadline.due': [
            { guard: 'canAutoFile', target: 'handling', actions: 'autoFile' },
            { guard: 'isFilingDue', actions: 'recordFilingBreach' },
          ],
          'case.triage.file': { guard: 'canFile', target: 'handling', actions: 'file' },
          'case.triage.cancel': { target: 'cancelled', actions: 'cancel' },
          'case.triage.merge': {
            guard: 'canMerge',
            target: 'merged',
            actions: [
              'merge',
              {
                type: 'effect',
                params: ({ context, event }) => {
                  assertEvent(event, 'case.triage.merge');
                  return {
                    kind: 'command',
                    caseId: event.input.caseId,
                    type: 'case.duplicate.link',
                    input: { caseId: context.caseId },
                  } satisfies Effect;
                },
              },
            ],
          },
        },
      },
      handling: {
        initial: 'dispatched',
        on: {
          'deadline.due': [
            { guard: 'canEscalate', target: '.dispatched', reenter: true, actions: 'escalateOnBreach' },
            { guard: 'isHandleDue', actions: 'recordHandleBreach' },
            { guard: 'isWarningDue', actions: 'recordWarning' },
            { guard: 'isSignDue', actions: 'recordLateSigning' },
            { guard: 'isContactDue', actions: 'recordLateContact' },
            { guard: 'isCheckInDue', actions: 'recordLateCheckIn' },
          ],
          'case.escalate': {
            guard: 'canEscalateManually',
            target: '.dispatched',
            reenter: true,
            actions: 'escalateManually',
          },
          'case.dispatch': { guard: 'canRedispatch', target: '.dispatched', reenter: true, actions: 'redispatch' },
          'case.remind': { actions: 'remind' },
        },
        states: {
          dispatched: {
            on: {
              'case.sign': { target: 'signed', actions: 'sign' },
              'case.return': { guard: 'canReturn', target: '#gridEscalation.returned', actions: 'recordReturn' },
            },
          },
          signed: {
            on: {
              'case.contact': { target: 'contacted', actions: 'contact' },
              'case.return': { guard: 'canReturn', target: '#gridEscalation.returned', actions: 'recordReturn' },
            },
          },
          contacted: {
            on: {
              'case.start': { target: 'working', actions: 'start' },
              'case.return': { guard: 'canReturn', target: '#gridEscalation.returned', actions: 'recordReturn' },
            },
          },
          working: {
            on: {
              'case.feedback': { target: '#gridEscalation.verifying', actions: 'feedback' },
              'case.extension.request': {
                guard: 'canRequestExtension',
                target: 'extension',
                actions: 'requestExtension',
              },
              'case.park': { target: 'parked', actions: 'park' },
              'case.whistle': { guard: 'canWhistle', target: 'whistle', actions: 'whistle' },
              'case.return': { guard: 'canReturn', target: '#gridEscalation.returned', actions: 'recordReturn' },
            },
          },
          extension: {
            on: {
              'case.extension.approve': { target: 'working', actions: 'approveExtension' },
              'case.extension.deny': { target: 'working', actions: 'denyExtension' },
            },
          },
          parked: {
            on: {
              'case.start': { target: 'working', actions: 'resume' },
            },
          },
          whistle: {
            on: {
              'case.whistle': { guard: 'canWhistle', actions: 'whistle' },
              'case.checkin': { guard: 'canCheckIn', actions: 'checkIn' },
              'case.department.done': [
                { guard: 'isLastDepartmentDone', target: 'feedback', actions: 'departmentDone' },
                { guard: 'canReportDone', actions: 'departmentDone' },
              ],
            },
          },
          feedback: {
            on: {
              'case.feedback': { target: '#gridEscalation.verifying', actions: 'feedback' },
            },
          },
        },
      },
      returned: {
        on: {
          'case.return.accept': { guard: 'canAcceptReturn', target: 'handling.dispatched', actions: 'acceptReturn' },
          'case.return.overrule': { target: 'handling.dispatched', actions: 'overruleReturn' },
        },
      },
      verifying: {
        on: {
          'case.verify.pass': { guard: 'canVerify', target: 'verified', actions: 'verifyPass' },
          'case.verify.fail': { guard: 'canVerify', target: 'handling.working', actions: 'verifyFail' },
        },
      },
      verified: {
        on: {
          'case.close': { target: 'evaluating', actions: ['close', 'requestEvaluations'] },
        },
      },
      evaluating: {
        on: {
          'case.archive': { target: 'archived', actions: 'archive' },
          'case.reopen': { target: 'handling.dispatched', actions: 'reopen' },
        },
      },
      archived: { type: 'final' },
      cancelled: { type: 'final' },
      merged: { type: 'final' },
    },
  });
}

/**
 * The machine type, for typed snapshots and tests.
 *
 * @example
 * type Snapshot = SnapshotFrom<GridEscalationMachine>;
 */
export type GridEscalationMachine = ReturnType<typeof createGridEscalationMachine>;

function initialContext(env: ProcessEnv, input: GridEscalationMachineInput): GridEscalationContext {
  const { caseId, at, actor, submittedAt, submittedBy, ...submission } = input;
  const category = env.policy.categories.find((c) => c.code === submission.category);
  const urgency = submission.urgency ?? category?.defaultUrgency ?? env.policy.urgencies[0]?.code ?? 'general';
  const submitted = at ?? submittedAt ?? null;
  // The filing limit runs from submission: an unfiled report becomes overdue for its filer (立案时限).
  const filing = filingLimit(env.policy, urgency, submission.source);
  const filingDueAt = submitted === null ? null : env.calendar.addDuration(submitted, filing.duration, filing.counting);
  const deadlines: Deadline[] =
    filingDueAt === null
      ? []
      : [{ id: 'filing:1', kind: 'filing', dueAt: filingDueAt, data: { limit: filing.cellId } }];
  return {
    caseId,
    request: submission,
    submittedAt: submitted,
    submittedBy: actor?.id ?? submittedBy?.id ?? null,
    category: submission.category,
    urgency,
    level: null,
    department: null,
    routeRowId: null,
    round: 0,
    dispatches: [],
    handlerId: null,
    filingDueAt,
    filingCellId: filing.cellId,
    filingOverdue: false,
    filedAt: null,
    filedBy: null,
    filedInTime: null,
    autoFiled: false,
    dispatchedAt: null,
    signedAt: null,
    contactedAt: null,
    startedAt: null,
    signedLate: false,
    contactedLate: false,
    levelStartedAt: null,
    handleDueAt: null,
    handleCounting: 'working',
    handleCellId: null,
    totalDueAt: null,
    overdue: false,
    overdueSince: null,
    publicNotice: false,
    publicNoticeAt: null,
    resolved: false,
    feedbackAt: null,
    feedbackBy: null,
    feedbackNote: null,
    verifiedAt: null,
    closedAt: null,
    closedOnTime: null,
    archivedAt: null,
    cancelledAt: null,
    cancelReason: null,
    mergedInto: null,
    duplicates: [],
    escalations: [],
    returns: [],
    forceAssigned: false,
    extensions: [],
    warnings: [],
    reminders: [],
    verifications: [],
    whistled: false,
    whistleKind: null,
    whistledAt: null,
    summoned: [],
    parkedAt: null,
    parks: [],
    redoCount: 0,
    deadlines,
  };
}

/** The unit that answered the case at its current level, as `kind:id` (the unit residents rate). */
export function answeringUnit(context: GridEscalationContext): string | null {
  const units = context.request.units;
  switch (context.level) {
    case 'department':
      return context.department ? `department:${context.department}` : null;
    case 'grid':
      return units.grid ? `grid:${units.grid}` : null;
    case 'community':
      return units.community ? `community:${units.community}` : null;
    case 'street':
    case 'district':
      return units.street ? `street:${units.street}` : null;
    default:
      return null;
  }
}

/** Identifies an evaluation request: who rates which unit. */
function evaluationKey(effect: Effect): string {
  return effect.kind === 'submit' ? `${String(effect.input.evaluatorKind)}:${String(effect.input.unit)}` : '';
}

/**
 * The evaluations a closed case opens: the reporter's, and the street's of every department it summoned — each
 * only once (一事一评): after a redo, the evaluation already open takes the final rating, so closing again opens
 * none for the same rater and unit.
 */
export function evaluationEffects(context: GridEscalationContext): Effect[] {
  return requestedEvaluations(context).filter((e) => !(context.evaluationsRequested ?? []).includes(evaluationKey(e)));
}

function requestedEvaluations(context: GridEscalationContext): Effect[] {
  const units = context.request.units;
  const subjectUnits = [
    units.grid ? `grid:${units.grid}` : null,
    units.community ? `community:${units.community}` : null,
    units.street ? `street:${units.street}` : null,
  ].filter((u): u is string => u !== null);
  const effects: Effect[] = [];
  const reporterId = context.request.reporter?.id;
  const rated = answeringUnit(context);
  if (reporterId && rated) {
    effects.push({
      kind: 'submit',
      process: 'appealEvaluation',
      input: {
        subjectCaseId: context.caseId,
        subjectProcess: 'gridEscalation',
        subjectTitle: context.request.title,
        evaluatorKind: 'resident',
        evaluatorId: reporterId,
        reporterId,
        unit: rated,
        subjectUnits,
      },
      linkEvent: 'case.evaluation.link',
    });
  }
  const departments = [...new Set(context.summoned.map((s) => s.department))];
  if (units.street) {
    for (const department of departments) {
      effects.push({
        kind: 'submit',
        process: 'appealEvaluation',
        input: {
          subjectCaseId: context.caseId,
          subjectProcess: 'gridEscalation',
          subjectTitle: context.request.title,
          evaluatorKind: 'lower_level',
          evaluatorId: `street:${units.street}`,
          evaluatorUnit: `street:${units.street}`,
          unit: `department:${department}`,
          subjectUnits: [...subjectUnits, `department:${department}`],
        },
        linkEvent: 'case.evaluation.link',
      });
    }
  }
  return effects;
}

/**
 * Recomputes the deadlines of an open case for another policy version (an explicit migration): each pending
 * deadline is counted again from when its clock started, with the new version's limits and calendar — signing
 * from the dispatch, contact from the signing, handling from when the case reached its level, the total from
 * filing, filing from submission. Deadlines already fired stay as they were.
 *
 * @example
 * gridEscalationProcess.onPolicyChange(context, value, envOfNewVersion, at);
 */
export function recomputeDeadlines(env: ProcessEnv, context: GridEscalationContext, at: number): GridEscalationContext {
  const { timeLimits } = env.policy;
  let deadlines = context.deadlines;
  let handleDueAt = context.handleDueAt;
  let handleCounting = context.handleCounting;
  let handleCellId = context.handleCellId;
  let totalDueAt = context.totalDueAt;
  let filingDueAt = context.filingDueAt ?? null;
  let filingCellId = context.filingCellId ?? null;
  for (const d of context.deadlines) {
    if (d.firedAt !== undefined) continue;
    if (d.kind === 'sign' && context.dispatchedAt !== null) {
      deadlines = setDeadline(deadlines, {
        ...d,
        dueAt: env.calendar.addDuration(context.dispatchedAt, timeLimits.signing.duration, timeLimits.signing.counting),
      });
    } else if (d.kind === 'contact' && context.signedAt !== null) {
      deadlines = setDeadline(deadlines, {
        ...d,
        dueAt: env.calendar.addDuration(context.signedAt, timeLimits.contact.duration, timeLimits.contact.counting),
      });
    } else if (d.kind === 'filing' && context.submittedAt !== null) {
      const limit = filingLimit(env.policy, context.urgency, context.request.source);
      filingDueAt = env.calendar.addDuration(context.submittedAt, limit.duration, limit.counting);
      filingCellId = limit.cellId;
      deadlines = setDeadline(deadlines, { ...d, dueAt: filingDueAt, data: { limit: limit.cellId } });
    } else if (d.kind === 'total' && context.filedAt !== null) {
      const total = totalLimit(env.policy, context.urgency);
      if (total) {
        totalDueAt = env.calendar.addDuration(context.filedAt, total.duration, total.counting);
        deadlines = setDeadline(deadlines, { ...d, dueAt: totalDueAt });
      }
    } else if (d.kind === 'handle' && context.levelStartedAt !== null && context.level !== null) {
      const limit = handlingLimit(env.policy, context.level, context.urgency);
      handleDueAt = env.calendar.addDuration(context.levelStartedAt, limit.duration, limit.counting);
      handleCounting = limit.counting;
      handleCellId = limit.cellId;
      const label = d.id.split(':')[1] ?? context.level;
      const round = Number(d.data?.round ?? context.round);
      const withoutOld = deadlines.filter(
        (x) =>
          x.firedAt !== undefined || (x.id !== d.id && !(x.kind === 'warning' && x.id === `warning:${label}:${round}`)),
      );
      deadlines = withHandlingDeadlines(env, withoutOld, {
        at: Math.max(context.levelStartedAt, Math.min(at, handleDueAt)),
        handleDueAt,
        counting: limit.counting,
        label,
        round,
        data: d.data ? Object.fromEntries(Object.entries(d.data).filter(([k]) => k !== 'limitAt')) : undefined,
      });
    }
  }
  return {
    ...context,
    deadlines,
    handleDueAt,
    handleCounting,
    handleCellId,
    totalDueAt,
    ...(context.filingDueAt !== undefined || filingDueAt !== null ? { filingDueAt, filingCellId } : {}),
  };
}
