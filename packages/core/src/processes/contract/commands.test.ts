import { describe, expect, expectTypeOf, it } from 'vitest';
import { t } from '../../i18n.js';
import { defineCommands, type CommandEvents, type CommandInputs, type FromSchema } from './commands.js';
import type { CaseEvent } from './types.js';

describe('defineCommands: a command declared once', () => {
  const commands = defineCommands(
    {
      'case.sign': {
        name: t('签收', 'sign'),
        schema: {
          type: 'object',
          required: ['party'],
          properties: { party: { type: 'string' }, note: { type: 'string' } },
        },
        labels: { party: t('一方', 'party') },
      },
      'case.vote': {
        schema: {
          type: 'object',
          additionalProperties: { enum: ['yes', 'no'] },
        },
      },
      'deadline.due': { name: t('到期', 'due'), schema: { type: 'object' }, internal: true },
    },
    { name: (type) => (type === 'case.vote' ? t('表决', 'vote') : undefined) },
  );

  it('lists the commands in declaration order as CommandDefs, names from the option where none is given', () => {
    expect(commands.list).toEqual([
      {
        type: 'case.sign',
        name: { zh: '签收', en: 'sign' },
        inputSchema: commands.specs['case.sign'].schema,
        labels: { party: { zh: '一方', en: 'party' } },
      },
      {
        type: 'case.vote',
        name: { zh: '表决', en: 'vote' },
        inputSchema: { type: 'object', additionalProperties: { enum: ['yes', 'no'] } },
      },
      { type: 'deadline.due', name: { zh: '到期', en: 'due' }, inputSchema: { type: 'object' }, internal: true },
    ]);
    expect(Object.keys(commands.list[2]!)).toEqual(['type', 'name', 'inputSchema', 'internal']);
  });

  it('refuses a command without a name', () => {
    expect(() => defineCommands({ 'case.x': { schema: { type: 'object' } } })).toThrow(
      'The command case.x has no name',
    );
  });

  it('infers each input from its schema, and the machine events from the inputs (checked by tsc)', () => {
    expectTypeOf<CommandInputs<typeof commands>['case.sign']>().toEqualTypeOf<{ party: string; note?: string }>();
    expectTypeOf<CommandInputs<typeof commands>['case.vote']>().toEqualTypeOf<Record<string, 'yes' | 'no'>>();
    expectTypeOf<CommandEvents<typeof commands>>().toEqualTypeOf<
      | CaseEvent<'case.sign', { party: string; note?: string }>
      | CaseEvent<'case.vote', Record<string, 'yes' | 'no'>>
      | CaseEvent<'deadline.due', Record<string, unknown>>
    >();
    expectTypeOf<FromSchema<{ type: ['string', 'number'] }>>().toEqualTypeOf<string | number>();
    expectTypeOf<FromSchema<{ type: 'array'; items: { type: 'integer' } }>>().toEqualTypeOf<number[]>();
    expectTypeOf<FromSchema<{ type: 'object'; additionalProperties: false }>>().toEqualTypeOf<Record<string, never>>();
  });
});
