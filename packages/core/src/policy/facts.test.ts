import { describe, expect, it } from 'vitest';
import { COMMANDS, COMMAND_DEFS, commandMatches, expandCommandPattern, isKnownCommand } from './commands.js';
import { createDefaultPolicy } from './defaultPolicy.js';
import { caseFacts, indicatorFacts, isOptionalFact, routingFacts, ruleFactsFor } from './facts.js';
import { RULE_KEYS } from './types.js';

const policy = createDefaultPolicy();

describe('fact dictionaries', () => {
  it('case facts carry the policy’s enumerations and read well', () => {
    const facts = caseFacts(policy);
    expect(facts['case.category']?.values?.map((v) => v.value)).toEqual(policy.categories.map((c) => c.code));
    expect(facts['case.urgency']?.values?.map((v) => v.value)).toEqual([
      'emergency',
      'utilities',
      'general',
      'complex',
    ]);
    expect(facts['case.level']?.values?.map((v) => v.value)).toContain('street');
    expect(facts['case.source']?.values?.map((v) => v.value)).toEqual([
      'patrol',
      'walk_in',
      'hotline',
      'platform',
      'app',
    ]);
    expect(facts['evaluation.rating']?.values?.map((v) => v.value)).toEqual([
      'satisfied',
      'basically_satisfied',
      'unsatisfied',
    ]);
    expect(facts['case.elapsedHours']).toEqual({
      type: 'number',
      unit: 'hours',
      label: { zh: '处理已用时', en: 'time spent handling' },
    });
    expect(facts['case.limitHours']?.label).toEqual({ zh: '时限', en: 'the time limit' });
    expect(facts['case.resolved']).toEqual({ type: 'boolean', label: { zh: '已办结', en: 'resolved' } });
    expect(facts['case.overdueWorkingDays']?.unit).toBe('working_days');
    expect(facts['actor.roles']?.type).toBe('string[]');
    for (const key of [
      'case.anonymous',
      'case.extensions',
      'case.returns',
      'case.escalations',
      'case.whistleDepartments',
      'case.handlerId',
      'case.beforeDeadline',
      'actor.id',
      'limits.maxExtensions',
      'limits.maxReturns',
      'limits.maxWhistleDepartments',
      'evaluation.solved',
      'evaluation.reason',
      'evaluation.controllable',
      'evaluation.attempts',
      'case.grid',
      'case.community',
      'case.street',
      'case.state',
      'case.department',
      'case.overdueHours',
    ])
      expect(facts[key], key).toBeDefined();
  });

  it('category attributes become typed facts (union over categories)', () => {
    const facts = routingFacts(policy);
    expect(facts['case.attributes.area_m2']?.type).toBe('number');
    expect(facts['case.attributes.started_on']?.type).toBe('date');
    expect(facts['case.attributes.location']?.type).toBe('string');
    expect(facts['case.attributes.utility']?.values?.map((v) => v.value)).toEqual([
      'water',
      'electricity',
      'gas',
      'heating',
    ]);
    expect(isOptionalFact('case.attributes.area_m2')).toBe(true);
    expect(isOptionalFact('case.category')).toBe(false);
  });

  it('routing rows only see what is known at intake', () => {
    const facts = routingFacts(policy);
    expect(facts['case.category']).toBeDefined();
    expect(facts['case.elapsedHours']).toBeUndefined();
    expect(facts['actor.id']).toBeUndefined();
  });

  it('each rule sees its own facts', () => {
    expect(ruleFactsFor('redo', policy)['evaluation.controllable']).toBeDefined();
    expect(ruleFactsFor('escalate', policy)['evaluation.controllable']).toBeUndefined();
    expect(ruleFactsFor('verifierAllowed', policy)['actor.id']).toBeDefined();
    expect(ruleFactsFor('escalate', policy)['actor.id']).toBeUndefined();
    // raterAllowed: the actor with its units, and the evaluation being rated (not the rating being recorded).
    const rater = ruleFactsFor('raterAllowed', policy);
    for (const path of [
      'actor.id',
      'actor.roles',
      'actor.units',
      'evaluation.unit',
      'evaluation.evaluatorKind',
      'evaluation.evaluatorId',
      'evaluation.evaluatorUnit',
    ])
      expect(rater[path], path).toBeDefined();
    expect(rater['actor.units']?.type).toBe('string[]');
    expect(rater['evaluation.rating']).toBeUndefined();
    expect(ruleFactsFor('redo', policy)['evaluation.unit']).toBeUndefined();
    for (const key of RULE_KEYS) expect(ruleFactsFor(key, policy)['limits.maxExtensions']).toBeDefined();
  });

  it('indicator facts are counts, each documented', () => {
    const facts = indicatorFacts();
    for (const key of [
      'dispatched',
      'contactedInTime',
      'signedInTime',
      'revisits',
      'solved',
      'satisfied',
      'basicallySatisfied',
      'unsatisfied',
      'closed',
      'due',
      'closedOnTime',
      'returned',
      'redone',
      'whistled',
      'filed',
    ]) {
      expect(facts[key]?.unit, key).toBe('count');
      expect(facts[key]?.label.zh).toMatch(/数$/);
    }
  });
});

describe('commands', () => {
  it('lists every command once, each with a process and words', () => {
    expect(new Set(COMMANDS).size).toBe(COMMANDS.length);
    for (const def of COMMAND_DEFS) {
      expect(def.name.startsWith(def.process + '.')).toBe(true);
      expect(def.label.zh.length).toBeGreaterThan(0);
    }
    for (const name of [
      'case.triage.merge',
      'case.return.overrule',
      'matter.escalate.vote',
      'evaluation.notice.approve',
      'policy.publish',
    ])
      expect(isKnownCommand(name)).toBe(true);
  });

  it('matches exact names, prefixes and *', () => {
    expect(commandMatches('case.*', 'case.extension.approve')).toBe(true);
    expect(commandMatches('case.*', 'matter.close')).toBe(false);
    expect(commandMatches('case.verify.*', 'case.verify')).toBe(false);
    expect(commandMatches('*', 'policy.edit')).toBe(true);
    expect(expandCommandPattern('case.verify.*')).toEqual(['case.verify.pass', 'case.verify.fail']);
    expect(expandCommandPattern('case.fly')).toEqual([]);
  });
});
