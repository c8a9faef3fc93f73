import { describe, expect, it } from 'vitest';
import { GridflowError } from '../errors.js';
import type { Problem } from '../problems.js';
import { createDefaultPolicy, defaultPolicy } from './defaultPolicy.js';
import { POLICY_PROBLEM_CODES } from './problemCodes.js';
import type { Policy } from './types.js';
import { assertValidPolicy, validatePolicy } from './validatePolicy.js';

/** Validates the default policy after an edit. */
const check = (change: (p: Policy) => void): Problem[] => {
  const p = createDefaultPolicy();
  change(p);
  return validatePolicy(p).problems;
};

const v = (path: string) => ({ var: path });
const emitted = new Set<string>();

/** Asserts that exactly one problem with this code sits at this path, bilingual, of the catalogued severity. */
function expectProblem(problems: Problem[], code: string, path: string): Problem {
  const found = problems.filter((p) => p.code === code && p.path === path);
  expect(found, `${code} at ${path} in ${JSON.stringify(problems.map((p) => `${p.code} ${p.path}`))}`).toHaveLength(1);
  const problem = found[0]!;
  expect(problem.message.zh).toMatch(/[\u4e00-\u9fff]/);
  expect(problem.message.en).toMatch(/[A-Za-z]{3}/);
  const def = POLICY_PROBLEM_CODES.find((d) => d.code === code);
  if (def) expect(problem.severity).toBe(def.severity);
  emitted.add(code);
  return problem;
}

const rowIndex = (p: Policy, id: string): number => p.routing.rows.findIndex((r) => r.id === id);
const cellIndex = (p: Policy, id: string): number => p.timeLimits.handling.findIndex((c) => c.id === id);
const P = createDefaultPolicy();

describe('the default policy', () => {
  it('validates with no errors and no warnings', () => {
    const result = validatePolicy(createDefaultPolicy());
    expect(result.problems).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.policy?.id).toBe('default');
  });

  it('is frozen as a const, fresh as a factory', () => {
    expect(Object.isFrozen(defaultPolicy.routing.rows[0])).toBe(true);
    expect(createDefaultPolicy()).toEqual(defaultPolicy);
    expect(createDefaultPolicy().categories[0]!.attributes[0]).not.toBe(
      createDefaultPolicy().categories[0]!.attributes[0],
    );
    expect(validatePolicy(defaultPolicy).problems).toEqual([]);
  });

  it('has all roles of domain.md, 6+ departments, ~10 categories, 6+ routing rows and a default', () => {
    expect(P.organisation.roles.map((r) => r.code)).toEqual([
      'resident',
      'grid_worker',
      'community_staff',
      'community_secretary',
      'street_dispatcher',
      'street_leader',
      'department_liaison',
      'property_company',
      'owners_committee',
      'assessor',
      'policy_editor',
      'policy_approver',
      'external_platform',
    ]);
    expect(P.organisation.departments.length).toBeGreaterThanOrEqual(6);
    expect(P.categories.length).toBeGreaterThanOrEqual(10);
    expect(P.routing.rows.length).toBeGreaterThanOrEqual(7);
    expect(P.routing.rows.at(-1)).toMatchObject({ id: 'r-default', when: true });
    expect(P.evaluation.indicators.reduce((s, i) => s + i.weight, 0)).toBeCloseTo(1, 9);
  });
});

describe('schema first', () => {
  it('stops at schema problems and returns no policy', () => {
    const result = validatePolicy({ ...createDefaultPolicy(), version: 'one' });
    expect(result.valid).toBe(false);
    expect(result.policy).toBeUndefined();
    expect(result.problems.map((p) => p.code)).toEqual(['schema.type']);
  });

  it('can skip the semantic checks', () => {
    const p = createDefaultPolicy();
    p.timeLimits.warningAt = 3;
    expect(validatePolicy(p, { semantic: false }).valid).toBe(true);
    expect(validatePolicy(p).valid).toBe(false);
  });
});

describe('identity', () => {
  it('duplicate.code', () => {
    expectProblem(
      check((p) => (p.categories[1]!.code = p.categories[0]!.code)),
      'duplicate.code',
      '/categories/1/code',
    );
    expectProblem(
      check((p) => (p.categories[0]!.attributes[1]!.code = 'location')),
      'duplicate.code',
      '/categories/0/attributes/1/code',
    );
  });

  it('duplicate.id', () => {
    expectProblem(
      check((p) => (p.routing.rows[2]!.id = 'r-emergency')),
      'duplicate.id',
      '/routing/rows/2/id',
    );
    expectProblem(
      check((p) => (p.rules.whistle.id = 'rule-escalate')),
      'duplicate.id',
      '/rules/whistle/id',
    );
  });

  it('duplicate.rule_key: a custom rule named like a built-in one, which env.rule would never read', () => {
    const custom = { id: 'r-my-escalate', name: { zh: '我的上报', en: 'My escalation' }, logic: true };
    const problems = check((p) => (p.rules.custom = { escalate: custom, limits: custom, myEscalate: custom }));
    expectProblem(problems, 'duplicate.rule_key', '/rules/custom/escalate');
    expectProblem(problems, 'duplicate.rule_key', '/rules/custom/limits');
    expect(problems.filter((x) => x.code === 'duplicate.rule_key')).toHaveLength(2);
    expect(validatePolicy(createDefaultPolicy()).valid).toBe(true);
  });

  it('duplicate.value', () => {
    expectProblem(
      check((p) => p.privacy.unmaskedRoles.push('grid_worker')),
      'duplicate.value',
      '/privacy/unmaskedRoles/5',
    );
  });
});

describe('references', () => {
  it('reference.unknown_level', () => {
    const problems = check((p) => (p.organisation.levels = p.organisation.levels.filter((l) => l.code !== 'district')));
    expectProblem(problems, 'reference.unknown_level', '/organisation/escalationPath/3');
    expectProblem(problems, 'reference.unknown_level', `/routing/rows/${rowIndex(P, 'r-unclear')}/then/level`);
    expectProblem(
      problems,
      'reference.unknown_level',
      `/timeLimits/handling/${cellIndex(P, 'c-district-general')}/level`,
    );
  });

  it('reference.unknown_department', () => {
    expectProblem(
      check((p) => (p.routing.rows[3]!.then.department = 'firefighting')),
      'reference.unknown_department',
      '/routing/rows/3/then/department',
    );
  });

  it('reference.unknown_urgency', () => {
    const problems = check((p) => {
      p.categories[2]!.defaultUrgency = 'urgent';
      p.timeLimits.total[1]!.urgency = 'urgent';
    });
    expectProblem(problems, 'reference.unknown_urgency', '/categories/2/defaultUrgency');
    expectProblem(problems, 'reference.unknown_urgency', '/timeLimits/total/1/urgency');
    expect(problems.find((x) => x.path === '/categories/2/defaultUrgency')?.message.zh).toContain('可选：“emergency”');
  });

  it('reference.unknown_role', () => {
    const problems = check((p) => {
      p.permissions[0]!.role = 'mayor';
      p.privacy.unmaskedRoles[1] = 'mayor';
    });
    expectProblem(problems, 'reference.unknown_role', '/permissions/0/role');
    expectProblem(problems, 'reference.unknown_role', '/privacy/unmaskedRoles/1');
  });

  it('reference.unknown_category (a rule compares the category with an unknown code)', () => {
    const problems = check((p) => (p.routing.rows[1]!.when = { '==': [v('case.category'), 'graffiti'] }));
    expectProblem(problems, 'reference.unknown_category', '/routing/rows/1/when/==/1');
    const inList = check(
      (p) => (p.routing.rows[4]!.when = { in: [v('case.category'), ['market_order', 'fod_safety']] }),
    );
    expectProblem(inList, 'reference.unknown_category', '/routing/rows/4/when/in/1/1');
  });

  it('reference.unknown_matter_type', () => {
    expectProblem(
      check((p) => p.coordination.ownersVote.majorMatters.push('elevators')),
      'reference.unknown_matter_type',
      '/coordination/ownersVote/majorMatters/3',
    );
  });

  it('reference.unknown_rating', () => {
    const problems = check((p) => {
      p.evaluation.unsatisfied = ['very_unsatisfied'];
      p.rules.redo.logic = {
        and: [{ in: [v('evaluation.rating'), ['very_unsatisfied']] }, v('evaluation.controllable')],
      };
    });
    expectProblem(problems, 'reference.unknown_rating', '/evaluation/unsatisfied/0');
    expectProblem(problems, 'reference.unknown_rating', '/rules/redo/logic/and/0/in/1/0');
  });

  it('reference.unknown_party', () => {
    expectProblem(
      check((p) => (p.coordination.requiredParties[2] = 'mediator')),
      'reference.unknown_party',
      '/coordination/requiredParties/2',
    );
  });

  it('reference.unknown_party in a permission row acting for other parties', () => {
    const i = P.permissions.findIndex((row) => row.command.startsWith('matter.'));
    expectProblem(
      check((p) => (p.permissions[i]!.actFor = ['owners_committee', 'department:mediation'])),
      'reference.unknown_party',
      `/permissions/${i}/actFor/1`,
    );
    expectProblem(
      check((p) => (p.permissions[i]!.actFor = ['housing'])),
      'reference.unknown_party',
      `/permissions/${i}/actFor/0`,
    );
    expect(
      check((p) => (p.permissions[i]!.actFor = ['owners_committee', 'department:housing', '*'])).map((x) => x.code),
    ).not.toContain('reference.unknown_party');
  });

  it('reference.unknown_value (other enumerated facts)', () => {
    const i = rowIndex(P, 'r-complex-hotline');
    const problems = check(
      (p) =>
        (p.routing.rows[i]!.when = {
          and: [{ '==': [v('case.urgency'), 'complex'] }, { in: [v('case.source'), ['hotline', 'fax']] }],
        }),
    );
    expectProblem(problems, 'reference.unknown_value', `/routing/rows/${i}/when/and/1/in/1/1`);
  });

  it('routing.department_missing', () => {
    expectProblem(
      check((p) => delete p.routing.rows[1]!.then.department),
      'routing.department_missing',
      '/routing/rows/1/then/department',
    );
  });
});

describe('organisation and categories', () => {
  it('organisation.escalation_path_duplicate', () => {
    expectProblem(
      check((p) => p.organisation.escalationPath.push('street')),
      'organisation.escalation_path_duplicate',
      '/organisation/escalationPath/4',
    );
  });

  it('organisation.escalation_path_order', () => {
    expectProblem(
      check((p) => (p.organisation.escalationPath = ['grid', 'street', 'community', 'district'])),
      'organisation.escalation_path_order',
      '/organisation/escalationPath/2',
    );
  });

  it('category.attribute_type_conflict', () => {
    const road = P.categories.findIndex((c) => c.code === 'road_damage');
    expectProblem(
      check(
        (p) =>
          (p.categories[road]!.attributes[1] = {
            code: 'area_m2',
            name: { zh: '面积', en: 'area' },
            type: 'text',
            required: false,
          }),
      ),
      'category.attribute_type_conflict',
      `/categories/${road}/attributes/1/type`,
    );
  });

  it('category.attribute_limits_inverted', () => {
    expectProblem(
      check((p) => (p.categories[0]!.attributes[2]!.maximum = -1)),
      'category.attribute_limits_inverted',
      '/categories/0/attributes/2/maximum',
    );
    expectProblem(
      check((p) => (p.categories[0]!.attributes[0]!.minLength = 500)),
      'category.attribute_limits_inverted',
      '/categories/0/attributes/0/maxLength',
    );
  });

  it('category.attribute_limit_ignored', () => {
    expectProblem(
      check((p) => (p.categories[0]!.attributes[0]!.minimum = 3)),
      'category.attribute_limit_ignored',
      '/categories/0/attributes/0/minimum',
    );
  });

  it('category.choice_without_options', () => {
    expectProblem(
      check((p) => (p.categories[0]!.attributes[1]!.options = [])),
      'category.choice_without_options',
      '/categories/0/attributes/1/options',
    );
  });

  it('category.invalid_date', () => {
    expectProblem(
      check((p) => (p.categories[0]!.attributes[3]!.earliest = '2026-02-30')),
      'category.invalid_date',
      '/categories/0/attributes/3/earliest',
    );
  });
});

describe('rules (delegated to the rule linter with the right facts and base path)', () => {
  it('a rule reading a fact that does not exist', () => {
    const problems = check(
      (p) =>
        (p.rules.escalate.logic = {
          and: [{ '>': [v('case.elapsedHour'), v('case.limitHours')] }, { '!': [v('case.resolved')] }],
        }),
    );
    expectProblem(problems, 'rule.unknown_fact', '/rules/escalate/logic/and/0/>/0');
  });

  it('rule raterAllowed is linted with its own facts, and may be left out', () => {
    const problems = check(
      (p) => (p.rules.raterAllowed!.logic = { '!': { in: [v('evaluation.rating'), ['satisfied']] } }),
    );
    expectProblem(problems, 'rule.unknown_fact', '/rules/raterAllowed/logic/!/in/0');
    expect(
      check((p) => (p.rules.raterAllowed!.logic = { '!': { in: [v('evaluation.evaluatorUnit'), v('actor.units')] } })),
    ).toEqual([]);
    expect(check((p) => delete p.rules.raterAllowed)).toEqual([]);
  });

  it('a routing row reading a fact only known later (not at intake)', () => {
    const problems = check((p) => (p.routing.rows[0]!.when = { '>': [v('case.elapsedHours'), 2] }));
    expectProblem(problems, 'rule.unknown_fact', '/routing/rows/0/when/>/0');
  });

  it('a rule comparing a fact with a value of the wrong type', () => {
    const problems = check((p) => (p.rules.publicNotice.logic = { '>': [v('case.overdueWorkingDays'), '5'] }));
    expectProblem(problems, 'rule.type_mismatch', '/rules/publicNotice/logic/>/1');
  });

  it('a non-portable rule', () => {
    const problems = check(
      (p) => (p.rules.verifierAllowed.logic = { not: [{ '==': [v('actor.id'), v('case.handlerId')] }] }),
    );
    expect(problems.some((x) => x.path.startsWith('/rules/verifierAllowed/logic') && x.severity === 'error')).toBe(
      true,
    );
  });

  it('an indicator formula reading an unknown count', () => {
    const problems = check((p) => (p.evaluation.indicators[0]!.formula = { '/': [v('contacted'), v('dispatched')] }));
    expectProblem(problems, 'rule.unknown_fact', '/evaluation/indicators/0/formula/~1/0');
  });

  it('an unknown enumerated value is reported once, with the reference code', () => {
    const problems = check((p) => (p.routing.rows[1]!.when = { '==': [v('case.category'), 'graffiti'] }));
    expect(problems.filter((x) => x.path === '/routing/rows/1/when/==/1').map((x) => x.code)).toEqual([
      'reference.unknown_category',
    ]);
  });
});

describe('routing table', () => {
  const noise = { id: 'r-noise', when: { '==': [v('case.category'), 'noise'] }, then: { level: 'community' as const } };
  const sanitation = {
    id: 'r-sanitation',
    when: { '==': [v('case.category'), 'sanitation'] },
    then: { level: 'grid' as const },
  };

  it('routing.no_default_row', () => {
    expectProblem(
      check((p) => p.routing.rows.pop()),
      'routing.no_default_row',
      `/routing/rows/${P.routing.rows.length - 2}/when`,
    );
  });

  it('routing.row_after_default', () => {
    const problems = check((p) => {
      const last = p.routing.rows.pop()!;
      p.routing.rows.splice(8, 0, last);
    });
    expectProblem(problems, 'routing.row_after_default', `/routing/rows/${P.routing.rows.length - 2}`);
    expectProblem(problems, 'routing.row_after_default', `/routing/rows/${P.routing.rows.length - 1}`);
    expect(problems.some((x) => x.code === 'routing.no_default_row')).toBe(false);
  });

  it('routing.row_unreachable: rows 1 and 2 together cover row 3', () => {
    const last = P.routing.rows.length - 1;
    const problems = check((p) => {
      p.routing.rows.splice(last, 0, noise, sanitation, {
        id: 'r-both',
        when: { in: [v('case.category'), ['noise', 'sanitation']] },
        then: { level: 'street' },
      });
    });
    const problem = expectProblem(problems, 'routing.row_unreachable', `/routing/rows/${last + 2}/when`);
    expect(problem.message.zh).toContain(`第 ${last + 1}、${last + 2} 行（r-noise、r-sanitation）`);
    expect(problem.message.en).toContain(`rows ${last + 1}, ${last + 2} (r-noise, r-sanitation)`);
  });

  it('routing.row_unreachable: numeric ranges with a category', () => {
    const at = rowIndex(P, 'r-road-large') + 1;
    const road = { '==': [v('case.category'), 'road_damage'] };
    const problems = check((p) => {
      p.routing.rows.splice(
        at,
        0,
        {
          id: 'r-road-small',
          when: { and: [road, { '<': [v('case.attributes.area_m2'), 50] }] },
          then: { level: 'community' },
        },
        { id: 'r-road-all', when: road, then: { level: 'street' } },
      );
    });
    const problem = expectProblem(problems, 'routing.row_unreachable', `/routing/rows/${at + 1}/when`);
    expect(problem.message.en).toContain('r-road-large, r-road-small');
  });

  it('routing.row_unreachable: a row that contradicts itself', () => {
    const problems = check((p) =>
      p.routing.rows.splice(0, 0, {
        id: 'r-never',
        when: { and: [{ '==': [v('case.urgency'), 'general'] }, { '==': [v('case.urgency'), 'complex'] }] },
        then: { level: 'grid' },
      }),
    );
    expectProblem(problems, 'routing.row_unreachable', '/routing/rows/0/when');
  });

  it('does not report rows it cannot prove unreachable', () => {
    const last = P.routing.rows.length - 1;
    const problems = check((p) => {
      p.routing.rows.splice(last, 0, noise, {
        id: 'r-noise-night',
        when: { and: [{ '==': [v('case.category'), 'noise'] }, { some: [[1], true] }] },
        then: { level: 'street' },
      });
      p.routing.rows.splice(0, 0, { id: 'r-odd', when: { some: [[1], true] }, then: { level: 'street' } });
    });
    expect(problems.filter((x) => x.code === 'routing.row_unreachable').map((x) => x.path)).toEqual([
      `/routing/rows/${last + 2}/when`,
    ]);
  });
});

describe('time limits and calendar', () => {
  it('limits.cell_missing', () => {
    const problem = expectProblem(
      check((p) => p.timeLimits.handling.splice(cellIndex(P, 'c-street-emergency'), 1)),
      'limits.cell_missing',
      '/timeLimits/handling',
    );
    expect(problem.message.zh).toContain('街道（street） × 紧急（emergency）');
    expect(problem.message.en).toContain('r-emergency');
  });

  it('limits.cell_missing only for reachable cells', () => {
    // Emergencies start at the street: no emergency case ever reaches the grid or the community.
    const problems = check((p) => {
      p.timeLimits.handling = p.timeLimits.handling.filter(
        (c) => !(c.urgency === 'emergency' && (c.level === 'grid' || c.level === 'community')),
      );
    });
    expect(problems).toEqual([]);
    const escalated = check((p) => p.timeLimits.handling.splice(cellIndex(P, 'c-district-complex'), 1));
    expect(expectProblem(escalated, 'limits.cell_missing', '/timeLimits/handling').message.en).toContain(
      'No handling limit for District (district) × Complex (complex)',
    );
  });

  it('limits.duplicate_cell', () => {
    expectProblem(
      check((p) => p.timeLimits.handling.push({ ...p.timeLimits.handling[0]!, id: 'c-extra' })),
      'limits.duplicate_cell',
      `/timeLimits/handling/${P.timeLimits.handling.length}`,
    );
  });

  it('limits.total_missing and limits.duplicate_total', () => {
    expectProblem(
      check((p) => p.timeLimits.total.pop()),
      'limits.total_missing',
      '/timeLimits/total',
    );
    expectProblem(
      check((p) => p.timeLimits.total.push({ ...p.timeLimits.total[0]!, id: 't-again' })),
      'limits.duplicate_total',
      '/timeLimits/total/4/urgency',
    );
  });

  it('limits.duplicate_filing: one filing limit per urgency × source', () => {
    const n = P.timeLimits.filing!.length;
    expectProblem(
      check((p) => p.timeLimits.filing!.push({ ...p.timeLimits.filing![0]!, id: 'f-again' })),
      'limits.duplicate_filing',
      `/timeLimits/filing/${n}`,
    );
    // The same urgency for one channel is no duplicate: it wins over the urgency's own limit.
    const sourced = check((p) =>
      p.timeLimits.filing!.push({ ...p.timeLimits.filing![0]!, id: 'f-hotline', source: 'hotline' }),
    );
    expect(sourced).toEqual([]);
  });

  it('limits.higher_level_shorter', () => {
    const i = cellIndex(P, 'c-street-general');
    const problem = expectProblem(
      check((p) => (p.timeLimits.handling[i]!.duration = 'P1D')),
      'limits.higher_level_shorter',
      `/timeLimits/handling/${i}/duration`,
    );
    expect(problem.message.zh).toContain('1 个工作日');
    expect(
      check((p) => {
        p.timeLimits.higherLevelsNotShorter = false;
        p.timeLimits.handling[i]!.duration = 'P3D';
      }),
    ).toEqual([]);
  });

  it('limits.higher_level_shorter across countings', () => {
    const i = cellIndex(P, 'c-community-general');
    // 30 calendar hours are shorter than the grid's 2 working days (about 67 calendar hours).
    expectProblem(
      check((p) => Object.assign(p.timeLimits.handling[i]!, { duration: 'PT30H', counting: 'calendar' })),
      'limits.higher_level_shorter',
      `/timeLimits/handling/${i}/duration`,
    );
  });

  it('limits.total_shorter_than_handling', () => {
    expectProblem(
      check((p) => (p.timeLimits.total[0]!.duration = 'PT1H')),
      'limits.total_shorter_than_handling',
      '/timeLimits/total/0/duration',
    );
  });

  it('limits.warning_at_range', () => {
    expectProblem(
      check((p) => (p.timeLimits.warningAt = 1)),
      'limits.warning_at_range',
      '/timeLimits/warningAt',
    );
    expectProblem(
      check((p) => (p.timeLimits.warningAt = 0)),
      'limits.warning_at_range',
      '/timeLimits/warningAt',
    );
  });

  it('limits.working_years_months', () => {
    const i = cellIndex(P, 'c-district-complex');
    expectProblem(
      check((p) => (p.timeLimits.handling[i]!.duration = 'P1M')),
      'limits.working_years_months',
      `/timeLimits/handling/${i}/duration`,
    );
  });

  it('limits.duration_zero and limits.duration_invalid', () => {
    expectProblem(
      check((p) => (p.timeLimits.contact.duration = 'PT0H')),
      'limits.duration_zero',
      '/timeLimits/contact/duration',
    );
    expectProblem(
      check((p) => (p.timeLimits.whistleCheckIn.duration = 'PT1.5H30M')),
      'limits.duration_invalid',
      '/timeLimits/whistleCheckIn/duration',
    );
  });

  it('limits.signing_exceeds_handling', () => {
    expectProblem(
      check((p) => (p.timeLimits.signing.duration = 'PT3H')),
      'limits.signing_exceeds_handling',
      '/timeLimits/signing/duration',
    );
  });

  it('calendar problems come from validateCalendar with the right paths', () => {
    const problems = check((p) => {
      p.calendar.makeUpWorkdays.push({ date: '2026-10-01' });
      p.calendar.timeZone = 'Asia/Beijing';
      p.calendar.workingHours.push({ start: '11:00', end: '14:00' });
    });
    expectProblem(
      problems,
      'calendar.holiday_and_makeup',
      `/calendar/makeUpWorkdays/${P.calendar.makeUpWorkdays.length}/date`,
    );
    expectProblem(problems, 'calendar.unknown_time_zone', '/calendar/timeZone');
    expectProblem(problems, 'calendar.hours_overlap', '/calendar/workingHours/2');
  });
});

describe('evaluation and coordination', () => {
  it('evaluation.scale_order', () => {
    expectProblem(
      check((p) => (p.evaluation.scale[1]!.score = 120)),
      'evaluation.scale_order',
      '/evaluation/scale/1/score',
    );
  });

  it('evaluation.no_unsatisfied and evaluation.all_unsatisfied', () => {
    expectProblem(
      check((p) => (p.evaluation.unsatisfied = [])),
      'evaluation.no_unsatisfied',
      '/evaluation/unsatisfied',
    );
    expectProblem(
      check((p) => (p.evaluation.unsatisfied = ['satisfied', 'basically_satisfied', 'unsatisfied'])),
      'evaluation.all_unsatisfied',
      '/evaluation/unsatisfied',
    );
  });

  it('evaluation.weight_range', () => {
    expectProblem(
      check((p) => (p.evaluation.basicallySatisfiedWeight = 1.5)),
      'evaluation.weight_range',
      '/evaluation/basicallySatisfiedWeight',
    );
    expectProblem(
      check((p) => (p.evaluation.indicators[2]!.weight = -0.25)),
      'evaluation.weight_range',
      '/evaluation/indicators/2/weight',
    );
  });

  it('evaluation.weights_sum', () => {
    const problem = expectProblem(
      check((p) => (p.evaluation.indicators[0]!.weight = 0.3)),
      'evaluation.weights_sum',
      '/evaluation/indicators',
    );
    expect(problem.message.zh).toContain('1.15');
  });

  it('coordination.quorum_exceeds_parties', () => {
    expectProblem(
      check((p) => (p.coordination.quorum = 4)),
      'coordination.quorum_exceeds_parties',
      '/coordination/quorum',
    );
  });

  it('coordination.threshold_range', () => {
    expectProblem(
      check((p) => (p.coordination.ownersVote.participationByArea = 0)),
      'coordination.threshold_range',
      '/coordination/ownersVote/participationByArea',
    );
    expectProblem(
      check((p) => (p.coordination.ownersVote.majorByHeadcount = 75)),
      'coordination.threshold_range',
      '/coordination/ownersVote/majorByHeadcount',
    );
  });

  it('coordination.major_below_ordinary', () => {
    expectProblem(
      check((p) => (p.coordination.ownersVote.majorByArea = 0.4)),
      'coordination.major_below_ordinary',
      '/coordination/ownersVote/majorByArea',
    );
  });
});

describe('permissions and privacy', () => {
  it('permissions.unknown_command', () => {
    const problems = check((p) => {
      p.permissions[0]!.command = 'case.fly';
      p.permissions[1]!.command = 'meeting.*';
    });
    expectProblem(problems, 'permissions.unknown_command', '/permissions/0/command');
    expect(expectProblem(problems, 'permissions.unknown_command', '/permissions/1/command').message.en).toContain(
      'pattern',
    );
  });

  it('permissions.duplicate_row', () => {
    expectProblem(
      check((p) => p.permissions.push({ ...p.permissions[0]!, id: 'p-again', scope: 'grid' })),
      'permissions.duplicate_row',
      `/permissions/${P.permissions.length}`,
    );
  });

  it('permissions.levels_ignored, and rows limited to other levels are no duplicates', () => {
    const problems = check((p) => {
      const publish = p.permissions.find((r) => r.command === 'policy.publish')!;
      publish.levels = ['grid'];
      const sign = p.permissions.find((r) => r.role === 'grid_worker' && r.command === 'case.sign')!;
      p.permissions.push({ ...sign, id: 'p-grid-sign-community', levels: ['community'] });
    });
    const publishAt = P.permissions.findIndex((r) => r.command === 'policy.publish');
    expectProblem(problems, 'permissions.levels_ignored', `/permissions/${publishAt}/levels`);
    expect(problems.filter((p) => p.code === 'permissions.duplicate_row')).toEqual([]);
  });

  it('permissions.command_unassigned', () => {
    const problem = expectProblem(
      check((p) => (p.permissions = p.permissions.filter((r) => r.command !== 'policy.publish'))),
      'permissions.command_unassigned',
      '/permissions',
    );
    expect(problem.message.zh).toContain('发布政策');
  });

  it('privacy.contact_without_unmasked', () => {
    const first = P.permissions.findIndex((r) => r.role === 'department_liaison');
    expectProblem(
      check((p) => (p.privacy.unmaskedRoles = p.privacy.unmaskedRoles.filter((r) => r !== 'department_liaison'))),
      'privacy.contact_without_unmasked',
      `/permissions/${first + 1}/role`,
    );
  });
});

describe('assertValidPolicy', () => {
  it('returns a valid policy', () => {
    expect(assertValidPolicy(createDefaultPolicy()).id).toBe('default');
  });

  it('throws policy.invalid with the problems in details', () => {
    const p = createDefaultPolicy();
    p.timeLimits.warningAt = 2;
    p.coordination.quorum = 9;
    try {
      assertValidPolicy(p);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GridflowError);
      const err = e as GridflowError;
      expect(err.code).toBe('policy.invalid');
      expect(err.path).toBe('/timeLimits/warningAt');
      expect((err.details as { problems: Problem[] }).problems.map((x) => x.code)).toEqual([
        'limits.warning_at_range',
        'coordination.quorum_exceeds_parties',
      ]);
      expect(err.messages.zh).toContain('2 个错误');
    }
  });
});

describe('problem code catalogue', () => {
  it('lists every code the tests saw, and the tests saw every catalogued semantic code', () => {
    const catalogued = new Set(POLICY_PROBLEM_CODES.map((d) => d.code));
    for (const code of emitted)
      if (!code.startsWith('calendar.') && !code.startsWith('rule.')) expect(catalogued.has(code), code).toBe(true);
    const semantic = POLICY_PROBLEM_CODES.map((d) => d.code).filter(
      (c) => !c.startsWith('schema.') && c !== 'policy.check_failed',
    );
    expect(semantic.filter((c) => !emitted.has(c))).toEqual([]);
  });
});

describe('three-party coordination rules and actFor', () => {
  it('lints a coordination rule against the coordination facts', () => {
    const problems = check((p) => {
      p.coordination.rules = {
        ...p.coordination.rules,
        quorum: { id: 'cr-quorum', name: { zh: '到会', en: 'quorum' }, logic: { '>=': [v('meeting.nobody'), 2] } },
      };
    });
    expectProblem(problems, 'rule.unknown_fact', '/coordination/rules/quorum/logic/>=/0');
  });

  it('takes a permission row acting for named parties or any, and refuses a malformed party', () => {
    const row = { id: 'p-x', role: 'owners_committee', command: 'matter.resolution.sign', scope: 'compound' } as const;
    expect(check((p) => p.permissions.push({ ...row, actFor: ['property_company', 'department:housing'] }))).toEqual(
      [],
    );
    expect(check((p) => p.permissions.push({ ...row, actFor: ['*'] }))).toEqual([]);
    expect(
      check((p) => p.permissions.push({ ...row, actFor: ['Property Company'] })).map((x) => [x.code, x.path]),
    ).toContainEqual(['schema.pattern', `/permissions/${createDefaultPolicy().permissions.length}/actFor/0`]);
  });
});
