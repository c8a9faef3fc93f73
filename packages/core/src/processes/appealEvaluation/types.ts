import type { Actor, ProcessContextBase } from '../contract/types.js';

/**
 * The types of the appeal evaluation process: its submission, machine input, context (revisit attempts, ratings,
 * appeal, exclusion, public notice) and the events it accepts.
 *
 * @module
 */

/** Who rates: the resident who called (谁呼谁评) or a lower level rating a unit it summoned (下评上). */
export type EvaluatorKind = 'resident' | 'lower_level';

/** The revisit channels (回访). */
export type RevisitChannel = 'phone' | 'sms' | 'app';

/** The submit input of an evaluation. */
export interface AppealEvaluationInput {
  /** The case whose response is evaluated. */
  subjectCaseId: string;
  /** The process of that case, e.g. `gridEscalation`. */
  subjectProcess: string;
  /** That case's title, for the evaluation's own (「对“…”办理结果的评价」). */
  subjectTitle?: string;
  evaluatorKind: EvaluatorKind;
  /** The resident's user id, or the user rating for the lower level. */
  evaluatorId: string;
  /** The rated unit, `kind:id`: `department:urban_management`, `grid:g-01`… */
  unit: string;
  /** The requester of the subject case (scope `own`). */
  reporterId?: string;
  /** The evaluating unit for a lower level, e.g. `street:s-01`. */
  evaluatorUnit?: string;
  /** Units of the subject case (`grid:g-01`, `community:c-01`, `street:s-01`), so their staff see the evaluation. */
  subjectUnits?: string[];
}

/** The machine input: the submit input plus what the runtime (or the test driver) adds. */
export interface AppealEvaluationMachineInput extends AppealEvaluationInput {
  caseId?: string;
  submittedAt?: number;
  submittedBy?: { id: string; roles?: string[] };
  at?: number;
  actor?: Actor;
}

/** The phase of the evaluation an attempt or a rating belongs to: before the redo, or after it. */
export type EvaluationPhase = 'first' | 'final';

export interface RevisitAttempt {
  at: number;
  by: string;
  channel: RevisitChannel;
  reached: boolean;
  phase: EvaluationPhase;
  note?: string;
}

export interface RatingRecord {
  phase: EvaluationPhase;
  /** A `policy.evaluation.scale` code. */
  rating: string;
  solved: boolean;
  reason?: string;
  /** Whether the reason is within the unit's control (given, or derived from `controllableReasons`). */
  controllable: boolean;
  comment?: string;
  at: number;
  by: string;
}

export interface AppealRecord {
  reason: string;
  at: number;
  by: string;
  decision?: {
    upheld: boolean;
    note: string;
    at: number;
    by: string;
    /** For an upheld appeal: the corrected rating (absent: the rating is excluded). */
    correctedRating?: string;
    correctedSolved?: boolean;
  };
}

export interface ApprovalRecord {
  reason: string;
  at: number;
  by: string;
  status: 'pending' | 'approved' | 'rejected' | 'published';
  decidedAt?: number;
  decidedBy?: string;
  note?: string;
}

export interface EvaluationTimes {
  createdAt?: number;
  firstRatedAt?: number;
  redoAt?: number;
  finalRatedAt?: number;
  completedAt?: number;
  appealedAt?: number;
  appealDecidedAt?: number;
  excludedAt?: number;
  unreachableAt?: number;
}

export interface AppealEvaluationContext extends ProcessContextBase {
  caseId?: string;
  subjectCaseId: string;
  subjectProcess: string;
  subjectTitle?: string;
  evaluatorKind: EvaluatorKind;
  evaluatorId: string;
  unit: string;
  reporterId?: string;
  evaluatorUnit?: string;
  subjectUnits: string[];
  attempts: RevisitAttempt[];
  /** Every rating given: the first, and after a redo the final one. Never rewritten. */
  ratings: RatingRecord[];
  /** What indicators read. */
  firstRating?: string;
  finalRating?: string;
  /** The rating that counts (`ratingThatCounts`, or an assessor's correction). */
  countedRating?: string;
  /** "Solved" as counted. */
  solved?: boolean;
  /** The requester was reached at least once (a rating given counts as reached). */
  validRevisit: boolean;
  redo: boolean;
  excluded: boolean;
  appeal?: AppealRecord;
  exclusion?: ApprovalRecord;
  notice?: ApprovalRecord;
  times: EvaluationTimes;
}

// The commands' inputs and the machine's events follow from the commands' declarations (`commands.ts`).
export type { AppealEvaluationCommandInputs, AppealEvaluationEvent } from './commands.js';

/** The role that adjudicates appeals and approves exclusions and public notices. */
export const ASSESSOR_ROLE = 'assessor';

/** The facts the `redo` rule reads (see `evaluationFacts` in `policy/facts.ts`). */
export interface RedoFacts {
  evaluation: {
    rating: string;
    solved: boolean;
    reason: string | null;
    controllable: boolean;
    attempts: number;
    evaluatorKind: EvaluatorKind;
  };
}

/**
 * The facts the `raterAllowed` rule reads (see `raterFacts` and `actorFacts` in `policy/facts.ts`): who records the
 * rating, and the evaluation it is for.
 */
export interface RaterFacts {
  actor: { id: string; roles: string[]; units: string[] };
  evaluation: {
    /** The rated unit. */
    unit: string;
    evaluatorKind: EvaluatorKind;
    evaluatorId: string;
    /** The rating unit of a lower-level evaluation, else null. */
    evaluatorUnit: string | null;
  };
}
