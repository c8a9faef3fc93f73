import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from './defaultPolicy.js';
import { diffPolicies, type PolicyChange } from './diffPolicies.js';
import type { Policy } from './types.js';

const edited = (change: (p: Policy) => void): PolicyChange[] => {
  const after = createDefaultPolicy();
  change(after);
  return diffPolicies(createDefaultPolicy(), after);
};

const brief = (changes: PolicyChange[]) =>
  changes.map(({ kind, section, id, path, field, before, after }) => ({
    kind,
    section,
    id,
    path,
    field,
    before,
    after,
  }));

describe('diffPolicies', () => {
  it('finds nothing between equal policies, whatever the key order', () => {
    const a = createDefaultPolicy();
    const b = createDefaultPolicy();
    b.timeLimits = { ...b.timeLimits, warningAt: b.timeLimits.warningAt };
    b.routing.rows[0] = Object.fromEntries(
      Object.entries(b.routing.rows[0]!).reverse(),
    ) as unknown as Policy['routing']['rows'][number];
    expect(diffPolicies(a, b)).toEqual([]);
  });

  it('reports a changed time-limit cell by its id, with before and after', () => {
    const changes = edited((p) => {
      const cell = p.timeLimits.handling.find((c) => c.id === 'c-grid-general')!;
      cell.duration = 'P1D';
    });
    expect(brief(changes)).toEqual([
      {
        kind: 'changed',
        section: 'timeLimits.handling',
        id: 'c-grid-general',
        path: '/timeLimits/handling/10/duration',
        field: 'duration',
        before: 'P2D',
        after: 'P1D',
      },
    ]);
    expect(changes[0]?.summary).toEqual({
      zh: '时限单元“c-grid-general”的时长由 P2D 改为 P1D',
      en: 'Changed the duration of time-limit cell "c-grid-general" from P2D to P1D',
    });
  });

  it('reports an added and a removed routing row', () => {
    const added = edited((p) => {
      p.routing.rows.splice(1, 0, {
        id: 'r-noise',
        when: { '==': [{ var: 'case.category' }, 'noise'] },
        then: { level: 'community' },
      });
    });
    expect(brief(added)).toEqual([
      {
        kind: 'added',
        section: 'routing.rows',
        id: 'r-noise',
        path: '/routing/rows/1',
        field: undefined,
        before: undefined,
        after: expect.objectContaining({ id: 'r-noise' }),
      },
    ]);
    const removed = edited((p) => {
      p.routing.rows.splice(3, 1);
    });
    expect(brief(removed)).toEqual([
      {
        kind: 'removed',
        section: 'routing.rows',
        id: 'r-fire',
        path: '/routing/rows/3',
        field: undefined,
        before: expect.objectContaining({ id: 'r-fire' }),
        after: undefined,
      },
    ]);
    expect(removed[0]?.summary.zh).toBe('删除路由行“r-fire”');
  });

  it('reports a moved routing row as moved, not as every row changing', () => {
    const changes = edited((p) => {
      const [row] = p.routing.rows.splice(7, 1);
      p.routing.rows.unshift(row!);
    });
    expect(brief(changes)).toEqual([
      {
        kind: 'moved',
        section: 'routing.rows',
        id: 'r-property',
        path: '/routing/rows/0',
        field: undefined,
        before: 7,
        after: 0,
      },
    ]);
    expect(changes[0]?.summary.en).toBe('Moved routing row "r-property" from position 8 to 1');
  });

  it('reports a moved row that was also edited twice: moved and changed', () => {
    const changes = edited((p) => {
      const [row] = p.routing.rows.splice(0, 1);
      row!.then = { level: 'district' };
      p.routing.rows.splice(2, 0, row!);
    });
    expect(changes.map((c) => `${c.kind} ${c.id} ${c.path}`)).toEqual([
      'moved r-emergency /routing/rows/2',
      'changed r-emergency /routing/rows/2/then',
    ]);
  });

  it('reports an edited rule by its key', () => {
    const changes = edited((p) => {
      p.rules.publicNotice.logic = { '>': [{ var: 'case.overdueWorkingDays' }, 3] };
    });
    expect(brief(changes)).toEqual([
      {
        kind: 'changed',
        section: 'rules',
        id: 'publicNotice',
        path: '/rules/publicNotice/logic',
        field: 'logic',
        before: { '>': [{ var: 'case.overdueWorkingDays' }, 5] },
        after: { '>': [{ var: 'case.overdueWorkingDays' }, 3] },
      },
    ]);
  });

  it('reports an added holiday by its date', () => {
    const changes = edited((p) => {
      p.calendar.holidays.push({ date: '2026-12-31', name: { zh: '调整', en: 'Adjustment' } });
    });
    expect(brief(changes)).toEqual([
      {
        kind: 'added',
        section: 'calendar.holidays',
        id: '2026-12-31',
        path: `/calendar/holidays/${createDefaultPolicy().calendar.holidays.length}`,
        field: undefined,
        before: undefined,
        after: { date: '2026-12-31', name: { zh: '调整', en: 'Adjustment' } },
      },
    ]);
  });

  it('reports metadata changes in the meta section', () => {
    const changes = edited((p) => {
      p.version = 2;
      p.status = 'draft';
      p.changeNote = '缩短网格时限';
    });
    expect(changes.map((c) => [c.section, c.id, c.path, c.before, c.after])).toEqual([
      ['meta', 'version', '/version', 1, 2],
      ['meta', 'status', '/status', 'published', 'draft'],
      ['meta', 'changeNote', '/changeNote', '初始版本 / Initial version', '缩短网格时限'],
    ]);
  });

  it('keys attributes by category and code, categories by code', () => {
    const changes = edited((p) => {
      const cat = p.categories.find((c) => c.code === 'road_damage')!;
      cat.attributes[1]!.maximum = 500;
      cat.allowAnonymous = false;
      p.categories.push({
        code: 'graffiti',
        name: { zh: '乱涂乱画', en: 'Graffiti' },
        defaultUrgency: 'general',
        allowAnonymous: true,
        attributes: [],
      });
    });
    expect(changes.map((c) => [c.kind, c.section, c.id, c.field])).toEqual([
      ['changed', 'categories', 'road_damage', 'allowAnonymous'],
      ['changed', 'categories.attributes', 'road_damage/area_m2', 'maximum'],
      ['added', 'categories', 'graffiti', undefined],
    ]);
  });

  it('reports set-like lists value by value and settings by field', () => {
    const changes = edited((p) => {
      p.privacy.unmaskedRoles = p.privacy.unmaskedRoles.filter((r) => r !== 'department_liaison').concat('assessor');
      p.coordination.ownersVote.majorByArea = 0.8;
      p.timeLimits.signing.duration = 'PT2H';
      p.rules.limits.maxExtensions = 3;
      p.permissions.pop();
    });
    expect(changes.map((c) => [c.kind, c.section, c.id, c.path])).toEqual([
      ['changed', 'timeLimits', 'signing', '/timeLimits/signing/duration'],
      ['changed', 'rules.limits', 'maxExtensions', '/rules/limits/maxExtensions'],
      ['changed', 'coordination.ownersVote', 'ownersVote', '/coordination/ownersVote/majorByArea'],
      [
        'removed',
        'permissions',
        'p-external_platform-evaluation.rate',
        `/permissions/${createDefaultPolicy().permissions.length - 1}`,
      ],
      ['removed', 'privacy.unmaskedRoles', 'department_liaison', '/privacy/unmaskedRoles/4'],
      ['added', 'privacy.unmaskedRoles', 'assessor', '/privacy/unmaskedRoles/4'],
    ]);
  });

  it('every summary reads in Chinese and English', () => {
    const changes = edited((p) => {
      p.timeLimits.warningAt = 0.75;
      p.evaluation.indicators[0]!.weight = 0.2;
      p.urgencies.push({ code: 'festival', name: { zh: '节日保障', en: 'Festival' } });
    });
    expect(changes).toHaveLength(3);
    for (const c of changes) {
      expect(c.summary.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(c.summary.en).toMatch(/^(Added|Removed|Changed|Moved) /);
    }
  });
});

describe('diffPolicies properties', () => {
  it('diff(p, p) is empty', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), (seed) => {
        const p = createDefaultPolicy();
        p.version = seed + 1;
        return diffPolicies(p, structuredClone(p)).length === 0;
      }),
      { numRuns: 20 },
    );
  });

  it('a random single-cell edit is reported as exactly that cell', () => {
    const cells = createDefaultPolicy().timeLimits.handling.length;
    const durations = fc.oneof(
      fc.integer({ min: 1, max: 72 }).map((h) => `PT${h}H`),
      fc.integer({ min: 1, max: 30 }).map((d) => `P${d}D`),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: cells - 1 }),
        durations,
        fc.constantFrom('working', 'calendar' as const),
        (index, duration, counting) => {
          const before = createDefaultPolicy();
          const after = createDefaultPolicy();
          const cell = after.timeLimits.handling[index]!;
          const original = { ...cell };
          cell.duration = duration;
          cell.counting = counting as 'working' | 'calendar';
          const changes = diffPolicies(before, after);
          const expected = (original.duration !== duration ? 1 : 0) + (original.counting !== counting ? 1 : 0);
          expect(changes).toHaveLength(expected);
          for (const change of changes) {
            expect(change).toMatchObject({ kind: 'changed', section: 'timeLimits.handling', id: original.id });
            expect(change.path.startsWith(`/timeLimits/handling/${index}/`)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('diffPolicies: three-party coordination rules and actFor', () => {
  it('reports a changed coordination rule by its key, and a permission row’s actFor', () => {
    const changes = edited((p) => {
      p.coordination.rules = {
        ...p.coordination.rules,
        quorum: { ...p.coordination.rules!.quorum!, logic: { '>=': [{ var: 'meeting.requiredPresent' }, 2] } },
      };
      p.permissions[0] = { ...p.permissions[0]!, actFor: ['*'] };
    });
    expect(brief(changes).map(({ kind, section, id, path }) => ({ kind, section, id, path }))).toEqual([
      { kind: 'changed', section: 'coordination.rules', id: 'quorum', path: '/coordination/rules/quorum/logic' },
      {
        kind: 'changed',
        section: 'permissions',
        id: createDefaultPolicy().permissions[0]!.id,
        path: '/permissions/0/actFor',
      },
    ]);
    expect(changes[0]!.summary.zh).toContain('三方协商规则');
  });
});
