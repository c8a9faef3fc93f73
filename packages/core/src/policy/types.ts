import type { LocalizedText } from '../i18n.js';

/**
 * The policy document: every decision a district may change without code. One JSON document, versioned,
 * validated by {@link policySchema} (JSON Schema 2020-12) plus semantic checks.
 *
 * Conventions: every list item that policy staff edit carries a stable `id` (rows, cells, rules), so a
 * semantic diff can say "row `r-emergency` changed" rather than "line 212 changed". Durations are ISO 8601
 * (`PT2H`, `P7D`). Rule conditions are JsonLogic.
 */
export interface Policy {
  /** Stable policy identifier, shared by all versions, e.g. `default`. */
  id: string;
  /** Integer version, increasing by one per published change. */
  version: number;
  status: PolicyStatus;
  /** ISO 8601 date-time from which new cases use this version. */
  effectiveFrom: string;
  author: string;
  changeNote: string;
  name: LocalizedText;
  organisation: OrganisationRefs;
  urgencies: UrgencyDef[];
  categories: CategoryDef[];
  routing: RoutingTable;
  timeLimits: TimeLimits;
  calendar: CalendarDef;
  /** Escalation, whistle, return, extension, verification and other named rules. */
  rules: RuleSet;
  coordination: CoordinationPolicy;
  evaluation: EvaluationPolicy;
  permissions: PermissionRow[];
  privacy: PrivacyPolicy;
}

export const PolicyStatus = {
  DRAFT: 'draft',
  IN_REVIEW: 'in_review',
  PUBLISHED: 'published',
  RETIRED: 'retired',
} as const;
export type PolicyStatus = (typeof PolicyStatus)[keyof typeof PolicyStatus];

/** The organisation levels of domain.md, lowest first. */
export const OrgLevel = {
  BUILDING: 'building',
  GRID: 'grid',
  COMPOUND: 'compound',
  COMMUNITY: 'community',
  STREET: 'street',
  DEPARTMENT: 'department',
  DISTRICT: 'district',
} as const;
export type OrgLevel = (typeof OrgLevel)[keyof typeof OrgLevel];

export interface LevelDef {
  code: OrgLevel;
  name: LocalizedText;
}

export interface DepartmentDef {
  /** e.g. `urban_management` (城管). */
  code: string;
  name: LocalizedText;
}

export interface RoleDef {
  /** e.g. `grid_worker`, `street_dispatcher`. */
  code: string;
  name: LocalizedText;
}

export interface OrganisationRefs {
  levels: LevelDef[];
  /** The order a case rises through when a level cannot solve it in time, e.g. grid → community → street → district. */
  escalationPath: OrgLevel[];
  departments: DepartmentDef[];
  roles: RoleDef[];
}

export interface UrgencyDef {
  /** e.g. `emergency`, `utilities`, `general`, `complex`. */
  code: string;
  name: LocalizedText;
}

export const AttributeType = { TEXT: 'text', NUMBER: 'number', CHOICE: 'choice', DATE: 'date' } as const;
export type AttributeType = (typeof AttributeType)[keyof typeof AttributeType];

/** One thing a reporter must (or may) say about a matter of this category. */
export interface AttributeDef {
  code: string;
  name: LocalizedText;
  type: AttributeType;
  required: boolean;
  /** text: length limits. */
  minLength?: number;
  maxLength?: number;
  /** number: value limits. */
  minimum?: number;
  maximum?: number;
  /** choice: the allowed values. */
  options?: { value: string; name: LocalizedText }[];
  /** date: `YYYY-MM-DD` limits. */
  earliest?: string;
  latest?: string;
}

export interface CategoryDef {
  /** e.g. `illegal_construction`. */
  code: string;
  name: LocalizedText;
  defaultUrgency: string;
  allowAnonymous: boolean;
  attributes: AttributeDef[];
}

/**
 * Where a case starts: a level, and for `level: 'department'` the department that handles it (required then).
 * A department given with another level names the department that level coordinates (e.g. a street with
 * `urban_management` summoned from the start).
 */
export interface RouteTarget {
  level: OrgLevel;
  department?: string;
}

export interface RoutingRow {
  id: string;
  /** JsonLogic over the case fields; `true` for the default row. */
  when: unknown;
  then: RouteTarget;
  note?: LocalizedText;
}

/** An ordered decision table: first match wins; the last row must be a default (`when: true`). */
export interface RoutingTable {
  rows: RoutingRow[];
}

/**
 * How a duration is counted. `calendar`: wall-clock time, nights, weekends and holidays included.
 * `working`: only the business calendar's working time; then `D` counts working days (`P7D` = seven working
 * days) and `H`/`M` count working hours and minutes. Years, months and weeks make no sense in working time.
 */
export const Counting = { WORKING: 'working', CALENDAR: 'calendar' } as const;
export type Counting = (typeof Counting)[keyof typeof Counting];

export interface TimeLimitCell {
  id: string;
  level: OrgLevel;
  urgency: string;
  /** ISO 8601 duration. */
  duration: string;
  counting: Counting;
}

/**
 * How long a new report may wait in triage before it is filed (立案时限), for one urgency and, optionally, one
 * intake channel: a limit naming the report's `source` wins over the urgency's limit without one (12345 lines,
 * for instance, accept an online report — source `app` — within 2 hours).
 */
export interface FilingLimit {
  id: string;
  urgency: string;
  /** Only reports from this channel. */
  source?: CaseSource;
  /** ISO 8601 duration. */
  duration: string;
  counting: Counting;
}

export interface TimeLimits {
  /**
   * Filing limits (立案时限) by urgency (and channel): past it an unfiled report is overdue in the filer's inbox,
   * the filing deadline fires and rule `autoFile` may file it. An urgency without a limit (or a policy without
   * the list) gets one working hour.
   */
  filing?: FilingLimit[];
  /** Handling limit per level × urgency. */
  handling: TimeLimitCell[];
  /** Total limit for the whole case by urgency (按期结案率 uses it). */
  total: { id: string; urgency: string; duration: string; counting: Counting }[];
  /** A dispatched unit must sign for the order within this. */
  signing: { duration: string; counting: Counting };
  /** After signing, the handler must contact the requester within this (响应率). */
  contact: { duration: string; counting: Counting };
  /** A summoned department must check in within this after the whistle. */
  whistleCheckIn: { duration: string; counting: Counting };
  /** Fraction of a limit at which a warning is raised, e.g. 0.8. */
  warningAt: number;
  /** Working days overdue after which a case becomes a public-notice candidate (通报). */
  publicNoticeAfterWorkingDays: number;
  /** When true, each level on the escalation path must have limits at least as long as the level below it. */
  higherLevelsNotShorter: boolean;
}

export interface WorkingPeriod {
  /** `HH:MM`, local time. */
  start: string;
  end: string;
}

/** A business calendar: working time is counted in this time zone, these hours, these days. */
export interface CalendarDef {
  /** IANA time zone, e.g. `Asia/Shanghai`. */
  timeZone: string;
  /** Weekdays that are normally worked, ISO numbering (1 = Monday … 7 = Sunday). */
  workingDays: number[];
  workingHours: WorkingPeriod[];
  /** Public holidays, `YYYY-MM-DD`, with an optional name. */
  holidays: { date: string; name?: LocalizedText }[];
  /** Make-up working days (调休), `YYYY-MM-DD`: weekends that are worked. */
  makeUpWorkdays: { date: string; name?: LocalizedText }[];
}

/** A named rule: a JsonLogic condition or value, with the words to explain it. */
export interface RuleDef {
  id: string;
  name: LocalizedText;
  description?: LocalizedText;
  logic: unknown;
}

/**
 * The rules machines consult by name. Each evaluates over documented facts (see `ruleFactsFor` in `facts.ts`):
 * - `escalate`: true when the case must rise one level (e.g. past the level's limit and not resolved);
 * - `whistle`: true when the street may blow the whistle;
 * - `returnAllowed`: true when a unit may return (退单) the case;
 * - `extensionAllowed`: true when an extension may be requested (e.g. before the deadline, fewer than 2 so far);
 * - `verifierAllowed`: true when the actor may verify (e.g. the verifier is not the handler);
 * - `publicNotice`: true when an overdue case becomes a public-notice candidate;
 * - `redo`: true when an evaluation sends the case back for redo;
 * - `autoFile` (optional): true when a report still unfiled when its filing limit passes is filed automatically to
 *   the unit routing sends it to (facts: the time it waited, category, urgency, source, the routed unit). Absent:
 *   never.
 * - `raterAllowed` (optional): true when the actor may record the rating of an evaluation (`evaluation.rate`; facts:
 *   the actor with its units, the rated unit, the evaluator). The default refuses the rated unit's own staff.
 *   Absent: the default rule (`DEFAULT_RATER_ALLOWED`), so a policy stored before the rule existed
 *   protects its ratings too.
 */
export interface RuleSet {
  escalate: RuleDef;
  whistle: RuleDef;
  returnAllowed: RuleDef;
  extensionAllowed: RuleDef;
  verifierAllowed: RuleDef;
  publicNotice: RuleDef;
  redo: RuleDef;
  autoFile?: RuleDef;
  raterAllowed?: RuleDef;
  /** Limits the rules above may refer to via `{"var": "limits.maxExtensions"}`. */
  limits: { maxExtensions: number; maxReturns: number; maxWhistleDepartments: number };
  /**
   * Rules of processes a developer added in code, by key (e.g. `mediationAgreed`). Machines read them with
   * `env.rule(key, facts)` exactly like the built-in ones.
   */
  custom?: Record<string, RuleDef>;
}

/**
 * The names of the built-in rules of a {@link RuleSet}, i.e. every key but `limits` and `custom` (`autoFile` and
 * `raterAllowed` are optional).
 */
export const RULE_KEYS = [
  'escalate',
  'whistle',
  'returnAllowed',
  'extensionAllowed',
  'verifierAllowed',
  'publicNotice',
  'redo',
  'autoFile',
  'raterAllowed',
] as const;
export type RuleKey = (typeof RULE_KEYS)[number];

/** Where a matter comes from (发现渠道). */
export const CaseSource = {
  /** A grid worker's patrol (巡查发现). */
  PATROL: 'patrol',
  /** A resident walking in (群众上门). */
  WALK_IN: 'walk_in',
  /** The 12345 hotline. */
  HOTLINE: 'hotline',
  /** Another platform dispatching an order (上级派单). */
  PLATFORM: 'platform',
  /** A resident's app or WeChat message. */
  APP: 'app',
} as const;
export type CaseSource = (typeof CaseSource)[keyof typeof CaseSource];

/**
 * The parties of a three-party meeting (三方联动) besides invited departments: the community party
 * organisation / residents' committee, the owners' committee and the property company.
 */
export const CoordinationParty = {
  COMMUNITY: 'community',
  OWNERS_COMMITTEE: 'owners_committee',
  PROPERTY_COMPANY: 'property_company',
} as const;
export type CoordinationParty = (typeof CoordinationParty)[keyof typeof CoordinationParty];

export const DecisionRule = { CONSENSUS: 'consensus', MAJORITY: 'majority' } as const;
export type DecisionRule = (typeof DecisionRule)[keyof typeof DecisionRule];

export interface CoordinationPolicy {
  /**
   * Parties that must be at a three-party meeting: {@link CoordinationParty} codes (`community`,
   * `owners_committee`, `property_company`) or department codes of invited units.
   */
  requiredParties: string[];
  /** Days of notice before a meeting. */
  noticeDays: number;
  /** How many of the required parties must attend (count). */
  quorum: number;
  matterTypes: { id: string; code: string; name: LocalizedText; decision: DecisionRule }[];
  /**
   * Owners' assembly thresholds (Civil Code art. 278), as fractions of owners by floor area and by headcount.
   * Participation and major-matter thresholds are "at least" (≥, 三分之二以上 / 四分之三以上); ordinary
   * thresholds are "more than" (>, 过半数), so the default `0.5` means a strict majority.
   */
  ownersVote: {
    participationByArea: number;
    participationByHeadcount: number;
    ordinaryByArea: number;
    ordinaryByHeadcount: number;
    majorByArea: number;
    majorByHeadcount: number;
    /** Matter codes that count as major (repair funds, rebuilding...). */
    majorMatters: string[];
  };
  /** Days allowed for an action item by default. */
  actionItemDays: number;
  /**
   * The meeting's checks as named rules (notice, confirmation, attendance, meeting time, quorum, consensus,
   * majority, signature, the owners' vote thresholds), evaluated as `coordination.<name>` and recorded in history
   * with their values. A rule left out is the default (`DEFAULT_COORDINATION_RULES`).
   */
  rules?: Partial<Record<CoordinationRuleKey, RuleDef>>;
}

/** The names of the coordination rules (see `DEFAULT_COORDINATION_RULES`). */
export type CoordinationRuleKey =
  | 'notice'
  | 'confirmation'
  | 'attendance'
  | 'meetingTime'
  | 'quorum'
  | 'consensus'
  | 'majority'
  | 'signature'
  | 'ownersParticipation'
  | 'ownersOrdinary'
  | 'ownersMajor';

export interface IndicatorDef {
  /** e.g. `response_rate`. */
  code: string;
  name: LocalizedText;
  /** JsonLogic over the indicator counts (see `indicatorFacts`), yielding a number or null. */
  formula: unknown;
  /** Weight in the composite score, 0–1; the weights of a policy should sum to 1. */
  weight: number;
  /**
   * Which way is better: `higher` (the default; response, resolution, satisfaction…) or `lower` (return
   * rate, redo rate). The composite score uses `1 − value` for `lower` indicators.
   */
  better?: 'higher' | 'lower';
}

export interface EvaluationPolicy {
  /** The rating scale, best first. */
  scale: { code: string; name: LocalizedText; score: number }[];
  /** Ratings that count as unsatisfied. */
  unsatisfied: string[];
  /** Weight of "basically satisfied" in the satisfaction rate (w in domain.md). */
  basicallySatisfiedWeight: number;
  revisitAttempts: number;
  /** Reasons for unsatisfaction that the unit controls (and so trigger a redo). */
  controllableReasons: { code: string; name: LocalizedText }[];
  /** Which rating counts after a redo. */
  ratingThatCounts: 'first' | 'final';
  exclusionsNeedApproval: boolean;
  publicNoticeNeedsApproval: boolean;
  indicators: IndicatorDef[];
}

export const Scope = {
  OWN: 'own',
  BUILDING: 'building',
  GRID: 'grid',
  COMPOUND: 'compound',
  COMMUNITY: 'community',
  STREET: 'street',
  DEPARTMENT: 'department',
  ALL: 'all',
} as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

/** Role × command × scope: this role may give this command on cases within this scope. */
export interface PermissionRow {
  id: string;
  role: string;
  /**
   * A command name such as `case.sign` (see `COMMANDS`), a pattern `case.*` for every command under a
   * prefix, or `*` for every command.
   */
  command: string;
  scope: Scope;
  /**
   * Only while the case is held at one of these levels (its `level`): who acts on an order is the unit that holds
   * it now — a grid signs for an order at grid level, not after it rose to the community. Absent: at any level.
   * Reading is not limited by it.
   */
  levels?: OrgLevel[];
  /**
   * Parties this row lets the role act for in a command that names a party (`matter.resolution.sign` with
   * `party`, completing another party's action item): party codes (`property_company`, `department:housing`) or
   * `*` for any. Absent: the role acts only as its own party.
   */
  actFor?: string[];
}

/** Who may see residents' personal data (name, phone, ID number, exact address) unmasked. */
export interface PrivacyPolicy {
  unmaskedRoles: string[];
}
