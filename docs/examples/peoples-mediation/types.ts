/** The types of the people's mediation process: its context, events and machine input. */
import type { CommandEvents, Deadline } from '@gridflow/core';
import type { mediationCommands } from './commands.js';

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

/** The machine's events (`{ type, at, actor, input }`), the input of each inferred from its schema in commands.ts. */
export type MediationEvent = CommandEvents<typeof mediationCommands>;

export interface MediationInput {
  caseId: string;
  at: number;
  title: string;
  kind: string;
  parties: string[];
  community: string;
}
