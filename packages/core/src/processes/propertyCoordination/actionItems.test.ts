import { describe, expect, it } from 'vitest';
import type { Effect } from '../contract/types.js';
import { propertyCoordinationProcess } from './process.js';
import { HOUR, DAY, withCoordination, start, toImplementation, toNoConsensus } from './machine.fixtures.js';

describe('propertyCoordination: implementation and action items', () => {
  it('validates new items (actionItemValid): unique id, due date in the future; default due in actionItemDays working days', () => {
    const d = start();
    toImplementation(d);
    const now = d.now;
    expect(d.send('matter.action.add', { id: 'a1', party: 'property_company', title: '划线' }).changed).toBe(true);
    expect(d.context.actionItems[0]!.dueAt).toBe(d.env.calendar.addDuration(now, 'P15D', 'working'));
    expect(d.pending('action:a1')?.dueAt).toBe(d.context.actionItems[0]!.dueAt);
    expect(d.send('matter.action.add', { id: 'a1', party: 'owners_committee', title: '重复' }).changed).toBe(false);
    expect(
      d.send('matter.action.add', { id: 'a2', party: 'owners_committee', title: '过去', dueAt: now - 1 }).changed,
    ).toBe(false);
    expect(d.send('matter.action.add', { id: 'a2', party: '', title: '无主' }).changed).toBe(false);
  });

  it('completes open items only (actionItemOpen) and publicises only when all are done (allActionsDone)', () => {
    const d = start();
    toImplementation(d);
    expect(d.send('matter.publicise').changed).toBe(false); // no items yet
    d.send('matter.action.add', { id: 'a1', party: 'property_company', title: '划线' });
    d.send('matter.action.add', { id: 'a2', party: 'owners_committee', title: '公示名单' });
    expect(d.send('matter.action.done', { id: 'nope' }).changed).toBe(false);
    expect(d.send('matter.action.done', {}).changed).toBe(false); // two open: must say which
    d.send('matter.action.done', { id: 'a1' });
    expect(d.send('matter.action.done', { id: 'a1' }).changed).toBe(false);
    expect(d.pending('action:a1')).toBeUndefined();
    expect(d.send('matter.publicise').changed).toBe(false);
    d.send('matter.action.done', {});
    expect(d.send('matter.publicise').changed).toBe(true);
    expect(d.state).toBe('publicised');
  });

  it('marks a missed item overdue with an escalation record, after which staff may escalate to the street', () => {
    const d = start();
    toImplementation(d);
    d.send('matter.action.add', { id: 'a1', party: 'property_company', title: '划线', dueAt: d.now + 2 * DAY });
    expect(d.send('matter.escalate.street').changed).toBe(false); // hasOverdueActions: false
    const dueAt = d.context.actionItems[0]!.dueAt;
    const [step] = d.fireDue(dueAt + HOUR);
    expect(step?.changed).toBe(true);
    expect(d.state).toBe('implementation');
    expect(d.context.actionItems[0]!.overdueAt).toBe(dueAt);
    expect(d.context.overdue).toEqual([
      { at: dueAt, itemId: 'a1', party: 'property_company', escalatedToStreet: false },
    ]);
    expect(propertyCoordinationProcess.summarize(d.context, d.value).tags).toContain('overdue');

    const r = d.send('matter.escalate.street', { reason: '物业逾期未划线' });
    expect(d.state).toBe('escalated');
    expect(d.context.escalation).toMatchObject({ to: 'street', cause: 'action_overdue' });
    expect(r.effects).toHaveLength(1);
    expect(r.effects[0]).toMatchObject({ kind: 'submit', process: 'gridEscalation', linkEvent: 'matter.linked' });
  });

  it('moves to the street at once when the policy says overdue items escalate', () => {
    const d = start({ policy: withCoordination({ overdueActionsEscalate: true }) });
    toImplementation(d);
    d.send('matter.action.add', { id: 'a1', party: 'property_company', title: '划线', dueAt: d.now + 2 * DAY });
    const [step] = d.fireDue(d.now + 3 * DAY);
    expect(d.state).toBe('escalated');
    expect(d.context.overdue[0]?.escalatedToStreet).toBe(true);
    expect(d.context.escalation).toMatchObject({ to: 'street', cause: 'action_overdue' });
    expect(step?.effects).toEqual([
      expect.objectContaining({ kind: 'submit', process: 'gridEscalation', linkEvent: 'matter.linked' }),
    ]);
    expect((step?.effects[0] as Extract<Effect, { kind: 'submit' }>).input.description).toContain('划线');
  });

  it('ignores a late deadline of an item already done (actionItemDue false)', () => {
    const d = start();
    toImplementation(d);
    d.send('matter.action.add', { id: 'a1', party: 'property_company', title: '划线', dueAt: d.now + 2 * DAY });
    d.send('matter.action.done', { id: 'a1' });
    d.send('deadline.due', { deadlineId: 'action:a1', kind: 'action_item' });
    expect(d.state).toBe('implementation');
    expect(d.context.actionItems[0]!.overdueAt).toBeUndefined();
    expect(d.context.overdue).toEqual([]);
  });

  it('sends a failed verification back to implementation for corrective items (verificationPassed)', () => {
    const d = start();
    toImplementation(d);
    d.send('matter.action.add', { id: 'a1', party: 'property_company', title: '划线' });
    d.send('matter.action.done', { id: 'a1' });
    d.send('matter.publicise');
    d.send('matter.verify', { passed: false, note: '线划错了' });
    expect(d.state).toBe('implementation');
    expect(d.send('matter.publicise').changed).toBe(true); // all (one) items still done
    d.send('matter.verify', { passed: true });
    expect(d.state).toBe('closed');
    expect(d.context.verifications.map((v) => v.passed)).toEqual([false, true]);
  });

  it('a passed owners’ vote goes straight to implementation', () => {
    const d = start();
    toNoConsensus(d);
    d.send('matter.escalate.vote');
    d.send('matter.vote.record', {
      totalArea: 300,
      totalOwners: 3,
      participatingArea: 300,
      participatingOwners: 3,
      yesArea: 300,
      yesOwners: 3,
    });
    expect(d.state).toBe('implementation');
    expect(d.context.times.implementationAt).toBeDefined();
  });
});
