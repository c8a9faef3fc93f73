/**
 * The one way a process machine narrows the event its guard or action receives: XState's `assertEvent`.
 *
 * A named guard or action is written for the events of the transitions that reference it. `assertEvent(event,
 * 'case.sign')` (or a list of types) narrows `event` to those types with no cast and no `!`, and if the machine ever
 * wires the guard or action under another event it throws at once, naming the types it expected — rather than a
 * look-up helper that answers `undefined`, where a guard quietly says `false` and an action fails later on
 * `undefined.input`. It is XState's own API, so a developer composing a process with `setup()` writes the same.
 *
 * @example
 * canSign: ({ context, event }) => {
 *   assertEvent(event, 'matter.resolution.sign');
 *   return context.resolution?.signatures[event.input.party] === undefined;
 * },
 */
export { assertEvent } from 'xstate';
