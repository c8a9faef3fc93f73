import { assertEvent, assign, setup } from 'xstate';
import { clearDeadlines, setDeadline } from '@gridflow/core/processes';
import { type ProcessEnv } from '@gridflow/core';
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
        // One way to narrow the event, as in the built-in machines: XState's `assertEvent` (it throws if the guard
        // is ever wired under another event, rather than quietly answering false).
        assertEvent(event, 'mediation.sign');
        const signed = [...new Set([...context.signedBy, event.input.party])];
        return Boolean(
          env.rule('mediationAgreed', {
            case: { parties: context.parties.length, signed: signed.filter((p) => context.parties.includes(p)).length },
          }),
        );
      },
      isParty: ({ context, event }) => {
        assertEvent(event, 'mediation.sign');
        return context.parties.includes(event.input.party);
      },
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
      recordSession: assign(({ context, event }) => {
        assertEvent(event, ['mediation.investigated', 'mediation.session']);
        return { sessions: [...context.sessions, { at: event.at, note: event.input.note }] };
      }),
      recordSignature: assign(({ context, event }) => {
        assertEvent(event, 'mediation.sign');
        return { signedBy: [...new Set([...context.signedBy, event.input.party])] };
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
      recordRevisit: assign(({ event }) => {
        assertEvent(event, 'mediation.revisit');
        return { revisit: { at: event.at, satisfied: event.input.satisfied } };
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
