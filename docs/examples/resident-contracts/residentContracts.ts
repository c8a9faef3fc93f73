/**
 * Resident contracts (居民五约) built from Gridflow's parts: a household of a compound pledges to the compound's
 * five conventions (文明养犬、垃圾分类、有序停车、楼道整洁、邻里和睦), neighbouring households co-sign, the
 * community approves it once enough have signed, and a review reminder comes round every 30 days while it is in
 * force. Read docs/composing-processes.md for the walk-through; the server runs it with
 * `createGridflowServer({ processes: [residentContractsProcess] })`.
 *
 * draft 征集签字 → signing complete → approved 生效 (reviewed every 30 days) → revoked 撤销.
 */
import { assertEvent, assign, setup } from 'xstate';
import { setDeadline } from '@gridflow/core/processes';
import {
  defineCommands,
  t,
  type CommandEvents,
  type CaseSummary,
  type Deadline,
  type MachineInput,
  type ProcessDefinition,
  type ProcessEnv,
} from '@gridflow/core';
import { type FactDictionary } from '@gridflow/core/rules';

/** The five conventions a household may pledge to. */
export const PLEDGES = ['dogs', 'sorting', 'parking', 'stairwells', 'neighbours'] as const;

export interface ContractContext {
  caseId: string;
  title: string;
  household: string;
  /** The household's contact: personal data, masked for roles that may not see it. */
  phone: string;
  pledges: string[];
  compound: string;
  community: string;
  /** Households that must co-sign before the community may approve. */
  required: number;
  signedBy: string[];
  submittedBy: string;
  approvedBy: string | null;
  reviews: number;
  revoked: string | null;
  deadlines: Deadline[];
}

const text = { type: 'string', minLength: 1, maxLength: 200 } as const;

/** The commands, each written once: the definition's `commands` and the machine's events follow from it. */
export const contractCommands = defineCommands({
  'contract.sign': {
    name: t('邻户签字', 'A neighbouring household signs'),
    schema: {
      type: 'object',
      required: ['household'],
      properties: { household: text },
      additionalProperties: false,
    },
  },
  'contract.approve': {
    name: t('社区审核生效', 'Approve (community)'),
    schema: { type: 'object', additionalProperties: false },
  },
  'contract.revoke': {
    name: t('撤销', 'Revoke'),
    schema: {
      type: 'object',
      required: ['reason'],
      properties: { reason: text },
      additionalProperties: false,
    },
  },
  'deadline.due': { name: t('复查提醒', 'Review reminder'), schema: { type: 'object' }, internal: true },
});

/** The machine's events (`{ type, at, actor, input }`), each input inferred from its command's schema. */
type ContractEvent = CommandEvents<typeof contractCommands>;

/** What the submitter sends (the runtime adds the case id, the time and the submitter: {@link MachineInput}). */
export interface ContractInput {
  title: string;
  household: string;
  phone: string;
  pledges: string[];
  compound: string;
  community: string;
  required: number;
}

/**
 * The facts the contract rules read, with the words explanations use for them: an explanation then reads
 * 「已签字户数 3，未达到应签字户数 5」, not 「3，未达到 5」.
 */
export const contractFacts: FactDictionary = {
  'contract.signed': { type: 'number', unit: 'count', label: { zh: '已签字户数', en: 'households signed' } },
  'contract.required': { type: 'number', unit: 'count', label: { zh: '应签字户数', en: 'households required' } },
  'contract.pledges': { type: 'number', unit: 'count', label: { zh: '承诺条数', en: 'conventions pledged' } },
};

/** The review deadline: one id, set again each time it fires. */
const REVIEW = 'review';

export function createResidentContractsMachine(env: ProcessEnv) {
  const facts = (context: ContractContext, signed = context.signedBy.length) => ({
    contract: { signed, required: context.required, pledges: context.pledges.length },
  });
  const review = (deadlines: Deadline[], at: number): Deadline[] =>
    setDeadline(deadlines, {
      id: REVIEW,
      kind: REVIEW,
      dueAt: env.calendar.addDuration(at, env.rule('contractReviewPeriod', {}, 'string'), 'calendar'),
    });
  return setup({
    types: {} as { context: ContractContext; events: ContractEvent; input: MachineInput<ContractInput> },
    guards: {
      // A rule of the policy, typed: `env.rule(…, 'boolean')` is a boolean or a clear `rule.wrong_type` error.
      ready: ({ context }) => env.rule('contractReady', facts(context), 'boolean'),
      newSigner: ({ context, event }) => {
        assertEvent(event, 'contract.sign');
        return event.input.household !== context.household && !context.signedBy.includes(event.input.household);
      },
    },
    actions: {
      sign: assign(({ context, event }) => {
        assertEvent(event, 'contract.sign');
        return { signedBy: [...context.signedBy, event.input.household] };
      }),
      approve: assign({
        approvedBy: ({ event }) => event.actor.id,
        deadlines: ({ context, event }) => review(context.deadlines, event.at),
      }),
      reviewAgain: assign({
        reviews: ({ context }) => context.reviews + 1,
        deadlines: ({ context, event }) => review(context.deadlines, event.at),
      }),
      revoke: assign(({ event }) => {
        assertEvent(event, 'contract.revoke');
        return { revoked: event.input.reason, deadlines: [] };
      }),
    },
  }).createMachine({
    id: 'residentContracts',
    context: ({ input }) => ({
      caseId: input.caseId,
      title: input.title,
      household: input.household,
      phone: input.phone,
      pledges: input.pledges,
      compound: input.compound,
      community: input.community,
      required: input.required,
      signedBy: [],
      submittedBy: input.submittedBy.id,
      approvedBy: null,
      reviews: 0,
      revoked: null,
      deadlines: [],
    }),
    initial: 'signing',
    states: {
      signing: {
        on: {
          'contract.sign': { guard: 'newSigner', actions: 'sign' },
          'contract.approve': { guard: 'ready', target: 'inForce', actions: 'approve' },
          'contract.revoke': { target: 'revoked', actions: 'revoke' },
        },
      },
      inForce: {
        on: {
          'deadline.due': { actions: 'reviewAgain' },
          'contract.revoke': { target: 'revoked', actions: 'revoke' },
        },
      },
      revoked: { type: 'final' },
    },
  });
}

const unitId = { type: 'string', pattern: '^[a-z0-9-]{1,40}$' } as const;

/** The process definition the runtime and the server register. */
export const residentContractsProcess: ProcessDefinition<ContractContext> = {
  id: 'residentContracts',
  version: 1,
  name: { zh: '居民五约', en: 'Resident contracts' },
  submitCommand: 'contract.submit',
  createMachine: createResidentContractsMachine,
  facts: contractFacts,
  inputSchema: {
    type: 'object',
    required: ['title', 'household', 'phone', 'pledges', 'compound', 'community', 'required'],
    additionalProperties: false,
    properties: {
      title: text,
      household: text,
      phone: { type: 'string', pattern: '^[0-9+ -]{5,20}$' },
      pledges: { type: 'array', items: { enum: [...PLEDGES] }, minItems: 1, maxItems: 5, uniqueItems: true },
      compound: unitId,
      community: unitId,
      required: { type: 'integer', minimum: 1, maximum: 50 },
    },
  },
  commands: contractCommands.list,
  states: {
    signing: { name: { zh: '征集签字', en: 'Collecting signatures' } },
    inForce: { name: { zh: '已生效', en: 'In force' } },
    revoked: { name: { zh: '已撤销', en: 'Revoked' }, final: true },
  },
  summarize(context): CaseSummary {
    return {
      units: [`compound:${context.compound}`, `community:${context.community}`],
      title: context.title,
      category: 'contract',
      reporterId: context.submittedBy,
      open: context.revoked === null,
    };
  },
};

/** The policy additions the process needs: its two rules (the permission rows are the deployment's choice). */
export const contractRules = {
  contractReady: {
    id: 'r-contract-ready',
    name: { zh: '五约可生效', en: 'Contract may come into force' },
    logic: {
      and: [
        { '>=': [{ var: 'contract.signed' }, { var: 'contract.required' }] },
        { '>=': [{ var: 'contract.pledges' }, 1] },
      ],
    },
  },
  contractReviewPeriod: {
    id: 'r-contract-review-period',
    name: { zh: '五约复查周期', en: 'Contract review period' },
    logic: 'P30D',
  },
};
