import { assign, setup } from 'xstate';
import { clearDeadlines, setDeadline, type ProcessEnv } from '@gridflow/core';
import type { MediationContext, MediationEvent, MediationInput } from './types.js';

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
