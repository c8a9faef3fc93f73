import { and, assign, not, setup } from 'xstate';
import { assertEvent } from '../contract/assertEvent.js';
import type { EvaluationPolicy } from '../../policy/types.js';
import type { Effect, ProcessEnv } from '../contract/types.js';
import { attemptsIn, countedRatingOf, isControllable, phaseOf } from './rating.js';
import {
  ASSESSOR_ROLE,
  type AppealEvaluationContext,
  type AppealEvaluationEvent,
  type AppealEvaluationMachineInput,
  type ApprovalRecord,
  type RaterFacts,
  type RatingRecord,
  type RedoFacts,
  type RevisitAttempt,
} from './types.js';

/*
 * Process 3 — appeal evaluation (谁呼谁评、谁应谁评，下评上、一事一评). One case per response being evaluated.
 *
 * The revisit attempts, the ratings (first and, after a redo, final), an appeal, an exclusion request and a
 * public-notice proposal are all data in the context. The rating scale, the unsatisfied ratings, the number of
 * revisit attempts, the controllable reasons, which rating counts and the two approval switches come from
 * `env.policy.evaluation`; who may record the rating is the policy rule `raterAllowed` (by default the resident, or
 * anyone not of the rated unit), and whether a rating sends the case back for redo is the policy rule `redo`.
 */

/**
 * Creates the appeal evaluation machine for one policy.
 *
 * States: `awaitingRating` → (`evaluation.rate`, when rule `raterAllowed` lets the actor rate) → `rated.standing`,
 * or `redoPending` when the `redo` rule says
 * so (effect: `case.reopen` on the subject case) → (`evaluation.rate` again) → `rated.standing`. Revisit attempts
 * that all fail (or `evaluation.revisit.unreachable`) end in `unreachable` (before a redo) or keep the first rating
 * (after it). A rated evaluation may be appealed (`rated.appealed`, decided by an assessor) and, when it counts as
 * unsatisfied, proposed for a public notice (`rated.noticeProposed` when approval is needed). An exclusion may be
 * requested in any open state and, when approved (or not needing approval), ends in `excluded`.
 *
 * @example
 * import { initialTransition, transition } from 'xstate';
 * const machine = createAppealEvaluationMachine(createProcessEnv(createDefaultPolicy(), { decisions: [] }));
 * const at = Date.parse('2026-03-10T09:00:00+08:00');
 * const actor = { id: 'r-1', roles: ['resident'], units: [] };
 * const [s0] = initialTransition(machine, { subjectCaseId: 'c-1', subjectProcess: 'gridEscalation',
 *   evaluatorKind: 'resident', evaluatorId: 'r-1', unit: 'grid:g-01', reporterId: 'r-1',
 *   caseId: 'e-1', at, actor, submittedAt: at, submittedBy: actor });
 * const [s1] = transition(machine, s0, { type: 'evaluation.rate', at, actor,
 *   input: { rating: 'satisfied', solved: true } });
 * s1.value; // { rated: 'standing' }
 */
export function createAppealEvaluationMachine(env: ProcessEnv) {
  const evaluation = (): EvaluationPolicy => env.policy.evaluation;
  const isUnsatisfied = (rating: string | undefined): boolean =>
    rating !== undefined && evaluation().unsatisfied.includes(rating);
  const inScale = (rating: string | undefined): boolean =>
    rating !== undefined && evaluation().scale.some((s) => s.code === rating);

  const ratingRecord = (
    ctx: AppealEvaluationContext,
    e: Extract<AppealEvaluationEvent, { type: 'evaluation.rate' }>,
  ): RatingRecord => {
    const { rating, solved, reason, comment } = e.input;
    return {
      phase: phaseOf(ctx),
      rating,
      solved,
      ...(reason === undefined ? {} : { reason }),
      controllable: isControllable(evaluation(), reason, e.input.controllable),
      ...(comment === undefined ? {} : { comment }),
      at: e.at,
      by: e.actor.id,
    };
  };

  /**
   * Whether rule `raterAllowed` lets the event's actor rate, once per event: both transitions of `evaluation.rate`
   * ask, and the decision is recorded (and a refusal explained) once.
   */
  const raterDecisions = new WeakMap<object, boolean>();
  const raterAllowed = (ctx: AppealEvaluationContext, e: AppealEvaluationEvent): boolean => {
    const known = raterDecisions.get(e);
    if (known !== undefined) return known;
    const facts: RaterFacts = {
      actor: { id: e.actor.id, roles: [...e.actor.roles], units: [...e.actor.units] },
      evaluation: {
        unit: ctx.unit,
        evaluatorKind: ctx.evaluatorKind,
        evaluatorId: ctx.evaluatorId,
        evaluatorUnit: ctx.evaluatorUnit ?? null,
      },
    };
    const allowed = env.rule('raterAllowed', facts as unknown as Record<string, unknown>) === true;
    raterDecisions.set(e, allowed);
    return allowed;
  };

  /** Context fields that follow from the ratings list. */
  const ratingFields = (ratings: RatingRecord[]) => {
    const counted = countedRatingOf(evaluation().ratingThatCounts, ratings);
    const first = ratings.find((r) => r.phase === 'first');
    const final = ratings.find((r) => r.phase === 'final');
    return {
      ratings,
      ...(first ? { firstRating: first.rating } : {}),
      ...(final ? { finalRating: final.rating } : {}),
      ...(counted ? { countedRating: counted.rating, solved: counted.solved } : {}),
    };
  };

  return setup({
    types: {
      context: {} as AppealEvaluationContext,
      events: {} as AppealEvaluationEvent,
      input: {} as AppealEvaluationMachineInput,
    },
    guards: {
      /**
       * The policy rule `raterAllowed` lets the actor record this rating (by default: the resident who called, or an
       * actor not of the rated unit; facts `actor.*`, `evaluation.unit`, `evaluation.evaluatorKind`, `evaluation.evaluatorId`,
       * `evaluation.evaluatorUnit`).
       */
      canRate: ({ context, event }) => {
        assertEvent(event, 'evaluation.rate');
        return raterAllowed(context, event);
      },
      /** The rating is a code of the policy's scale. */
      ratingValid: ({ event }) => {
        assertEvent(event, 'evaluation.rate');
        return inScale(event.input.rating);
      },
      /** The policy rule `redo` sends the case back (e.g. unsatisfied for a controllable reason). */
      redoRequired: ({ context, event }) => {
        assertEvent(event, 'evaluation.rate');
        const r = ratingRecord(context, event);
        const facts: RedoFacts = {
          evaluation: {
            rating: r.rating,
            solved: r.solved,
            reason: r.reason ?? null,
            controllable: r.controllable,
            attempts: context.attempts.length,
            evaluatorKind: context.evaluatorKind,
          },
        };
        return Boolean(env.rule('redo', facts as unknown as Record<string, unknown>));
      },
      /** Fewer attempts in this phase than `revisitAttempts`. */
      attemptAllowed: ({ context }) => attemptsIn(context, phaseOf(context)).length < evaluation().revisitAttempts,
      /** This failed attempt is the last allowed one and nobody was reached in this phase. */
      exhaustsAttempts: ({ context, event }) => {
        assertEvent(event, 'evaluation.revisit.attempt');
        if (event.input.reached) return false;
        const inPhase = attemptsIn(context, phaseOf(context));
        return !inPhase.some((a) => a.reached) && inPhase.length + 1 >= evaluation().revisitAttempts;
      },
      /** At least one attempt in this phase failed and none reached the requester. */
      attemptFailed: ({ context }) => {
        const inPhase = attemptsIn(context, phaseOf(context));
        return inPhase.length > 0 && !inPhase.some((a) => a.reached);
      },
      isAssessor: ({ event }) => event.actor.roles.includes(ASSESSOR_ROLE),
      /** The actor belongs to the rated unit and the rating has not been appealed before (one appeal per evaluation). */
      canAppeal: ({ context, event }) => event.actor.units.includes(context.unit) && context.appeal === undefined,
      appealUpheld: ({ event }) => {
        assertEvent(event, 'evaluation.appeal.decide');
        return event.input.upheld === true;
      },
      hasCorrection: ({ event }) => {
        assertEvent(event, 'evaluation.appeal.decide');
        return event.input.correctedRating !== undefined;
      },
      correctionValid: ({ event }) => {
        assertEvent(event, 'evaluation.appeal.decide');
        return inScale(event.input.correctedRating);
      },
      /** No exclusion request is pending or approved. */
      canRequestExclusion: ({ context }) => context.exclusion === undefined || context.exclusion.status === 'rejected',
      exclusionNeedsApproval: () => evaluation().exclusionsNeedApproval,
      exclusionPending: ({ context }) => context.exclusion?.status === 'pending',
      approved: ({ event }) => {
        assertEvent(event, ['evaluation.exclusion.approve', 'evaluation.notice.approve']);
        return event.input.approved === true;
      },
      /** The counted rating is unsatisfied and no notice was proposed yet. */
      noticeEligible: ({ context }) => isUnsatisfied(context.countedRating) && context.notice === undefined,
      noticeNeedsApproval: () => evaluation().publicNoticeNeedsApproval,
    },
    actions: {
      /** Carried out by the runtime in the same transaction (see `Effect`). Never executed by `transition`. */
      effect: (_, _params: Effect) => {},

      recordAttempt: assign(({ context, event }) => {
        assertEvent(event, 'evaluation.revisit.attempt');
        const attempt: RevisitAttempt = {
          at: event.at,
          by: event.actor.id,
          channel: event.input.channel,
          reached: event.input.reached,
          phase: phaseOf(context),
          ...(event.input.note ? { note: event.input.note } : {}),
        };
        return { attempts: [...context.attempts, attempt], validRevisit: context.validRevisit || event.input.reached };
      }),

      /** A rating that stands (first without redo, or the final one after it). */
      recordRating: assign(({ context, event }) => {
        assertEvent(event, 'evaluation.rate');
        const record = ratingRecord(context, event);
        const stamp = record.phase === 'first' ? { firstRatedAt: event.at } : { finalRatedAt: event.at };
        return {
          ...ratingFields([...context.ratings, record]),
          validRevisit: true,
          times: { ...context.times, ...stamp, completedAt: event.at },
        };
      }),

      /** The first rating, which sends the case back for redo. */
      recordRedo: assign(({ context, event }) => {
        assertEvent(event, 'evaluation.rate');
        return {
          ...ratingFields([...context.ratings, ratingRecord(context, event)]),
          validRevisit: true,
          redo: true,
          times: { ...context.times, firstRatedAt: event.at, redoAt: event.at },
        };
      }),

      /** After a redo the requester could not be reached again: the first rating stands. */
      keepFirstRating: assign({ times: ({ context, event }) => ({ ...context.times, completedAt: event.at }) }),

      markUnreachable: assign({
        times: ({ context, event }) => ({ ...context.times, unreachableAt: event.at, completedAt: event.at }),
      }),

      recordAppeal: assign(({ context, event }) => {
        assertEvent(event, 'evaluation.appeal');
        return {
          appeal: { reason: event.input.reason, at: event.at, by: event.actor.id },
          times: { ...context.times, appealedAt: event.at },
        };
      }),

      decideAppeal: assign(({ context, event }) => {
        assertEvent(event, 'evaluation.appeal.decide');
        const { upheld, note, correctedRating, correctedSolved } = event.input;
        const corrected = upheld && correctedRating !== undefined;
        return {
          appeal: {
            ...context.appeal!,
            decision: {
              upheld,
              note,
              at: event.at,
              by: event.actor.id,
              ...(corrected ? { correctedRating } : {}),
              ...(corrected && correctedSolved !== undefined ? { correctedSolved } : {}),
            },
          },
          ...(corrected ? { countedRating: correctedRating, solved: correctedSolved ?? context.solved ?? false } : {}),
          times: { ...context.times, appealDecidedAt: event.at },
        };
      }),

      exclude: assign({
        excluded: true,
        times: ({ context, event }) => ({
          ...context.times,
          excludedAt: event.at,
          completedAt: context.times.completedAt ?? event.at,
        }),
      }),

      requestExclusion: assign(({ event }, params: { status: ApprovalRecord['status'] }) => {
        assertEvent(event, 'evaluation.exclusion.request');
        return { exclusion: { reason: event.input.reason, at: event.at, by: event.actor.id, status: params.status } };
      }),

      decideExclusion: assign(({ context, event }) => {
        assertEvent(event, 'evaluation.exclusion.approve');
        return {
          exclusion: {
            ...context.exclusion!,
            status: event.input.approved ? ('approved' as const) : ('rejected' as const),
            decidedAt: event.at,
            decidedBy: event.actor.id,
            ...(event.input.note ? { note: event.input.note } : {}),
          },
        };
      }),

      proposeNotice: assign(({ event }, params: { status: ApprovalRecord['status'] }) => {
        assertEvent(event, 'evaluation.notice.propose');
        return { notice: { reason: event.input.reason, at: event.at, by: event.actor.id, status: params.status } };
      }),

      decideNotice: assign(({ context, event }) => {
        assertEvent(event, 'evaluation.notice.approve');
        return {
          notice: {
            ...context.notice!,
            status: event.input.approved ? ('published' as const) : ('rejected' as const),
            decidedAt: event.at,
            decidedBy: event.actor.id,
            ...(event.input.note ? { note: event.input.note } : {}),
          },
        };
      }),
    },
  }).createMachine({
    id: 'appealEvaluation',
    context: ({ input }) => {
      const createdAt = input.submittedAt ?? input.at;
      return {
        deadlines: [],
        ...(input.caseId === undefined ? {} : { caseId: input.caseId }),
        subjectCaseId: input.subjectCaseId,
        subjectProcess: input.subjectProcess,
        ...(input.subjectTitle === undefined ? {} : { subjectTitle: input.subjectTitle }),
        evaluatorKind: input.evaluatorKind,
        evaluatorId: input.evaluatorId,
        unit: input.unit,
        ...(input.reporterId === undefined ? {} : { reporterId: input.reporterId }),
        ...(input.evaluatorUnit === undefined ? {} : { evaluatorUnit: input.evaluatorUnit }),
        subjectUnits: [...(input.subjectUnits ?? [])],
        attempts: [],
        ratings: [],
        validRevisit: false,
        redo: false,
        excluded: false,
        times: createdAt === undefined ? {} : { createdAt },
      };
    },
    initial: 'awaitingRating',
    on: {
      // An exclusion (out of scope, unreasonable request) may be asked for in any open state.
      'evaluation.exclusion.request': [
        {
          guard: and(['canRequestExclusion', 'exclusionNeedsApproval']),
          actions: { type: 'requestExclusion', params: { status: 'pending' } },
        },
        {
          guard: 'canRequestExclusion',
          target: '.excluded',
          actions: [{ type: 'requestExclusion', params: { status: 'approved' } }, 'exclude'],
        },
      ],
      'evaluation.exclusion.approve': [
        {
          guard: and(['isAssessor', 'exclusionPending', 'approved']),
          target: '.excluded',
          actions: ['decideExclusion', 'exclude'],
        },
        { guard: and(['isAssessor', 'exclusionPending']), actions: 'decideExclusion' },
      ],
    },
    states: {
      awaitingRating: {
        on: {
          'evaluation.rate': [
            {
              guard: and(['canRate', 'ratingValid', 'redoRequired']),
              target: 'redoPending',
              actions: [
                'recordRedo',
                {
                  type: 'effect',
                  params: ({ context, event }) => {
                    assertEvent(event, 'evaluation.rate');
                    return {
                      kind: 'command' as const,
                      caseId: context.subjectCaseId,
                      type: 'case.reopen',
                      input: {
                        reason: event.input.reason ?? event.input.rating,
                        ...(context.caseId === undefined ? {} : { evaluationCaseId: context.caseId }),
                      },
                    };
                  },
                },
              ],
            },
            { guard: and(['canRate', 'ratingValid']), target: 'rated', actions: 'recordRating' },
          ],
          'evaluation.revisit.attempt': [
            {
              guard: and(['attemptAllowed', 'exhaustsAttempts']),
              target: 'unreachable',
              actions: ['recordAttempt', 'markUnreachable'],
            },
            { guard: 'attemptAllowed', actions: 'recordAttempt' },
          ],
          'evaluation.revisit.unreachable': {
            guard: 'attemptFailed',
            target: 'unreachable',
            actions: 'markUnreachable',
          },
        },
      },
      redoPending: {
        on: {
          'evaluation.rate': { guard: and(['canRate', 'ratingValid']), target: 'rated', actions: 'recordRating' },
          'evaluation.revisit.attempt': [
            {
              guard: and(['attemptAllowed', 'exhaustsAttempts']),
              target: 'rated',
              actions: ['recordAttempt', 'keepFirstRating'],
            },
            { guard: 'attemptAllowed', actions: 'recordAttempt' },
          ],
          'evaluation.revisit.unreachable': { guard: 'attemptFailed', target: 'rated', actions: 'keepFirstRating' },
        },
      },
      rated: {
        initial: 'standing',
        states: {
          standing: {
            on: {
              'evaluation.appeal': { guard: 'canAppeal', target: 'appealed', actions: 'recordAppeal' },
              'evaluation.notice.propose': [
                {
                  guard: and(['noticeEligible', 'noticeNeedsApproval']),
                  target: 'noticeProposed',
                  actions: { type: 'proposeNotice', params: { status: 'pending' } },
                },
                { guard: 'noticeEligible', actions: { type: 'proposeNotice', params: { status: 'published' } } },
              ],
            },
          },
          appealed: {
            on: {
              'evaluation.appeal.decide': [
                {
                  guard: and(['isAssessor', 'appealUpheld', not('hasCorrection')]),
                  target: '#appealEvaluation.excluded',
                  actions: ['decideAppeal', 'exclude'],
                },
                {
                  guard: and(['isAssessor', 'appealUpheld', 'correctionValid']),
                  target: 'standing',
                  actions: 'decideAppeal',
                },
                { guard: and(['isAssessor', not('appealUpheld')]), target: 'standing', actions: 'decideAppeal' },
              ],
            },
          },
          noticeProposed: {
            on: { 'evaluation.notice.approve': { guard: 'isAssessor', target: 'standing', actions: 'decideNotice' } },
          },
        },
      },
      unreachable: { type: 'final' },
      excluded: { type: 'final' },
    },
  });
}

/** The machine type, for typed snapshots in tests and tools. */
export type AppealEvaluationMachine = ReturnType<typeof createAppealEvaluationMachine>;
