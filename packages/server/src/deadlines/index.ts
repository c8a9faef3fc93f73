/** The deadline worker every server process runs: deadlines live in the database; a timer only decides when to look. */
export { startDeadlineWorker, type DeadlineWorker, type DeadlineWorkerOptions, type TickTotals } from './worker.js';
export { claimDueOnly, dueSlots, slotOf, type ClaimOptions, type DueSlot } from './claimDue.js';
