/**
 * The commands of people's mediation, each written once: its name, the JSON Schema of its input (which forms
 * render and the runtime checks) and whether only the runtime sends it. The definition's `commands` list
 * (`mediationCommands.list`) and the machine's events (`MediationEvent` in types.ts, the input of each inferred
 * from its schema) both follow from this.
 */
import { defineCommands, t } from '@gridflow/core';

const text = { type: 'string', minLength: 1, maxLength: 2000 } as const;

export const mediationCommands = defineCommands({
  'mediation.investigated': {
    name: t('摸排完成', 'Investigation done'),
    schema: { type: 'object', required: ['note'], properties: { note: text }, additionalProperties: false },
  },
  'mediation.session': {
    name: t('记录调解', 'Record a session'),
    schema: { type: 'object', required: ['note'], properties: { note: text }, additionalProperties: false },
  },
  'mediation.sign': {
    name: t('当事人签字', 'A party signs'),
    schema: { type: 'object', required: ['party'], properties: { party: text }, additionalProperties: false },
  },
  'mediation.fail': {
    name: t('调解不成', 'Mediation failed'),
    schema: { type: 'object', required: ['reason'], properties: { reason: text }, additionalProperties: false },
  },
  'mediation.close': {
    name: t('结案', 'Close'),
    schema: { type: 'object', additionalProperties: false },
  },
  'mediation.revisit': {
    name: t('回访', 'Revisit'),
    schema: {
      type: 'object',
      required: ['satisfied'],
      properties: { satisfied: { type: 'boolean' } },
      additionalProperties: false,
    },
    // A field the shared labels (FIELD_LABELS) do not name gets its own label for forms.
    labels: { satisfied: t('当事人满意', 'Parties satisfied') },
  },
  // Sent by the runtime when a deadline of the case is due; never offered to users.
  'deadline.due': { name: t('时限到期', 'Deadline due'), schema: { type: 'object' }, internal: true },
});
