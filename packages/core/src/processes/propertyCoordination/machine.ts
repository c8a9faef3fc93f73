import { and, assign, setup } from 'xstate';
import { clearDeadlines, markFired, setDeadline } from '../contract/deadlines.js';
import type { Actor, CaseEvent, DeadlineDueEvent, Effect, ProcessContextBase, ProcessEnv } from '../contract/types.js';
import { COORDINATION_RULE_PREFIX } from '../../policy/defaults/coordinationRules.js';
import type { AttributeDef, CoordinationPolicy, CoordinationRuleKey, DecisionRule } from '../../policy/types.js';

/*
 * Process 2 — three-party property coordination (三方联动, "1+2+N").
 *
 * Everything that happens in parallel (each party's confirmation, each signature, each action item) is data in
 * the context, not parallel regions or spawned actors, so a snapshot is plain JSON and the pure `transition`
 * computes every step. Thresholds come from `env.policy.coordination`.
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

type Empty = Record<string, never>;

/** What `matter.escalate.street` may say about the street-level case it creates. */
export interface StreetEscalationInput {
  reason?: string;
  /** Grid-escalation category (default: the matter's, else `property_dispute`). */
  category?: string;
  urgency?: string;
  /** The category's attribute values (default: filled from the matter). */
  attributes?: Record<string, string | number>;
}
type NoteInput = { note?: string };

export type PropertyCoordinationEvent =
  | CaseEvent<'matter.triage.routine', NoteInput & { dueAt?: number }>
  | CaseEvent<'matter.triage.consult', NoteInput>
  | CaseEvent<'matter.preconsult.done', NoteInput>
  | CaseEvent<'matter.meeting.schedule', { meetingAt: number; invited?: string[]; place?: string }>
  | CaseEvent<'matter.meeting.confirm', { party: string }>
  | CaseEvent<'matter.meeting.attend', { party: string; reason?: string }>
  | CaseEvent<'matter.meeting.hold', NoteInput>
  | CaseEvent<'matter.resolution.adopt', { decision: string; votes: Record<string, PartyVote> }>
  | CaseEvent<'matter.resolution.sign', { party: string }>
  | CaseEvent<'matter.no_consensus', { reason?: string }>
  | CaseEvent<'matter.escalate.street', StreetEscalationInput>
  | CaseEvent<'matter.escalate.mediation', { reason?: string }>
  | CaseEvent<'matter.escalate.vote', { reason?: string }>
  | CaseEvent<'matter.linked', { caseId: string }>
  | CaseEvent<'matter.vote.record', OwnersVoteTotals>
  | CaseEvent<'matter.action.add', { id: string; party: string; title: string; dueAt?: number }>
  | CaseEvent<'matter.action.done', NoteInput & { id?: string }>
  | CaseEvent<'matter.publicise', NoteInput & { until?: number }>
  | CaseEvent<'matter.verify', NoteInput & { passed: boolean }>
  | CaseEvent<'matter.close', NoteInput | Empty>
  | DeadlineDueEvent;

/** The id of the routine work order's action item. */
export const WORK_ORDER_ITEM_ID = 'work-order';

/** Deadline kinds this process sets. */
export const CoordinationDeadlineKind = { MEETING: 'meeting', ACTION_ITEM: 'action_item' } as const;
export type CoordinationDeadlineKind = (typeof CoordinationDeadlineKind)[keyof typeof CoordinationDeadlineKind];

/**
 * Coordination settings the machine honours beyond {@link CoordinationPolicy}. `overdueActionsEscalate`: when
 * true, a missed action item moves the matter to the street at once (otherwise the miss is recorded and staff
 * may escalate with `matter.escalate.street`). Not yet in the policy schema, so it defaults to false.
 */
export type CoordinationSettings = CoordinationPolicy & { overdueActionsEscalate?: boolean };

const EPSILON = 1e-9;
const HOUR_MS = 3_600_000;

/** Rounded down / up to hundredths, so a rule's values read well and the rounding never lets a check pass early. */
const floor2 = (x: number): number => Math.floor(x * 100) / 100;
const ceil2 = (x: number): number => Math.ceil(x * 100) / 100;
/** `part / whole` as a percentage rounded to 6 decimals (0 when the whole is 0), as the rules read shares. */
const percentOf = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 1e8) / 1e6 : 0);

// ---------------------------------------------------------------------------------------------------------
// Pure helpers (exported for the process definition and tests).
// ---------------------------------------------------------------------------------------------------------

/** Fraction `part / whole` compared "at least" with a tolerance for fractions like 2/3. */
const atLeast = (part: number, whole: number, threshold: number): boolean =>
  whole > 0 && part / whole >= threshold - EPSILON;
/** Fraction `part / whole` compared "more than" (过半数). */
const moreThan = (part: number, whole: number, threshold: number): boolean =>
  whole > 0 && part / whole > threshold + EPSILON;

/**
 * Judges an owners' assembly vote against the policy (Civil Code art. 278): participation of at least the
 * thresholds by floor area AND by headcount; then approval by the voters — ordinary matters "more than" the
 * ordinary thresholds, major matters (`ownersVote.majorMatters`) "at least" the major thresholds, both by area
 * AND by headcount. Inconsistent totals (a part larger than its whole, negatives) are `valid: false`.
 *
 * @example
 * judgeOwnersVote(policy.coordination, 'parking', { totalArea: 300, totalOwners: 3, participatingArea: 200,
 *   participatingOwners: 2, yesArea: 150, yesOwners: 2 }); // { valid: true, passed: true, … }
 */
export function judgeOwnersVote(
  coordination: CoordinationPolicy,
  matterType: string,
  totals: OwnersVoteTotals,
): { valid: boolean; major: boolean; participationMet: boolean; approvalMet: boolean; passed: boolean } {
  const t = coordination.ownersVote;
  const major = t.majorMatters.includes(matterType);
  const { totalArea, totalOwners, participatingArea, participatingOwners, yesArea, yesOwners } = totals;
  const numbers = [totalArea, totalOwners, participatingArea, participatingOwners, yesArea, yesOwners];
  const valid =
    numbers.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0) &&
    totalArea > 0 &&
    totalOwners > 0 &&
    participatingArea <= totalArea &&
    participatingOwners <= totalOwners &&
    yesArea <= participatingArea &&
    yesOwners <= participatingOwners;
  if (!valid) return { valid, major, participationMet: false, approvalMet: false, passed: false };
  const participationMet =
    atLeast(participatingArea, totalArea, t.participationByArea) &&
    atLeast(participatingOwners, totalOwners, t.participationByHeadcount);
  const approvalMet = major
    ? atLeast(yesArea, participatingArea, t.majorByArea) && atLeast(yesOwners, participatingOwners, t.majorByHeadcount)
    : moreThan(yesArea, participatingArea, t.ordinaryByArea) &&
      moreThan(yesOwners, participatingOwners, t.ordinaryByHeadcount);
  return { valid, major, participationMet, approvalMet, passed: participationMet && approvalMet };
}

/**
 * Whether a resolution's votes satisfy the matter type's decision rule among the voters (the required parties
 * present): `consensus` — every voter votes yes; `majority` — more than half of the voters vote yes.
 *
 * @example
 * decisionRuleMet('majority', ['community', 'owners_committee', 'property_company'],
 *   { community: 'yes', owners_committee: 'yes', property_company: 'no' }); // true
 */
export function decisionRuleMet(
  rule: DecisionRule,
  voters: readonly string[],
  votes: Readonly<Record<string, PartyVote>>,
): boolean {
  if (voters.length === 0) return false;
  const yes = voters.filter((p) => votes[p] === 'yes').length;
  return rule === 'consensus' ? yes === voters.length : yes * 2 > voters.length;
}

/**
 * The decision rule of a matter type (consensus when the type is unknown: the safer rule).
 *
 * @example
 * decisionRuleOf(createDefaultPolicy().coordination, 'property_fees'); // 'consensus'
 */
export function decisionRuleOf(coordination: CoordinationPolicy, matterType: string): DecisionRule {
  return coordination.matterTypes.find((m) => m.code === matterType)?.decision ?? 'consensus';
}

const currentMeeting = (ctx: PropertyCoordinationContext): Meeting | undefined => ctx.meetings[ctx.meetings.length - 1];

/** The action items neither done nor cancelled. */
export const openActionItems = (ctx: PropertyCoordinationContext): ActionItem[] =>
  ctx.actionItems.filter((i) => i.doneAt === undefined && i.cancelledAt === undefined);
const openItems = openActionItems;

const liveItems = (ctx: PropertyCoordinationContext): ActionItem[] =>
  ctx.actionItems.filter((i) => i.cancelledAt === undefined);

/**
 * The item a `matter.action.done` names, or the only open item when it names none.
 *
 * @example
 * itemToComplete(context, 'a-1')?.party; // 'property_company'
 */
export const itemToComplete = (ctx: PropertyCoordinationContext, id: string | undefined): ActionItem | undefined => {
  const open = openItems(ctx);
  if (id === undefined) return open.length === 1 ? open[0] : undefined;
  return open.find((i) => i.id === id);
};

const meetingDeadlineId = (n: number): string => `meeting:${n}`;
const actionDeadlineId = (itemId: string): string => `action:${itemId}`;

/** Required parties present at the current meeting: the voters. */
const votersOf = (ctx: PropertyCoordinationContext, required: readonly string[]): string[] =>
  (currentMeeting(ctx)?.attending ?? []).filter((p) => required.includes(p));

const eventOf = <T extends PropertyCoordinationEvent['type']>(
  event: PropertyCoordinationEvent,
  type: T,
): Extract<PropertyCoordinationEvent, { type: T }> | undefined =>
  event.type === type ? (event as Extract<PropertyCoordinationEvent, { type: T }>) : undefined;

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

/** The grid-escalation category a matter escalates under when nothing else is said (if the policy has it). */
export const DEFAULT_STREET_CATEGORY = 'property_dispute';

/**
 * Attribute values of a street case filled from the matter: `compound` ← the compound id, `description` ← the
 * description, a choice ← the option equal to the matter type or contained in it (`fees` in `property_fees`).
 * Text that does not fit the attribute's length limits is cut to the maximum or left out when too short.
 */
function defaultAttributes(
  defs: readonly AttributeDef[],
  ctx: PropertyCoordinationContext,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const fit = (def: AttributeDef, value: string): void => {
    const text = def.maxLength === undefined ? value : value.slice(0, def.maxLength);
    if (def.minLength === undefined || text.length >= def.minLength) out[def.code] = text;
  };
  for (const def of defs) {
    if (def.code === 'compound') fit(def, ctx.compoundId);
    else if (def.code === 'description') fit(def, ctx.description);
    else if (def.type === 'choice') {
      const options = def.options ?? [];
      const hit =
        options.find((o) => o.value === ctx.matterType) ?? options.find((o) => ctx.matterType.includes(o.value));
      if (hit) out[def.code] = hit.value;
    }
  }
  return out;
}

/** Longest description a grid-escalation submission takes. */
const STREET_DESCRIPTION_MAX = 5000;

/**
 * Creates the three-party property coordination machine for one policy: raised → triage → (routine work order |
 * pre-consultation → meeting scheduled with notice → confirmations → meeting held with a quorum → resolution and
 * signed minutes, or no consensus → street / mediation / owners' vote) → implementation with action items →
 * publicised → verified → closed.
 *
 * @example
 * const machine = createPropertyCoordinationMachine(createProcessEnv(createDefaultPolicy(), { decisions: [] }));
 * const [s0] = initialTransition(machine, { compoundId: 'x-01', communityId: 'c-01', streetId: 's-01', gridId: 'g-01',
 *   matterType: 'parking', title: '车位纠纷', description: '…', raisedBy: 'u-1', caseId: 'm-1', at: now });
 * const [s1] = transition(machine, s0, { type: 'matter.triage.consult', at: now, actor, input: {} });
 * s1.value; // 'preconsultation'
 */
export function createPropertyCoordinationMachine(env: ProcessEnv) {
  const coordination = (): CoordinationSettings => env.policy.coordination;
  const dayMs = (at: number, days: number, counting: 'working' | 'calendar'): number =>
    env.calendar.addDuration(at, `P${Math.max(0, Math.floor(days))}D`, counting);

  // Each coordination check is a policy rule (`coordination.<name>`), evaluated once per event: guards of several
  // transitions of one event may ask the same question, and history should record each decision once.
  const decided = new WeakMap<object, Map<CoordinationRuleKey, boolean>>();
  const decide = (event: object, key: CoordinationRuleKey, facts: () => Record<string, unknown>): boolean => {
    let memo = decided.get(event);
    if (!memo) decided.set(event, (memo = new Map<CoordinationRuleKey, boolean>()));
    const known = memo.get(key);
    if (known !== undefined) return known;
    const result = env.rule(`${COORDINATION_RULE_PREFIX}${key}`, facts(), 'boolean');
    memo.set(key, result);
    return result;
  };
  const expectedParties = (m: Meeting): string[] => unique([...coordination().requiredParties, ...m.invited]);
  const meetingFacts = (m: Meeting, at: number) => ({
    expected: expectedParties(m),
    present: Object.keys(m.presence ?? {}),
    hoursToStart: ceil2((m.meetingAt - at) / HOUR_MS),
  });

  /**
   * Judges an owners' vote with the rules `ownersParticipation` and `ownersOrdinary` / `ownersMajor` (the
   * thresholds as percentages of `coordination.ownersVote`).
   */
  const judgeVote = (event: object, matterType: string, totals: OwnersVoteTotals) => {
    const c = coordination();
    const major = c.ownersVote.majorMatters.includes(matterType);
    const thresholds = Object.fromEntries(
      Object.entries(c.ownersVote)
        .filter(([, value]) => typeof value === 'number')
        .map(([k, value]) => [k, percentOf(value as number, 1)]),
    );
    const facts = () => ({
      vote: {
        participatingAreaShare: percentOf(totals.participatingArea, totals.totalArea),
        participatingOwnersShare: percentOf(totals.participatingOwners, totals.totalOwners),
        yesAreaShare: percentOf(totals.yesArea, totals.participatingArea),
        yesOwnersShare: percentOf(totals.yesOwners, totals.participatingOwners),
      },
      coordination: { ownersVote: thresholds },
    });
    const participationMet = decide(event, 'ownersParticipation', facts);
    const approvalMet = decide(event, major ? 'ownersMajor' : 'ownersOrdinary', facts);
    return { major, participationMet, approvalMet, passed: participationMet && approvalMet };
  };

  /**
   * The submission of the street-level grid case (Process 1) this matter escalates into. The category is the
   * command's, else the matter's, else `property_dispute` when the policy has it, else the matter type; the
   * category's attributes are filled from the matter where they can be (`compound`, `description`, a choice
   * whose option matches the matter type) unless the command gives them.
   */
  const streetCaseInput = (
    ctx: PropertyCoordinationContext,
    reason: string | undefined,
    override: StreetEscalationInput,
  ): Record<string, unknown> => {
    const categories = env.policy.categories;
    const category =
      override.category ??
      ctx.category ??
      (categories.some((c) => c.code === DEFAULT_STREET_CATEGORY) ? DEFAULT_STREET_CATEGORY : ctx.matterType);
    const urgency = override.urgency ?? ctx.urgency;
    const attributes =
      override.attributes ?? defaultAttributes(categories.find((c) => c.code === category)?.attributes ?? [], ctx);
    return {
      category,
      ...(urgency === undefined ? {} : { urgency }),
      title: ctx.title,
      description: (reason ? `${ctx.description}\n\n${reason}` : ctx.description).slice(0, STREET_DESCRIPTION_MAX),
      source: 'platform',
      anonymous: false,
      reporter: ctx.raisedBy === undefined ? {} : { id: ctx.raisedBy },
      units: { grid: ctx.gridId, community: ctx.communityId, street: ctx.streetId, compound: ctx.compoundId },
      ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
      ...(ctx.location === undefined ? {} : { location: ctx.location }),
      // The link back (`escalatedFrom`) is left out while the grid-escalation input schema does not accept it; the
      // runtime creates the case as this one's child and sends `matter.linked` with its id.
    };
  };

  return setup({
    types: {
      context: {} as PropertyCoordinationContext,
      events: {} as PropertyCoordinationEvent,
      input: {} as PropertyCoordinationMachineInput,
    },
    guards: {
      /**
       * Rule `notice`: the meeting is at least `noticeDays` calendar days (in the policy calendar's time zone) after
       * the notice (event time).
       */
      noticeSufficient: ({ event }) => {
        const e = eventOf(event, 'matter.meeting.schedule');
        if (!e || !Number.isFinite(e.input.meetingAt)) return false;
        return decide(e, 'notice', () => ({
          meeting: { noticeDays: floor2(env.calendar.calendarDays(e.at, e.input.meetingAt)) },
          coordination: { noticeDays: coordination().noticeDays },
        }));
      },
      /** Rule `confirmation`: the party is a required party or an invited unit, and has not confirmed yet. */
      isExpectedParty: ({ context, event }) => {
        const e = eventOf(event, 'matter.meeting.confirm');
        const m = currentMeeting(context);
        if (!e || !m) return false;
        return decide(e, 'confirmation', () => ({
          party: { code: e.input.party, confirmed: m.confirmations[e.input.party] !== undefined },
          meeting: meetingFacts(m, e.at),
        }));
      },
      /** Rule `attendance`: an expected party not yet present, from shortly before the meeting. */
      canAttend: ({ context, event }) => {
        const e = eventOf(event, 'matter.meeting.attend');
        const m = currentMeeting(context);
        if (!e || !m) return false;
        return decide(e, 'attendance', () => ({
          party: { code: e.input.party, present: m.presence?.[e.input.party] !== undefined },
          meeting: meetingFacts(m, e.at),
        }));
      },
      /** Rule `meetingTime`: a meeting is held at its time, not before. */
      meetingStarted: ({ context, event }) => {
        const m = currentMeeting(context);
        if (event.type !== 'matter.meeting.hold' || !m) return false;
        return decide(event, 'meetingTime', () => ({ meeting: meetingFacts(m, event.at) }));
      },
      /** Rule `quorum`: required parties recorded present ≥ `coordination.quorum`. */
      quorumMet: ({ context, event }) => {
        const m = currentMeeting(context);
        if (event.type !== 'matter.meeting.hold' || !m) return false;
        const { requiredParties, quorum } = coordination();
        return decide(event, 'quorum', () => ({
          meeting: {
            ...meetingFacts(m, event.at),
            requiredPresent: Object.keys(m.presence ?? {}).filter((p) => requiredParties.includes(p)).length,
          },
          coordination: { quorum },
        }));
      },
      /**
       * Rule `consensus` or `majority` (the matter type's decision rule): the votes of the required parties
       * present.
       */
      decisionRuleMet: ({ context, event }) => {
        const e = eventOf(event, 'matter.resolution.adopt');
        if (!e || e.input.decision.trim() === '') return false;
        const c = coordination();
        const voters = votersOf(context, c.requiredParties);
        const yes = voters.filter((p) => e.input.votes[p] === 'yes').length;
        return decide(e, decisionRuleOf(c, context.matterType), () => ({
          votes: { voters: voters.length, yes, yesShare: percentOf(yes, voters.length) },
        }));
      },
      /** Rule `signature`: the signing party attended the meeting and has not signed yet. */
      canSign: ({ context, event }) => {
        const e = eventOf(event, 'matter.resolution.sign');
        const m = currentMeeting(context);
        if (!e || !m || !context.resolution) return false;
        const signatures = context.resolution.signatures;
        return decide(e, 'signature', () => ({
          party: { code: e.input.party, signed: signatures[e.input.party] !== undefined },
          meeting: { present: m.attending ?? [] },
        }));
      },
      /** This signature is the last one missing. */
      completesSignatures: ({ context, event }) => {
        const e = eventOf(event, 'matter.resolution.sign');
        if (!e || !context.resolution) return false;
        const signed = { ...context.resolution.signatures, [e.input.party]: e.at };
        return (currentMeeting(context)?.attending ?? []).every((p) => signed[p] !== undefined);
      },
      /** Owners' vote totals are consistent. */
      voteValid: ({ context, event }) => {
        const e = eventOf(event, 'matter.vote.record');
        return !!e && judgeOwnersVote(coordination(), context.matterType, e.input).valid;
      },
      /** Rules `ownersParticipation` and `ownersOrdinary` / `ownersMajor`: by area AND by headcount. */
      votePassed: ({ context, event }) => {
        const e = eventOf(event, 'matter.vote.record');
        return !!e && judgeVote(e, context.matterType, e.input).passed;
      },
      /** A new item with an unused id, a party, a title and (if given) a due date after now. */
      actionItemValid: ({ context, event }) => {
        const e = eventOf(event, 'matter.action.add');
        if (!e) return false;
        const { id, party, title, dueAt } = e.input;
        return (
          id.trim() !== '' &&
          party.trim() !== '' &&
          title.trim() !== '' &&
          !context.actionItems.some((i) => i.id === id) &&
          (dueAt === undefined || dueAt > e.at)
        );
      },
      /** The item exists and is neither done nor cancelled (no id: there is exactly one open item). */
      actionItemOpen: ({ context, event }) => {
        const e = eventOf(event, 'matter.action.done');
        return !!e && itemToComplete(context, e.input.id) !== undefined;
      },
      /** At least one item and every live item done. */
      allActionsDone: ({ context }) => liveItems(context).length > 0 && openItems(context).length === 0,
      /** A pending action-item deadline of an open item is due. */
      actionItemDue: ({ context, event }) => {
        const e = eventOf(event, 'deadline.due');
        if (!e || e.input.kind !== CoordinationDeadlineKind.ACTION_ITEM) return false;
        const d = context.deadlines.find((x) => x.id === e.input.deadlineId && x.firedAt === undefined);
        return !!d && openItems(context).some((i) => actionDeadlineId(i.id) === d.id);
      },
      /** Policy: a missed action item moves the matter to the street at once. */
      overdueEscalates: () => coordination().overdueActionsEscalate === true,
      /** Some open action item is past its due date. */
      hasOverdueActions: ({ context }) => openItems(context).some((i) => i.overdueAt !== undefined),
      /** The pending meeting-time deadline of the current meeting is due. */
      meetingDue: ({ context, event }) => {
        const e = eventOf(event, 'deadline.due');
        const m = currentMeeting(context);
        return (
          !!e &&
          !!m &&
          e.input.deadlineId === meetingDeadlineId(m.n) &&
          context.deadlines.some((d) => d.id === e.input.deadlineId && d.firedAt === undefined)
        );
      },
      verificationPassed: ({ event }) => eventOf(event, 'matter.verify')?.input.passed === true,
      /** The runtime's link event names the new case. */
      linkValid: ({ context, event }) => {
        const e = eventOf(event, 'matter.linked');
        return (
          !!e &&
          typeof e.input.caseId === 'string' &&
          e.input.caseId !== '' &&
          context.escalation?.linkedCaseId === undefined
        );
      },
    },
    actions: {
      /** Carried out by the runtime in the same transaction (see `Effect`). Never executed by `transition`. */
      effect: (_, _params: Effect) => {},

      stampTriage: assign({ times: ({ context, event }) => ({ ...context.times, triagedAt: event.at }) }),

      openWorkOrder: assign(({ context, event }) => {
        const e = eventOf(event, 'matter.triage.routine')!;
        const dueAt =
          e.input.dueAt !== undefined && e.input.dueAt > e.at
            ? e.input.dueAt
            : dayMs(e.at, coordination().actionItemDays, 'working');
        const item: ActionItem = {
          id: WORK_ORDER_ITEM_ID,
          party: 'property_company',
          title: context.title,
          dueAt,
          addedAt: e.at,
          addedBy: e.actor.id,
          ...(e.input.note ? { note: e.input.note } : {}),
        };
        return {
          route: 'work_order' as const,
          actionItems: [...context.actionItems.filter((i) => i.id !== WORK_ORDER_ITEM_ID), item],
          deadlines: setDeadline(context.deadlines, {
            id: actionDeadlineId(item.id),
            kind: CoordinationDeadlineKind.ACTION_ITEM,
            dueAt,
            data: { itemId: item.id, party: item.party },
          }),
        };
      }),

      /** Into consultation; a routine work order that turned out to be a dispute is cancelled. */
      startConsultation: assign(({ context, event }) => ({
        route: 'consultation' as const,
        actionItems: context.actionItems.map((i) =>
          i.id === WORK_ORDER_ITEM_ID && i.doneAt === undefined && i.cancelledAt === undefined
            ? { ...i, cancelledAt: event.at }
            : i,
        ),
        deadlines: clearDeadlines(context.deadlines, (d) => d.id === actionDeadlineId(WORK_ORDER_ITEM_ID)),
      })),

      stampPreconsult: assign({ times: ({ context, event }) => ({ ...context.times, preconsultedAt: event.at }) }),

      scheduleMeeting: assign(({ context, event }) => {
        const e = eventOf(event, 'matter.meeting.schedule')!;
        const previous = currentMeeting(context);
        const meetings = context.meetings.map((m) =>
          m === previous && m.status === 'scheduled' ? { ...m, status: 'rescheduled' as const } : m,
        );
        const meeting: Meeting = {
          n: context.meetings.length + 1,
          meetingAt: e.input.meetingAt,
          scheduledAt: e.at,
          scheduledBy: e.actor.id,
          invited: unique(e.input.invited ?? []),
          ...(e.input.place ? { place: e.input.place } : {}),
          confirmations: {},
          status: 'scheduled',
        };
        const deadlines = clearDeadlines(context.deadlines, (d) => d.kind === CoordinationDeadlineKind.MEETING);
        return {
          meetings: [...meetings, meeting],
          deadlines: setDeadline(deadlines, {
            id: meetingDeadlineId(meeting.n),
            kind: CoordinationDeadlineKind.MEETING,
            dueAt: meeting.meetingAt,
          }),
          times: { ...context.times, scheduledAt: context.times.scheduledAt ?? e.at },
        };
      }),

      recordConfirmation: assign(({ context, event }) => {
        const e = eventOf(event, 'matter.meeting.confirm')!;
        const m = currentMeeting(context)!;
        const confirmations = { ...m.confirmations, [e.input.party]: e.at };
        const allConfirmed = coordination().requiredParties.every((p) => confirmations[p] !== undefined);
        return {
          meetings: context.meetings.map((x) => (x === m ? { ...m, confirmations } : x)),
          times:
            allConfirmed && context.times.allConfirmedAt === undefined
              ? { ...context.times, allConfirmedAt: e.at }
              : context.times,
        };
      }),

      /** At the meeting time: note which required parties never confirmed. */
      noteUnconfirmed: assign(({ context, event }) => {
        const e = eventOf(event, 'deadline.due')!;
        const m = currentMeeting(context)!;
        const unconfirmedAtMeetingTime = coordination().requiredParties.filter((p) => m.confirmations[p] === undefined);
        return {
          meetings: context.meetings.map((x) => (x === m ? { ...m, unconfirmedAtMeetingTime } : x)),
          deadlines: markFired(context.deadlines, e.input.deadlineId, e.at),
        };
      }),

      recordPresence: assign(({ context, event }) => {
        const e = eventOf(event, 'matter.meeting.attend')!;
        const m = currentMeeting(context)!;
        const reason = e.input.reason?.trim();
        const presence = {
          ...(m.presence ?? {}),
          [e.input.party]: { at: e.at, by: e.actor.id, ...(reason ? { reason } : {}) },
        };
        return { meetings: context.meetings.map((x) => (x === m ? { ...m, presence } : x)) };
      }),

      holdMeeting: assign(({ context, event }) => {
        const e = eventOf(event, 'matter.meeting.hold')!;
        const m = currentMeeting(context)!;
        const held: Meeting = {
          ...m,
          status: 'held',
          heldAt: e.at,
          attending: Object.keys(m.presence ?? {}),
          ...(e.input.note ? { note: e.input.note } : {}),
        };
        return {
          meetings: context.meetings.map((x) => (x === m ? held : x)),
          deadlines: clearDeadlines(context.deadlines, (d) => d.kind === CoordinationDeadlineKind.MEETING),
          times: { ...context.times, heldAt: e.at },
        };
      }),

      /** Quorum not met: the meeting failed and must be rescheduled. */
      failMeeting: assign(({ context, event }) => {
        const e = eventOf(event, 'matter.meeting.hold')!;
        const m = currentMeeting(context)!;
        const failed: Meeting = {
          ...m,
          status: 'failed',
          heldAt: e.at,
          attending: Object.keys(m.presence ?? {}),
          ...(e.input.note ? { note: e.input.note } : {}),
        };
        return {
          meetings: context.meetings.map((x) => (x === m ? failed : x)),
          deadlines: clearDeadlines(context.deadlines, (d) => d.kind === CoordinationDeadlineKind.MEETING),
        };
      }),

      adoptResolution: assign(({ context, event }) => {
        const e = eventOf(event, 'matter.resolution.adopt')!;
        return {
          resolution: {
            decision: e.input.decision,
            rule: decisionRuleOf(coordination(), context.matterType),
            votes: { ...e.input.votes },
            adoptedAt: e.at,
            adoptedBy: e.actor.id,
            signatures: {},
          },
          times: { ...context.times, adoptedAt: e.at },
        };
      }),

      recordSignature: assign(({ context, event }) => {
        const e = eventOf(event, 'matter.resolution.sign')!;
        const r = context.resolution!;
        return { resolution: { ...r, signatures: { ...r.signatures, [e.input.party]: e.at } } };
      }),

      stampSigned: assign({ times: ({ context, event }) => ({ ...context.times, signedAt: event.at }) }),

      recordNoConsensus: assign(({ context, event }) => {
        const e = eventOf(event, 'matter.no_consensus')!;
        return {
          ...(e.input.reason ? { noConsensusReason: e.input.reason } : {}),
          times: { ...context.times, noConsensusAt: e.at },
        };
      }),

      recordEscalation: assign(({ context, event }, params: { to: EscalationTarget }) => {
        const e =
          eventOf(event, 'matter.escalate.street') ??
          eventOf(event, 'matter.escalate.mediation') ??
          eventOf(event, 'matter.escalate.vote');
        const reason = e?.input.reason;
        const escalation: EscalationRecord = {
          to: params.to,
          at: event.at,
          by: event.actor.id,
          cause: 'no_consensus',
          ...(reason ? { reason } : {}),
        };
        return { escalation, times: { ...context.times, escalatedAt: event.at } };
      }),

      linkCase: assign(({ context, event }) => {
        const e = eventOf(event, 'matter.linked')!;
        return { escalation: { ...context.escalation!, linkedCaseId: e.input.caseId } };
      }),

      recordVote: assign(({ context, event }) => {
        const e = eventOf(event, 'matter.vote.record')!;
        const j = judgeVote(e, context.matterType, e.input);
        const { totalArea, totalOwners, participatingArea, participatingOwners, yesArea, yesOwners } = e.input;
        return {
          ownersVote: {
            totalArea,
            totalOwners,
            participatingArea,
            participatingOwners,
            yesArea,
            yesOwners,
            at: e.at,
            by: e.actor.id,
            major: j.major,
            participationMet: j.participationMet,
            approvalMet: j.approvalMet,
            passed: j.passed,
          },
          times: { ...context.times, votedAt: e.at },
        };
      }),

      startImplementation: assign({
        times: ({ context, event }) => ({
          ...context.times,
          implementationAt: context.times.implementationAt ?? event.at,
        }),
      }),

      addActionItem: assign(({ context, event }) => {
        const e = eventOf(event, 'matter.action.add')!;
        const dueAt = e.input.dueAt ?? dayMs(e.at, coordination().actionItemDays, 'working');
        const item: ActionItem = {
          id: e.input.id,
          party: e.input.party,
          title: e.input.title,
          dueAt,
          addedAt: e.at,
          addedBy: e.actor.id,
        };
        return {
          actionItems: [...context.actionItems, item],
          deadlines: setDeadline(context.deadlines, {
            id: actionDeadlineId(item.id),
            kind: CoordinationDeadlineKind.ACTION_ITEM,
            dueAt,
            data: { itemId: item.id, party: item.party },
          }),
        };
      }),

      completeActionItem: assign(({ context, event }) => {
        const e = eventOf(event, 'matter.action.done')!;
        const id = itemToComplete(context, e.input.id)!.id;
        const actionItems = context.actionItems.map((i) =>
          i.id === id ? { ...i, doneAt: e.at, doneBy: e.actor.id, ...(e.input.note ? { note: e.input.note } : {}) } : i,
        );
        const allDone = actionItems.every((i) => i.doneAt !== undefined || i.cancelledAt !== undefined);
        return {
          actionItems,
          deadlines: clearDeadlines(context.deadlines, (d) => d.id === actionDeadlineId(id)),
          times: allDone ? { ...context.times, actionsDoneAt: e.at } : context.times,
        };
      }),

      /** Marks the item overdue and records the escalation. */
      markActionOverdue: assign(({ context, event }, params: { toStreet: boolean }) => {
        const e = eventOf(event, 'deadline.due')!;
        const item = openItems(context).find((i) => actionDeadlineId(i.id) === e.input.deadlineId)!;
        return {
          actionItems: context.actionItems.map((i) => (i.id === item.id ? { ...i, overdueAt: e.at } : i)),
          overdue: [
            ...context.overdue,
            { at: e.at, itemId: item.id, party: item.party, escalatedToStreet: params.toStreet },
          ],
          deadlines: markFired(context.deadlines, e.input.deadlineId, e.at),
          ...(params.toStreet
            ? {
                escalation: {
                  to: 'street' as const,
                  at: e.at,
                  by: e.actor.id,
                  cause: 'action_overdue' as const,
                  reason: item.title,
                },
                times: { ...context.times, escalatedAt: e.at },
              }
            : {}),
        };
      }),

      /** Manual escalation of an implementation with overdue items. */
      recordOverdueEscalation: assign(({ context, event }) => {
        const e = eventOf(event, 'matter.escalate.street')!;
        return {
          escalation: {
            to: 'street' as const,
            at: e.at,
            by: e.actor.id,
            cause: 'action_overdue' as const,
            ...(e.input.reason ? { reason: e.input.reason } : {}),
          },
          times: { ...context.times, escalatedAt: e.at },
        };
      }),

      publicise: assign(({ context, event }) => {
        const e = eventOf(event, 'matter.publicise')!;
        return {
          publicity: {
            at: e.at,
            by: e.actor.id,
            ...(e.input.until !== undefined ? { until: e.input.until } : {}),
            ...(e.input.note ? { note: e.input.note } : {}),
          },
          times: { ...context.times, publicisedAt: e.at },
        };
      }),

      recordVerification: assign(({ context, event }) => {
        const e = eventOf(event, 'matter.verify')!;
        return {
          verifications: [
            ...context.verifications,
            { at: e.at, by: e.actor.id, passed: e.input.passed, ...(e.input.note ? { note: e.input.note } : {}) },
          ],
          times: e.input.passed ? { ...context.times, verifiedAt: e.at } : context.times,
        };
      }),

      /** Ends the matter with an outcome and drops the deadlines that can no longer matter. */
      close: assign(({ context, event }, params: { outcome: PropertyCoordinationOutcome }) => ({
        outcome: params.outcome,
        deadlines: clearDeadlines(context.deadlines, () => true),
        times: { ...context.times, closedAt: event.at },
      })),

      markDeadlineFired: assign(({ context, event }) => {
        const e = eventOf(event, 'deadline.due')!;
        return { deadlines: markFired(context.deadlines, e.input.deadlineId, e.at) };
      }),
    },
  }).createMachine({
    id: 'propertyCoordination',
    context: ({ input }) => {
      const raisedAt = input.submittedAt ?? input.at;
      const raisedBy = input.raisedBy ?? input.submittedBy?.id ?? input.actor?.id;
      return {
        deadlines: [],
        ...(input.caseId === undefined ? {} : { caseId: input.caseId }),
        compoundId: input.compoundId,
        communityId: input.communityId,
        streetId: input.streetId,
        gridId: input.gridId,
        matterType: input.matterType,
        title: input.title,
        description: input.description,
        ...(raisedBy === undefined ? {} : { raisedBy }),
        ...(input.category === undefined ? {} : { category: input.category }),
        ...(input.urgency === undefined ? {} : { urgency: input.urgency }),
        ...(input.location === undefined ? {} : { location: input.location }),
        meetings: [],
        actionItems: [],
        overdue: [],
        verifications: [],
        times: raisedAt === undefined ? {} : { raisedAt },
      };
    },
    initial: 'triage',
    on: {
      // A deadline nobody waits for any more is just marked fired (the runtime does the same).
      'deadline.due': { actions: 'markDeadlineFired' },
    },
    states: {
      triage: {
        on: {
          'matter.triage.routine': { target: 'workOrder', actions: ['stampTriage', 'openWorkOrder'] },
          'matter.triage.consult': { target: 'preconsultation', actions: ['stampTriage', 'startConsultation'] },
        },
      },
      workOrder: {
        on: {
          'matter.action.done': {
            guard: 'actionItemOpen',
            target: 'closed',
            actions: ['completeActionItem', { type: 'close', params: { outcome: 'work_order' } }],
          },
          'matter.triage.consult': { target: 'preconsultation', actions: 'startConsultation' },
          'deadline.due': {
            guard: 'actionItemDue',
            actions: { type: 'markActionOverdue', params: { toStreet: false } },
          },
        },
      },
      preconsultation: {
        on: { 'matter.preconsult.done': { target: 'scheduling', actions: 'stampPreconsult' } },
      },
      scheduling: {
        on: {
          'matter.meeting.schedule': { guard: 'noticeSufficient', target: 'confirming', actions: 'scheduleMeeting' },
        },
      },
      confirming: {
        on: {
          'matter.meeting.confirm': { guard: 'isExpectedParty', actions: 'recordConfirmation' },
          'matter.meeting.attend': { guard: 'canAttend', actions: 'recordPresence' },
          // Rescheduling: a new meeting, confirmations start again.
          'matter.meeting.schedule': { guard: 'noticeSufficient', actions: 'scheduleMeeting' },
          // Not before its time; the attendance is the presence recorded, and below the quorum the meeting fails.
          'matter.meeting.hold': [
            { guard: and(['meetingStarted', 'quorumMet']), target: 'deliberation', actions: 'holdMeeting' },
            { guard: 'meetingStarted', target: 'scheduling', actions: 'failMeeting' },
          ],
          'deadline.due': { guard: 'meetingDue', actions: 'noteUnconfirmed' },
        },
      },
      deliberation: {
        on: {
          'matter.resolution.adopt': { guard: 'decisionRuleMet', target: 'signing', actions: 'adoptResolution' },
          'matter.no_consensus': { target: 'noConsensus', actions: 'recordNoConsensus' },
        },
      },
      signing: {
        on: {
          'matter.resolution.sign': [
            {
              guard: and(['completesSignatures', 'canSign']),
              target: 'implementation',
              actions: ['recordSignature', 'stampSigned', 'startImplementation'],
            },
            { guard: 'canSign', actions: 'recordSignature' },
          ],
          // A party that refuses to sign the minutes means there is no agreement after all.
          'matter.no_consensus': { target: 'noConsensus', actions: 'recordNoConsensus' },
        },
      },
      noConsensus: {
        on: {
          'matter.escalate.street': {
            target: 'escalated',
            actions: [
              { type: 'recordEscalation', params: { to: 'street' } },
              {
                type: 'effect',
                params: ({ context, event }) => {
                  const e = eventOf(event, 'matter.escalate.street')!;
                  return {
                    kind: 'submit' as const,
                    process: 'gridEscalation',
                    input: streetCaseInput(context, e.input.reason, e.input),
                    linkEvent: 'matter.linked',
                  };
                },
              },
            ],
          },
          'matter.escalate.mediation': {
            target: 'mediation',
            actions: { type: 'recordEscalation', params: { to: 'mediation' } },
          },
          'matter.escalate.vote': { target: 'voting', actions: { type: 'recordEscalation', params: { to: 'vote' } } },
        },
      },
      escalated: {
        on: {
          'matter.linked': { guard: 'linkValid', actions: 'linkCase' },
          'matter.close': { target: 'closed', actions: { type: 'close', params: { outcome: 'escalated' } } },
        },
      },
      mediation: {
        on: { 'matter.close': { target: 'closed', actions: { type: 'close', params: { outcome: 'mediated' } } } },
      },
      voting: {
        on: {
          'matter.vote.record': [
            {
              guard: and(['voteValid', 'votePassed']),
              target: 'implementation',
              actions: ['recordVote', 'startImplementation'],
            },
            {
              guard: 'voteValid',
              target: 'closed',
              actions: ['recordVote', { type: 'close', params: { outcome: 'rejected' } }],
            },
          ],
        },
      },
      implementation: {
        on: {
          'matter.action.add': { guard: 'actionItemValid', actions: 'addActionItem' },
          'matter.action.done': { guard: 'actionItemOpen', actions: 'completeActionItem' },
          'matter.publicise': { guard: 'allActionsDone', target: 'publicised', actions: 'publicise' },
          'matter.escalate.street': {
            guard: 'hasOverdueActions',
            target: 'escalated',
            actions: [
              'recordOverdueEscalation',
              {
                type: 'effect',
                params: ({ context, event }) => {
                  const e = eventOf(event, 'matter.escalate.street')!;
                  return {
                    kind: 'submit' as const,
                    process: 'gridEscalation',
                    input: streetCaseInput(context, e.input.reason, e.input),
                    linkEvent: 'matter.linked',
                  };
                },
              },
            ],
          },
          'deadline.due': [
            {
              guard: and(['actionItemDue', 'overdueEscalates']),
              target: 'escalated',
              actions: [
                { type: 'markActionOverdue', params: { toStreet: true } },
                {
                  type: 'effect',
                  params: ({ context, event }) => {
                    const e = eventOf(event, 'deadline.due')!;
                    const item = context.actionItems.find((i) => actionDeadlineId(i.id) === e.input.deadlineId);
                    const reason = item
                      ? `落实事项逾期：${item.title}（${item.party}）/ Action item overdue: ${item.title} (${item.party})`
                      : undefined;
                    return {
                      kind: 'submit' as const,
                      process: 'gridEscalation',
                      input: streetCaseInput(context, reason, {}),
                      linkEvent: 'matter.linked',
                    };
                  },
                },
              ],
            },
            { guard: 'actionItemDue', actions: { type: 'markActionOverdue', params: { toStreet: false } } },
          ],
        },
      },
      publicised: {
        on: {
          'matter.verify': [
            {
              guard: 'verificationPassed',
              target: 'closed',
              actions: ['recordVerification', { type: 'close', params: { outcome: 'resolved' } }],
            },
            { target: 'implementation', actions: 'recordVerification' },
          ],
        },
      },
      closed: { type: 'final' },
    },
  });
}

/** The machine type, for typed snapshots in tests and tools. */
export type PropertyCoordinationMachine = ReturnType<typeof createPropertyCoordinationMachine>;
