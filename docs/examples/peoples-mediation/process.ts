import type { CaseSummary, ProcessDefinition } from '@gridflow/core';
import { mediationCommands } from './commands.js';
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
  commands: mediationCommands.list,
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
