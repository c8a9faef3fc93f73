import type { CaseSummary, ProcessDefinition } from '@gridflow/core';
import { createPeoplesMediationMachine } from './machine.js';
import type { MediationContext } from './types.js';

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
