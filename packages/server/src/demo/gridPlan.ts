import type { DemoUser } from './users.js';

/*
 * What a demo grid case's story is asked to do: where it stops, how quickly people act, what happens on the way
 * (returns, extensions, parking, whistles, verification failures) and to its evaluation. Played by stories.ts.
 */

/** Levels a grid case can be held at. */
export type Level = 'grid' | 'community' | 'street' | 'department' | 'district';

/** Where a grid case's story stops: a state of the grid escalation process. */
export type GridStop =
  | 'triage'
  | 'handling.dispatched'
  | 'handling.signed'
  | 'handling.contacted'
  | 'handling.working'
  | 'handling.extension'
  | 'handling.parked'
  | 'handling.whistle'
  | 'handling.feedback'
  | 'returned'
  | 'verifying'
  | 'verified'
  | 'evaluating'
  | 'archived'
  | 'cancelled'
  | 'merged';

/** How quickly people act: the delays between steps, in minutes, and whether they keep office hours. */
export interface Pace {
  file: [number, number];
  sign: [number, number];
  contact: [number, number];
  start: [number, number];
  work: [number, number];
  verify: [number, number];
  /** Acts only in the daytime (ordinary matters); emergencies and recent cases are handled round the clock. */
  office: boolean;
}

export type Rating = 'satisfied' | 'basically_satisfied' | 'unsatisfied';

/** What happens to the resident's evaluation of a closed case (谁呼谁评). */
export type EvaluationPlan =
  /** Submitted for the revisit; `failedAttempts` calls did not reach the resident yet. */
  | { kind: 'pending'; failedAttempts: number }
  | { kind: 'rated'; rating: Rating; solved: boolean; reason?: string; failedAttempts?: number; byResident?: boolean }
  /** Unsatisfied for a reason within the unit's control: the case is redone; `final` rates it again (absent: redo under way). */
  | { kind: 'redo'; reason: string; final?: { rating: Rating; solved: boolean } }
  | { kind: 'unreachable' }
  /** The rated unit appeals an unsatisfied rating; the assessor decides (or has not yet). */
  | { kind: 'appeal'; reason: string; decision: 'pending' | 'rejected' | 'excluded' | 'corrected' }
  /** The street proposes a public notice of an unsatisfied rating; the assessor approves it (or has not yet). */
  | { kind: 'notice'; reason: string; decision: 'pending' | 'approved' }
  /** The unit asks to exclude an unreasonable request from its rates; the assessor approves it (or has not yet). */
  | { kind: 'exclusion'; reason: string; decision: 'pending' | 'approved' };

/** The plan of a grid case's story. */
export interface GridPlan {
  stop: GridStop;
  /** The level that handles the case; lower levels pass it up (manual escalation), others re-dispatch it. */
  handleAt?: Level;
  /** With `handleAt: 'department'`: which department. */
  department?: string;
  /** Let the handling limit pass this many times (escalation on breach) before the case is handled. */
  breaches?: number;
  returnOrder?: {
    reason: 'wrong_locality' | 'unclear_ownership' | 'overlapping_duties';
    note: string;
    outcome: 'accept' | 'overrule' | 'pending';
    acceptTo?: { level: Level; department?: string };
  };
  extension?: { duration: string; reason: string; outcome: 'approve' | 'deny' | 'pending' };
  /** Park the case (挂账); it resumes after `resumeAfterDays` unless the story stops while parked. */
  park?: { reason: string; resumeAfterDays: number };
  whistle?: {
    kind: 'routine' | 'tough' | 'emergency';
    departments: string[];
    note: string;
    until?: 'summoned' | 'checkedIn';
  };
  verifyFail?: string;
  cancel?: string;
  /** Merge into the case of another story (a duplicate): called when the duplicate is triaged. */
  mergeInto?: () => string | undefined;
  urgency?: string;
  feedback: string;
  pace: Pace;
  evaluation?: EvaluationPlan;
  /** The street rates the departments its whistle summoned (下评上). */
  rateDepartments?: { rating: Rating; comment: string };
}

/** A grid case to play: who submits what, when, and the plan. */
export interface GridStoryDef {
  name: string;
  start: number;
  submitter: DemoUser;
  input: Record<string, unknown> & {
    units: { grid: string; community: string; street: string; compound?: string };
    source: string;
    reporter: { id?: string };
  };
  plan: GridPlan;
  /** Set once the case exists. */
  caseId?: string;
}
