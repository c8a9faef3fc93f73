import type { Problem } from '@gridflow/core';

/** Fired when the user picks a problem, so a host can move the cursor to its JSON path. */
export class GfProblemSelectEvent extends Event {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super('gf-problem-select', { bubbles: true, composed: true });
    this.problem = problem;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'gf-problem-select': GfProblemSelectEvent;
  }
}
