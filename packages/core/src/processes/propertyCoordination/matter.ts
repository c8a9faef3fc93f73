import type { ActionItem, Meeting, PropertyCoordinationContext } from './types.js';

/**
 * Queries over a matter's context: its current meeting, its action items, the voters.
 *
 * @module
 */

/** The id of the routine work order's action item. */
export const WORK_ORDER_ITEM_ID = 'work-order';

export const currentMeeting = (ctx: PropertyCoordinationContext): Meeting | undefined =>
  ctx.meetings[ctx.meetings.length - 1];

/** The action items neither done nor cancelled. */
export const openActionItems = (ctx: PropertyCoordinationContext): ActionItem[] =>
  ctx.actionItems.filter((i) => i.doneAt === undefined && i.cancelledAt === undefined);
export const openItems = openActionItems;

export const liveItems = (ctx: PropertyCoordinationContext): ActionItem[] =>
  ctx.actionItems.filter((i) => i.cancelledAt === undefined);

/**
 * The item a `matter.action.done` names, or the only open item when it names none.
 *
 * @example
 * itemToComplete(context, 'a-1')?.party; // 'property_company'
 */
export const itemToComplete = (ctx: PropertyCoordinationContext, id: string | undefined): ActionItem | undefined => {
  const open = openItems(ctx);
  if (id === undefined) return open.length === 1 ? open[0] : undefined;
  return open.find((i) => i.id === id);
};

/** Required parties present at the current meeting: the voters. */
export const votersOf = (ctx: PropertyCoordinationContext, required: readonly string[]): string[] =>
  (currentMeeting(ctx)?.attending ?? []).filter((p) => required.includes(p));

export const unique = (xs: readonly string[]): string[] => [...new Set(xs)];
