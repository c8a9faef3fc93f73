import { describe, expect, it } from 'vitest';
import type { Effect } from '../contract/types.js';
import { propertyCoordinationProcess } from './process.js';
import { baseInput, start, toNoConsensus } from './machine.fixtures.js';

describe('propertyCoordination: escalation', () => {
  it('escalates to the street as a grid-escalation case and records the link the runtime sends back', () => {
    const d = start();
    toNoConsensus(d);
    const r = d.send('matter.escalate.street', { reason: '三方协商未果' });
    expect(d.state).toBe('escalated');
    expect(r.effects).toEqual<Effect[]>([
      {
        kind: 'submit',
        process: 'gridEscalation',
        linkEvent: 'matter.linked',
        input: {
          category: 'property_dispute',
          title: baseInput.title,
          description: `${baseInput.description}\n\n三方协商未果`,
          source: 'platform',
          anonymous: false,
          reporter: { id: 'r-01' },
          units: { grid: 'g-01', community: 'c-01', street: 's-01', compound: 'x-01' },
          attributes: { compound: 'x-01', dispute_type: 'parking', description: baseInput.description },
        },
      },
    ]);
    expect(d.context.escalation).toMatchObject({ to: 'street', cause: 'no_consensus', reason: '三方协商未果' });
    expect(propertyCoordinationProcess.summarize(d.context, d.value)).toMatchObject({ level: 'street', open: true });

    expect(
      d.send('matter.linked', { caseId: '' }, { actor: { id: 'system', roles: ['system'], units: [] } }).changed,
    ).toBe(false);
    expect(d.send('matter.linked', { caseId: 'g-case-9' }).changed).toBe(true);
    expect(d.context.escalation?.linkedCaseId).toBe('g-case-9');
    expect(d.send('matter.linked', { caseId: 'g-case-10' }).changed).toBe(false);

    d.send('matter.close', { note: '街道已办结' });
    expect(d.state).toBe('closed');
    expect(d.context.outcome).toBe('escalated');
  });

  it('takes the category, urgency and attributes the escalation command gives', () => {
    const d = start();
    toNoConsensus(d);
    const r = d.send('matter.escalate.street', {
      category: 'noise',
      urgency: 'complex',
      attributes: { noise_source: 'construction' },
    });
    expect(r.effects[0]).toMatchObject({
      input: { category: 'noise', urgency: 'complex', attributes: { noise_source: 'construction' } },
    });
  });

  it('refers to people’s mediation, which closes as mediated', () => {
    const d = start();
    toNoConsensus(d);
    d.send('matter.escalate.mediation', { reason: '请调委会介入' });
    expect(d.state).toBe('mediation');
    expect(d.context.escalation).toMatchObject({ to: 'mediation', reason: '请调委会介入' });
    d.send('matter.close');
    expect(d.context.outcome).toBe('mediated');
    expect(d.done).toBe(true);
  });
});
