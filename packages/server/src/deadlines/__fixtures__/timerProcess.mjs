// A tiny process for the multi-process tests: a case waits for one deadline (`timer`), which moves it to
// `fired`; `timer.touch` records a note in any state. Registered through createGridflowServer's `processes`,
// the way a developer adds a process of their own.
import { assign, setup } from 'xstate';

const text = (zh, en) => ({ zh, en });

/** @type {import('@gridflow/core').ProcessDefinition} */
export const timerProcess = {
  id: 'timer',
  version: 1,
  name: text('定时测试', 'Timer test'),
  inputSchema: {
    type: 'object',
    required: ['dueInMs'],
    additionalProperties: false,
    properties: { dueInMs: { type: 'integer', minimum: 0 }, title: { type: 'string' } },
  },
  commands: [
    { type: 'deadline.due', name: text('到期', 'Due'), inputSchema: { type: 'object' }, internal: true },
    {
      type: 'timer.touch',
      name: text('记录', 'Touch'),
      inputSchema: { type: 'object', additionalProperties: false, properties: { note: { type: 'string' } } },
    },
  ],
  states: { waiting: { name: text('等待', 'Waiting') }, fired: { name: text('已到期', 'Fired') } },
  summarize: (context, value) => ({ units: [], open: value === 'waiting', title: context.title ?? 'timer' }),
  createMachine: () =>
    setup({}).createMachine({
      id: 'timer',
      context: ({ input }) => ({
        deadlines: [{ id: 'timer', kind: 'timer', dueAt: input.at + input.dueInMs }],
        title: input.title ?? 'timer',
        touches: 0,
      }),
      initial: 'waiting',
      on: { 'timer.touch': { actions: assign({ touches: ({ context }) => context.touches + 1 }) } },
      states: {
        waiting: { on: { 'deadline.due': { target: 'fired' } } },
        fired: {},
      },
    }),
};
