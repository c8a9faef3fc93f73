import { GridflowError } from '../errors.js';
import type { Decision } from '../processes/contract/types.js';
import type { Problem } from '../problems.js';

/** A party named in an error: its code and words for it. */
type NamedParty = { code: string; zh: string; en: string };

/** The errors the runtime throws, each with a stable code and Chinese and English messages. */
export const errors = {
  notFound: (id: string) =>
    new GridflowError('case.not_found', { zh: `找不到案件 ${id}`, en: `Case ${id} not found` }, { path: '/caseId' }),
  conflict: (id: string) =>
    new GridflowError(
      'case.conflict',
      {
        zh: `案件 ${id} 已被他人更新，请刷新后重试`,
        en: `Case ${id} was changed by someone else; reload and try again`,
      },
      { path: '/expectedVersion' },
    ),
  unknownProcess: (id: string) =>
    new GridflowError(
      'process.not_found',
      { zh: `没有注册流程 ${id}`, en: `No process ${id} is registered` },
      { path: '/process' },
    ),
  unknownCommand: (process: string, type: string) =>
    new GridflowError(
      'command.unknown',
      { zh: `流程 ${process} 没有命令 ${type}`, en: `Process ${process} has no command ${type}` },
      { path: '/type' },
    ),
  notNow: (type: string, state: string) =>
    new GridflowError(
      'command.not_allowed_in_state',
      { zh: `案件当前状态（${state}）不能执行 ${type}`, en: `${type} cannot be given in the current state (${state})` },
      { path: '/type', details: { state } },
    ),
  commandRefused: (type: string, decisions: Decision[], because?: { zh: string[]; en: string[] }) =>
    new GridflowError(
      'command.refused',
      because && because.zh.length > 0
        ? {
            zh: `规则不允许执行 ${type}：${because.zh.join('；')}`,
            en: `The policy's rules do not allow ${type} now: ${because.en.join('; ')}`,
          }
        : { zh: `规则不允许执行 ${type}`, en: `The policy's rules do not allow ${type} now` },
      { path: '/type', details: { decisions } },
    ),
  forbidden: (type: string) =>
    new GridflowError(
      'permission.denied',
      { zh: `无权执行 ${type}`, en: `Not allowed to give ${type}` },
      { path: '/type' },
    ),
  notParty: (type: string, party: NamedParty, own: NamedParty[]) =>
    new GridflowError(
      'permission.not_party',
      {
        zh: `不能代表${party.zh}执行 ${type}：您代表的是${own.map((p) => p.zh).join('、') || '其他方'}，每一方只能为自己确认、签字和完成事项`,
        en: `You cannot give ${type} for ${party.en || party.zh}: you act for ${own.map((p) => p.en || p.zh).join(', ') || 'another party'}, and each party confirms, signs and completes its own items`,
      },
      { path: '/input', details: { party: party.code, own: own.map((p) => p.code) } },
    ),
  invalidInput: (problems: Problem[]) =>
    new GridflowError(
      'input.invalid',
      { zh: `输入有误：${problems[0]?.message.zh ?? ''}`, en: `Invalid input: ${problems[0]?.message.en ?? ''}` },
      { path: `/input${problems[0]?.path ?? ''}`, details: { problems } },
    ),
  noMigration: (process: string, from: number) =>
    new GridflowError('process.no_migration', {
      zh: `流程 ${process} 缺少从第 ${from} 版升级的迁移`,
      en: `Process ${process} has no migration from version ${from}`,
    }),
  closedCase: (id: string) =>
    new GridflowError('case.closed', {
      zh: `案件 ${id} 已结束，不能迁移`,
      en: `Case ${id} is closed and cannot be migrated`,
    }),
  effectLoop: () =>
    new GridflowError('runtime.effect_loop', { zh: '联动操作层级过深', en: 'Effects nested too deeply' }),
};
