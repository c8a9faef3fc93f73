import type { AttributeDef } from '../../policy/types.js';
import type { ProcessEnv } from '../contract/types.js';
import type { PropertyCoordinationContext, StreetEscalationInput } from './types.js';

/**
 * A matter escalated to the street becomes a grid-escalation case (Process 1): its submission, built here.
 *
 * @module
 */

/** The grid-escalation category a matter escalates under when nothing else is said (if the policy has it). */
export const DEFAULT_STREET_CATEGORY = 'property_dispute';

/**
 * Attribute values of a street case filled from the matter: `compound` ← the compound id, `description` ← the
 * description, a choice ← the option equal to the matter type or contained in it (`fees` in `property_fees`).
 * Text that does not fit the attribute's length limits is cut to the maximum or left out when too short.
 */
function defaultAttributes(
  defs: readonly AttributeDef[],
  ctx: PropertyCoordinationContext,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const fit = (def: AttributeDef, value: string): void => {
    const text = def.maxLength === undefined ? value : value.slice(0, def.maxLength);
    if (def.minLength === undefined || text.length >= def.minLength) out[def.code] = text;
  };
  for (const def of defs) {
    if (def.code === 'compound') fit(def, ctx.compoundId);
    else if (def.code === 'description') fit(def, ctx.description);
    else if (def.type === 'choice') {
      const options = def.options ?? [];
      const hit =
        options.find((o) => o.value === ctx.matterType) ?? options.find((o) => ctx.matterType.includes(o.value));
      if (hit) out[def.code] = hit.value;
    }
  }
  return out;
}

/** Longest description a grid-escalation submission takes. */
const STREET_DESCRIPTION_MAX = 5000;

/**
 * The submission of the street-level grid case (Process 1) this matter escalates into. The category is the
 * command's, else the matter's, else `property_dispute` when the policy has it, else the matter type; the
 * category's attributes are filled from the matter where they can be (`compound`, `description`, a choice
 * whose option matches the matter type) unless the command gives them.
 */
export const streetCaseInput = (
  env: Pick<ProcessEnv, 'policy'>,
  ctx: PropertyCoordinationContext,
  reason: string | undefined,
  override: StreetEscalationInput,
): Record<string, unknown> => {
  const categories = env.policy.categories;
  const category =
    override.category ??
    ctx.category ??
    (categories.some((c) => c.code === DEFAULT_STREET_CATEGORY) ? DEFAULT_STREET_CATEGORY : ctx.matterType);
  const urgency = override.urgency ?? ctx.urgency;
  const attributes =
    override.attributes ?? defaultAttributes(categories.find((c) => c.code === category)?.attributes ?? [], ctx);
  return {
    category,
    ...(urgency === undefined ? {} : { urgency }),
    title: ctx.title,
    description: (reason ? `${ctx.description}\n\n${reason}` : ctx.description).slice(0, STREET_DESCRIPTION_MAX),
    source: 'platform',
    anonymous: false,
    reporter: ctx.raisedBy === undefined ? {} : { id: ctx.raisedBy },
    units: { grid: ctx.gridId, community: ctx.communityId, street: ctx.streetId, compound: ctx.compoundId },
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    ...(ctx.location === undefined ? {} : { location: ctx.location }),
    // The link back (`escalatedFrom`) is left out while the grid-escalation input schema does not accept it; the
    // runtime creates the case as this one's child and sends `matter.linked` with its id.
  };
};
