/** The types of the people's mediation process: its context, events and machine input. */
import type { CaseEvent, Deadline } from '@gridflow/core';

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

export type MediationEvent =
  | CaseEvent<'mediation.investigated', { note: string }>
  | CaseEvent<'mediation.session', { note: string }>
  | CaseEvent<'mediation.sign', { party: string }>
  | CaseEvent<'mediation.fail', { reason: string }>
  | CaseEvent<'mediation.close', Record<string, never>>
  | CaseEvent<'mediation.revisit', { satisfied: boolean }>
  | CaseEvent<'deadline.due', { deadlineId: string; kind: string }>;

export interface MediationInput {
  caseId: string;
  at: number;
  title: string;
  kind: string;
  parties: string[];
  community: string;
}
