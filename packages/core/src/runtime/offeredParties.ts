import type { Policy, PermissionRow } from '../policy/types.js';
import type { Actor, CommandDef, JsonSchema, ProcessDefinition } from '../processes/contract/types.js';
import type { LocalizedText } from '../i18n.js';
import { partiesOf, partyRefused } from './permissions.js';

/** What offering a command to a caller who acts for some parties only changes: its input schema, or its availability. */
export type PartyOffer = { inputSchema: JsonSchema } | { available: false; reason: LocalizedText } | undefined;

/**
 * Narrows a command offered to `actor` to the parties it may act for: the field naming the acting party (a
 * signature's `party`, an action item's `id`) takes only the values the actor may give it as, so what
 * `availableCommands` offers is not then refused with `permission.not_party`. Undefined when nothing changes (the
 * process names no choices, or the actor may give every one); unavailable when it may give none.
 *
 * @example
 * offeredParties(def, actor, rows, signCommand, context, policy);
 * // { inputSchema: { …, properties: { party: { …, enum: ['property_company'] } }, required: ['party'] } }
 */
export function offeredParties(
  def: Pick<ProcessDefinition, 'parties' | 'actingParties' | 'partyChoices'>,
  actor: Actor,
  rows: readonly PermissionRow[],
  command: CommandDef,
  context: unknown,
  policy: Policy,
): PartyOffer {
  const offer = def.partyChoices?.(command.type, context, policy);
  if (!offer || offer.choices.length === 0) return undefined;
  const refused = (input: Record<string, unknown>) =>
    partyRefused(def, actor, rows, { type: command.type, input }, context) !== undefined;
  const allowed = offer.choices.filter((c) => !refused({ [offer.field]: c.value }));
  if (allowed.length === offer.choices.length) return undefined;
  // Acting as another party (the convener recording a presence with a reason) may cover every choice.
  if (offer.othersWith && !refused({ [offer.field]: offer.choices[0]!.value, [offer.othersWith]: '·' })) {
    return undefined;
  }
  if (allowed.length === 0) {
    const named = (code: string, locale: 'zh' | 'en') => def.parties?.[code]?.name[locale] ?? code;
    const own = partiesOf(def, actor).filter((p) => def.parties?.[p] !== undefined || p.startsWith('department:'));
    const choices = [...new Set(offer.choices.map((c) => c.party))];
    return {
      available: false,
      reason: {
        zh: `${command.name.zh}须由${choices.map((p) => named(p, 'zh')).join('、')}自己办理，您代表的是${own.map((p) => named(p, 'zh')).join('、') || '其他方'}`,
        en: `Only ${choices.map((p) => named(p, 'en')).join(', ')} may do this for themselves; you act for ${own.map((p) => named(p, 'en')).join(', ') || 'another party'}`,
      },
    };
  }
  const schema = command.inputSchema;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = (schema.required ?? []) as string[];
  return {
    inputSchema: {
      ...schema,
      properties: { ...properties, [offer.field]: { ...properties[offer.field], enum: allowed.map((c) => c.value) } },
      required: required.includes(offer.field) ? required : [...required, offer.field],
    },
  };
}
