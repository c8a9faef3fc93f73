/**
 * People's mediation (人民调解) built from Gridflow's parts: an XState machine, policy rules, and registration
 * with the runtime. Read docs/composing-processes.md for the walk-through.
 *
 * 摸排 investigate → 调解 mediate (sessions) → 达成协议 agreement signed by both parties, or 调解不成 failed →
 * 结案 closed → 回访 revisit → done.
 */
import { assign, setup } from 'xstate';
import {
  clearDeadlines,
  setDeadline,
  type CaseEvent,
  type CaseSummary,
  type Deadline,
  type ProcessDefinition,
  type ProcessEnv,
} from '@gridflow/core';

export interface MediationContext {
  caseId: string;
  title: string;
  kind: string;
  parties: string[];
  community: string;
  mediatorId: string | null;
  sessions: { at: number; note: string }[];
  signedBy: string[];
  outcome: 'agreement' | 'failed' | null;
  revisit: { at: number; satisfied: boolean } | null;
  deadlines: Deadline[];
}

type MediationEvent =
  | CaseEvent<'mediation.investigated', { note: string }>
  | CaseEvent<'mediation.session', { note: string }>
  | CaseEvent<'mediation.sign', { party: string }>
  | CaseEvent<'mediation.fail', { reason: string }>
  | CaseEvent<'mediation.close', Record<string, never>>
  | CaseEvent<'mediation.revisit', { satisfied: boolean }>
  | CaseEvent<'deadline.due', { deadlineId: string; kind: string }>;

interface MediationInput {
  caseId: string;
  at: number;
  title: string;
  kind: string;
  parties: string[];
  community: string;
}

/**
 * The machine. Guards and the time limit come from the policy: `rules.custom.mediationAgreed` decides when an
 * agreement stands, `rules.custom.mediationTimeLimit` yields the ISO 8601 limit for this kind of dispute.
 */
export function createPeoplesMediationMachine(env: ProcessEnv) {
  const limitFor = (context: { kind: string }) =>
    String(env.rule('mediationTimeLimit', { case: { kind: context.kind } }));
  return setup({
    types: {} as { context: MediationContext; events: MediationEvent; input: MediationInput },
    guards: {
      agreementComplete: ({ context, event }) => {
        const signed =
          event.type === 'mediation.sign' ? [...new Set([...context.signedBy, event.input.party])] : context.signedBy;
        return Boolean(
          env.rule('mediationAgreed', {
            case: { parties: context.parties.length, signed: signed.filter((p) => context.parties.includes(p)).length },
          }),
        );
      },
      isParty: ({ context, event }) => event.type === 'mediation.sign' && context.parties.includes(event.input.party),
    },
    actions: {
      startClock: assign({
        deadlines: ({ context, event }) =>
          setDeadline(context.deadlines, {
            id: 'mediate',
            kind: 'mediate',
            dueAt: env.calendar.addDuration(event.at, limitFor(context), 'working'),
          }),
        mediatorId: ({ event }) => event.actor.id,
      }),
      recordSession: assign({
        sessions: ({ context, event }) => [
          ...context.sessions,
          { at: event.at, note: String((event.input as { note?: string }).note ?? '') },
        ],
      }),
      recordSignature: assign({
        signedBy: ({ context, event }) =>
          event.type === 'mediation.sign' ? [...new Set([...context.signedBy, event.input.party])] : context.signedBy,
      }),
      agree: assign({
        outcome: 'agreement' as const,
        deadlines: ({ context }) => clearDeadlines(context.deadlines, () => true),
      }),
      fail: assign({
        outcome: 'failed' as const,
        deadlines: ({ context }) => clearDeadlines(context.deadlines, () => true),
      }),
      markOverdue: assign({
        sessions: ({ context, event }) => [...context.sessions, { at: event.at, note: '调解超期 / mediation overdue' }],
      }),
      recordRevisit: assign({
        revisit: ({ event }) =>
          event.type === 'mediation.revisit' ? { at: event.at, satisfied: event.input.satisfied } : null,
      }),
    },
  }).createMachine({
    id: 'peoplesMediation',
    context: ({ input }) => ({
      caseId: input.caseId,
      title: input.title,
      kind: input.kind,
      parties: input.parties,
      community: input.community,
      mediatorId: null,
      sessions: [],
      signedBy: [],
      outcome: null,
      revisit: null,
      deadlines: [],
    }),
    initial: 'investigating',
    states: {
      investigating: {
        on: { 'mediation.investigated': { target: 'mediating', actions: ['startClock', 'recordSession'] } },
      },
      mediating: {
        on: {
          'mediation.session': { actions: 'recordSession' },
          'mediation.sign': [
            { guard: 'agreementComplete', target: 'agreed', actions: ['recordSignature', 'agree'] },
            { guard: 'isParty', actions: 'recordSignature' },
          ],
          'mediation.fail': { target: 'failed', actions: 'fail' },
          'deadline.due': { actions: 'markOverdue' },
        },
      },
      agreed: { on: { 'mediation.close': 'closed' } },
      failed: { on: { 'mediation.close': 'closed' } },
      closed: { on: { 'mediation.revisit': { target: 'done', actions: 'recordRevisit' } } },
      done: { type: 'final' },
    },
  });
}

const text = { type: 'string', minLength: 1, maxLength: 2000 } as const;

/** The process definition the runtime registers. */
export const peoplesMediationProcess: ProcessDefinition = {
  id: 'peoplesMediation',
  version: 1,
  name: { zh: '人民调解', en: "People's mediation" },
  submitCommand: 'mediation.submit',
  createMachine: createPeoplesMediationMachine,
  inputSchema: {
    type: 'object',
    required: ['title', 'kind', 'parties', 'community'],
    additionalProperties: false,
    properties: {
      title: text,
      kind: { enum: ['neighbour', 'family', 'property', 'labour'] },
      parties: { type: 'array', items: text, minItems: 2, maxItems: 10, uniqueItems: true },
      community: { type: 'string', pattern: '^[a-z0-9-]+$' },
    },
  },
  commands: [
    {
      type: 'mediation.investigated',
      name: { zh: '摸排完成', en: 'Investigation done' },
      inputSchema: { type: 'object', required: ['note'], properties: { note: text }, additionalProperties: false },
    },
    {
      type: 'mediation.session',
      name: { zh: '记录调解', en: 'Record a session' },
      inputSchema: { type: 'object', required: ['note'], properties: { note: text }, additionalProperties: false },
    },
    {
      type: 'mediation.sign',
      name: { zh: '当事人签字', en: 'A party signs' },
      inputSchema: { type: 'object', required: ['party'], properties: { party: text }, additionalProperties: false },
    },
    {
      type: 'mediation.fail',
      name: { zh: '调解不成', en: 'Mediation failed' },
      inputSchema: { type: 'object', required: ['reason'], properties: { reason: text }, additionalProperties: false },
    },
    {
      type: 'mediation.close',
      name: { zh: '结案', en: 'Close' },
      inputSchema: { type: 'object', additionalProperties: false },
    },
    {
      type: 'mediation.revisit',
      name: { zh: '回访', en: 'Revisit' },
      inputSchema: {
        type: 'object',
        required: ['satisfied'],
        properties: { satisfied: { type: 'boolean' } },
        additionalProperties: false,
      },
      // A field the shared labels (FIELD_LABELS) do not name gets its own label for forms.
      labels: { satisfied: { zh: '当事人满意', en: 'Parties satisfied' } },
    },
    {
      type: 'deadline.due',
      name: { zh: '时限到期', en: 'Deadline due' },
      inputSchema: { type: 'object' },
      internal: true,
    },
  ],
  inputLabels: {
    kind: { zh: '纠纷类型', en: 'Kind of dispute' },
    parties: { zh: '当事人', en: 'Parties' },
  },
  // Which guard or action reads which policy rule: the runtime's description (and the designer) shows them on the
  // transitions; `recordRuleReads` from '@gridflow/core/testing' checks the map against the machine.
  rulesRead: {
    guards: { agreementComplete: ['mediationAgreed'] },
    actions: { startClock: ['mediationTimeLimit'] },
  },
  deadlineKinds: { mediate: { zh: '调解时限', en: 'Mediation time limit' } },
  states: {
    investigating: { name: { zh: '摸排', en: 'Investigating' } },
    mediating: { name: { zh: '调解中', en: 'Mediating' } },
    agreed: { name: { zh: '达成协议', en: 'Agreement reached' } },
    failed: { name: { zh: '调解不成', en: 'Mediation failed' } },
    closed: { name: { zh: '已结案', en: 'Closed' } },
    done: { name: { zh: '已回访', en: 'Revisited' }, final: true },
  },
  summarize(context): CaseSummary {
    const c = context as MediationContext;
    return {
      units: [`community:${c.community}`],
      title: c.title,
      category: `mediation:${c.kind}`,
      ...(c.mediatorId ? { handlerId: c.mediatorId } : {}),
      open: c.revisit === null,
    };
  },
};
