import { describe, expect, it } from 'vitest';
import type { Problem } from '@gridflow/core';
import './problem-list.js';
import type { GfProblemSelectEvent } from './gf-problem-select-event.js';

const problems: Problem[] = [
  {
    code: 'routing.no_default_row',
    severity: 'error',
    message: { zh: '路由表缺少默认行', en: 'The routing table has no default row' },
    path: '/routing/rows',
  },
  {
    code: 'calendar.makeup_on_workday',
    severity: 'warning',
    message: { zh: '调休日本来就是工作日', en: 'Make-up day is already a working day' },
    path: '/calendar/makeUpWorkdays/0',
  },
];

async function mount(lang: 'zh' | 'en', list: Problem[]) {
  const el = document.createElement('gf-problem-list');
  el.locale = lang;
  el.problems = list;
  document.body.append(el);
  await el.updateComplete;
  return el;
}

describe('gf-problem-list', () => {
  it('counts errors and warnings and shows messages in Chinese by default', async () => {
    const el = await mount('zh', problems);
    const root = el.shadowRoot!;
    expect(root.querySelector('[part="summary"]')!.textContent).toContain('1 个错误，1 个警告');
    const items = root.querySelectorAll('li');
    expect(items).toHaveLength(2);
    expect(items[0]!.textContent).toContain('路由表缺少默认行');
    expect(items[1]!.className).toBe('warning');
    el.remove();
  });

  it('speaks English and says when there is nothing to fix', async () => {
    const el = await mount('en', []);
    expect(el.shadowRoot!.textContent).toContain('No problems found');
    el.problems = problems;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('li')!.textContent).toContain('The routing table has no default row');
    el.remove();
  });

  it('tells the host which problem was picked', async () => {
    const el = await mount('zh', problems);
    const picked = new Promise<GfProblemSelectEvent>((resolve) =>
      document.body.addEventListener('gf-problem-select', resolve, { once: true }),
    );
    el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button[part="path"]')[1]!.click();
    expect((await picked).problem.path).toBe('/calendar/makeUpWorkdays/0');
    el.remove();
  });
});
