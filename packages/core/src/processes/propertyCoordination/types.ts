import type { CoordinationPolicy, DecisionRule } from '../../policy/types.js';
import type { Actor, ProcessContextBase } from '../contract/types.js';

/**
 * The types of the three-party property coordination process (三方联动, "1+2+N"): its submission, machine
 * input, context (meetings, resolution, owners' vote, action items) and the events it accepts.
 *
 * Everything that happens in parallel (each party's confirmation, each signature, each action item) is data in
 * the context, not parallel regions or spawned actors, so a snapshot is plain JSON and the pure `transition`
 * computes every step.
 *
 * @module
 */

/** A vote a party casts on a resolution at a three-party meeting. */
export type PartyVote = 'yes' | 'no' | 'abstain';

/** The submit input of a matter (what the person raising it says). */
export interface PropertyCoordinationInput {
  /** The residential compound (小区), without the `compound:` prefix. */
  compoundId: string;
  communityId: string;
  streetId: string;
  gridId: string;
  /** A `policy.coordination.matterTypes[].code`, e.g. `property_fee`. */
  matterType: string;
  title: string;
  description: string;
  /** User id of whoever raised the matter; defaults to the submitting user. */
  raisedBy?: string;
  /** Grid-escalation category used if the matter is escalated to the street (default: the matter type code). */
  category?: string;
  /** Urgency used if the matter is escalated to the street (default: the category's default urgency). */
  urgency?: string;
  location?: { lng: number; lat: number };
}

/**
 * The machine input: the submit input plus what the runtime adds (`caseId`, `submittedAt`, `submittedBy`);
 * the test driver adds `at` and `actor` instead.
 */
export interface PropertyCoordinationMachineInput extends PropertyCoordinationInput {
  caseId?: string;
  submittedAt?: number;
  submittedBy?: { id: string; roles?: string[] };
  at?: number;
  actor?: Actor;
}

/** Owners' assembly totals (业主大会表决), floor areas in m² and owners by head. */
export interface OwnersVoteTotals {
  totalArea: number;
  totalOwners: number;
  participatingArea: number;
  participatingOwners: number;
  yesArea: number;
  yesOwners: number;
}

export interface Meeting {
  /** 1-based number of the meeting within the matter. */
  n: number;
  meetingAt: number;
  scheduledAt: number;
  scheduledBy: string;
  /** The N invited units (`department:housing`, `mediator:m-01`, …). */
  invited: string[];
  place?: string;
  /** Party → when it confirmed. */
  confirmations: Record<string, number>;
  /**
   * Party → its presence at the meeting (签到), recorded by the party itself or by the convener with a reason.
   * The meeting's attendance is this, not a list given when it is held. Absent on meetings stored before presence
   * was recorded.
   */
  presence?: Record<string, Presence>;
  /** Required parties that had not confirmed when the meeting time came. */
  unconfirmedAtMeetingTime?: string[];
  status: 'scheduled' | 'held' | 'failed' | 'rescheduled';
  heldAt?: number;
  /** Parties (required ones and invited units) present: the parties whose presence was recorded. */
  attending?: string[];
  note?: string;
}

/** One party's presence at a meeting. */
export interface Presence {
  at: number;
  /** The user who recorded it. */
  by: string;
  /** Why someone other than the party recorded it (the convener for a party without a login, say). */
  reason?: string;
}

export interface Resolution {
  decision: string;
  rule: DecisionRule;
  votes: Record<string, PartyVote>;
  adoptedAt: number;
  adoptedBy: string;
  /** Party → when it signed the minutes. Every attending party must sign. */
  signatures: Record<string, number>;
}

export interface OwnersVoteRecord extends OwnersVoteTotals {
  at: number;
  by: string;
  major: boolean;
  participationMet: boolean;
  approvalMet: boolean;
  passed: boolean;
}

export interface ActionItem {
  id: string;
  /** The party that owns the item (`property_company`, `owners_committee`, an invited unit…). */
  party: string;
  title: string;
  dueAt: number;
  addedAt: number;
  addedBy: string;
  doneAt?: number;
  doneBy?: string;
  note?: string;
  overdueAt?: number;
  cancelledAt?: number;
}

/** A record that an action item (or the routine work order) missed its due date. */
export interface OverdueRecord {
  at: number;
  itemId: string;
  party: string;
  /** Whether the matter itself moved to the street because of it (policy `overdueActionsEscalate`). */
  escalatedToStreet: boolean;
}

export type EscalationTarget = 'street' | 'mediation' | 'vote';

export interface EscalationRecord {
  to: EscalationTarget;
  at: number;
  by: string;
  reason?: string;
  cause: 'no_consensus' | 'action_overdue';
  /** The grid-escalation case created for a street escalation (sent back by the runtime). */
  linkedCaseId?: string;
}

export type PropertyCoordinationOutcome = 'resolved' | 'work_order' | 'mediated' | 'escalated' | 'rejected';

/** Timestamps of the milestones, for indicators and timelines. */
export interface CoordinationTimes {
  raisedAt?: number;
  triagedAt?: number;
  preconsultedAt?: number;
  scheduledAt?: number;
  allConfirmedAt?: number;
  heldAt?: number;
  adoptedAt?: number;
  signedAt?: number;
  noConsensusAt?: number;
  escalatedAt?: number;
  votedAt?: number;
  implementationAt?: number;
  actionsDoneAt?: number;
  publicisedAt?: number;
  verifiedAt?: number;
  closedAt?: number;
}

export interface PropertyCoordinationContext extends ProcessContextBase {
  caseId?: string;
  compoundId: string;
  communityId: string;
  streetId: string;
  gridId: string;
  matterType: string;
  title: string;
  description: string;
  raisedBy?: string;
  category?: string;
  urgency?: string;
  location?: { lng: number; lat: number };
  route?: 'work_order' | 'consultation';
  meetings: Meeting[];
  resolution?: Resolution;
  noConsensusReason?: string;
  escalation?: EscalationRecord;
  ownersVote?: OwnersVoteRecord;
  actionItems: ActionItem[];
  overdue: OverdueRecord[];
  publicity?: { at: number; by: string; until?: number; note?: string };
  verifications: { at: number; by: string; passed: boolean; note?: string }[];
  outcome?: PropertyCoordinationOutcome;
  times: CoordinationTimes;
}

/** What `matter.escalate.street` may say about the street-level case it creates. */
export interface StreetEscalationInput {
  reason?: string;
  /** Grid-escalation category (default: the matter's, else `property_dispute`). */
  category?: string;
  urgency?: string;
  /** The category's attribute values (default: filled from the matter). */
  attributes?: Record<string, string | number>;
}
// The commands' inputs and the machine's events follow from the commands' declarations (`commands.ts`).
export type { PropertyCoordinationCommandInputs, PropertyCoordinationEvent } from './commands.js';

/**
 * Coordination settings the machine honours beyond {@link CoordinationPolicy}. `overdueActionsEscalate`: when
 * true, a missed action item moves the matter to the street at once (otherwise the miss is recorded and staff
 * may escalate with `matter.escalate.street`). Not yet in the policy schema, so it defaults to false.
 */
export type CoordinationSettings = CoordinationPolicy & { overdueActionsEscalate?: boolean };
