import type { FastifyInstance } from 'fastify';
import type { HttpEnv } from '../env.js';
import { registerCommandRoutes, registerSubmitRoute, type CommandRoute } from './commandRoutes.js';
import { evaluationInboxRoute } from './evaluationInbox.js';

const TAG = 'evaluations';

/** Evaluations (谁呼谁评、谁应谁评，下评上、一事一评): ratings, revisits, appeals, exclusions, public notices. */
const routes: readonly CommandRoute[] = [
  {
    url: '/api/v1/evaluations/:id/rating',
    command: 'evaluation.rate',
    summary: 'Rate the response (评价)',
    description:
      'Satisfied / basically satisfied / unsatisfied, and solved or not. An unsatisfied rating for a controllable reason sends the case back for redo.',
  },
  {
    url: '/api/v1/evaluations/:id/revisits',
    command: 'evaluation.revisit.attempt',
    summary: 'Record a revisit attempt (回访)',
    description: 'By phone, SMS or app; reached or not.',
  },
  {
    url: '/api/v1/evaluations/:id/unreachable',
    command: 'evaluation.revisit.unreachable',
    summary: 'Record the requester as unreachable (联系不上)',
  },
  {
    url: '/api/v1/evaluations/:id/appeal',
    command: 'evaluation.appeal',
    summary: 'Appeal a rating (申诉)',
    description: 'By the rated unit, once.',
  },
  {
    url: '/api/v1/evaluations/:id/appeal/decision',
    command: 'evaluation.appeal.decide',
    summary: 'Decide an appeal (裁定)',
    description: 'By an assessor.',
  },
  {
    url: '/api/v1/evaluations/:id/exclusion',
    command: 'evaluation.exclusion.request',
    summary: 'Request exclusion from the rates (申请剔除)',
  },
  {
    url: '/api/v1/evaluations/:id/exclusion/decision',
    command: 'evaluation.exclusion.approve',
    summary: 'Approve or reject an exclusion (审批剔除)',
  },
  {
    url: '/api/v1/evaluations/:id/notice',
    command: 'evaluation.notice.propose',
    summary: 'Propose a public notice (提出通报)',
  },
  {
    url: '/api/v1/evaluations/:id/notice/decision',
    command: 'evaluation.notice.approve',
    summary: 'Approve or reject a public notice (审批通报)',
    description: 'By an assessor.',
  },
];

/** The evaluation routes: submit an evaluation, then its commands as resources. */
export function evaluationRoutes(app: FastifyInstance, env: HttpEnv): void {
  registerSubmitRoute(app, env, {
    url: '/api/v1/evaluations',
    process: 'appealEvaluation',
    tag: TAG,
    summary: 'Start an evaluation of a response (一事一评)',
    description:
      'Submits an appealEvaluation case; the caller needs `evaluation.rate` in scope. Closing a case opens its ' +
      'evaluations by itself (the requester’s, one per summoned department): find them at `GET /evaluations/pending`.',
  });
  evaluationInboxRoute(app, env);
  registerCommandRoutes(app, env, { kind: 'evaluation', process: 'appealEvaluation', tag: TAG, routes });
}
