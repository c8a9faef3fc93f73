import type { Counting } from '../../policy/types.js';
import type { Actor, ProcessContextBase } from '../contract/types.js';

/**
 * The types of the grid escalation process: its submission, machine input, context (with the records it
 * keeps) and the events it accepts.
 *
 * @module
 */

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
 * const input: GridEscalationMachineInput = {
 *   category: 'noise', title: '夜间施工噪声', description: '…', source: 'patrol', anonymous: false, reporter: {},
 *   units: { grid: 'g-01', community: 'c-01', street: 's-01' }, caseId: 'c-1', at: clock.now(), actor: SYSTEM_ACTOR,
 * };
 * input.at === clock.now(); // true
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

// The commands' inputs and the machine's events follow from the commands' declarations (`commands.ts`).
export type { GridEscalationCommandInputs, GridEscalationEvent, GridEscalationEventType } from './commands.js';
