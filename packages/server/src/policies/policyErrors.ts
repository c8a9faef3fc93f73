import { GridflowError, type Problem } from '@gridflow/core';

const STATUS_NAMES: Record<string, { zh: string; en: string }> = {
  draft: { zh: '草稿', en: 'a draft' },
  in_review: { zh: '审核中', en: 'in review' },
  approved: { zh: '已批准', en: 'approved' },
  published: { zh: '已发布', en: 'published' },
  retired: { zh: '已停用', en: 'retired' },
};
const statusName = (status: string) => STATUS_NAMES[status] ?? { zh: status, en: status };

/**
 * The errors of the policy workflow, each with a stable code and Chinese and English messages:
 * `policy.not_found`, `policy.not_a_draft`, `policy.invalid`, `policy.invalid_id`, `policy.self_approval`,
 * `policy.wrong_status`, `policy.not_approved`, `policy.note_required`, `policy.already_current`.
 */
export const policyErrors = {
  notFound: (id: string, version?: number) =>
    new GridflowError(
      'policy.not_found',
      version === undefined
        ? { zh: `找不到政策 ${id}`, en: `Policy ${id} not found` }
        : { zh: `找不到政策 ${id} 第 ${version} 版`, en: `Policy ${id} version ${version} not found` },
      { path: '/version' },
    ),
  invalidId: (id: string) =>
    new GridflowError(
      'policy.invalid_id',
      {
        zh: `政策编号“${id}”无效：应为 1–64 个字母、数字、-、_ 或 .`,
        en: `Invalid policy id "${id}": use 1–64 letters, digits, -, _ or .`,
      },
      { path: '/id' },
    ),
  notADraft: (id: string, version: number, status: string) =>
    new GridflowError(
      'policy.not_a_draft',
      {
        zh: `政策 ${id} 第 ${version} 版是${statusName(status).zh}，只有草稿可以修改；请新建草稿`,
        en: `Policy ${id} version ${version} is ${statusName(status).en}: only drafts can be changed; create a new draft`,
      },
      { path: '/status', details: { status } },
    ),
  wrongStatus: (id: string, version: number, status: string, expected: string[]) =>
    new GridflowError(
      'policy.wrong_status',
      {
        zh: `政策 ${id} 第 ${version} 版是${statusName(status).zh}，此操作需要${expected.map((s) => statusName(s).zh).join('或')}`,
        en: `Policy ${id} version ${version} is ${statusName(status).en}; this needs it to be ${expected.map((s) => statusName(s).en).join(' or ')}`,
      },
      { path: '/status', details: { status, expected } },
    ),
  notApproved: (id: string, version: number) =>
    new GridflowError(
      'policy.not_approved',
      {
        zh: `政策 ${id} 第 ${version} 版尚未获批准，不能发布`,
        en: `Policy ${id} version ${version} has not been approved and cannot be published`,
      },
      { path: '/status' },
    ),
  invalid: (problems: Problem[], path = '/document') => {
    const errors = problems.filter((p) => p.severity === 'error');
    const first = errors[0];
    return new GridflowError(
      'policy.invalid',
      {
        zh: `政策有 ${errors.length} 个错误${first ? `，第一个在 ${first.path || '/'}：${first.message.zh}` : ''}`,
        en: `The policy has ${errors.length} error(s)${first ? `; the first at ${first.path || '/'}: ${first.message.en}` : ''}`,
      },
      { path: `${path}${first?.path ?? ''}`, details: { problems } },
    );
  },
  selfApproval: (id: string, version: number, who: string) =>
    new GridflowError(
      'policy.self_approval',
      {
        zh: `${who} 编写或提交了政策 ${id} 第 ${version} 版，不能批准自己的草稿；请由另一位审批人批准`,
        en: `${who} wrote or submitted policy ${id} version ${version} and cannot approve it; another approver must`,
      },
      { path: '/approver' },
    ),
  noteRequired: () =>
    new GridflowError(
      'policy.note_required',
      { zh: '退回时请写明理由', en: 'A rejection needs a note saying why' },
      { path: '/note' },
    ),
  alreadyCurrent: (id: string, version: number) =>
    new GridflowError(
      'policy.already_current',
      {
        zh: `政策 ${id} 第 ${version} 版已是当前生效版本`,
        en: `Policy ${id} version ${version} is already the version in effect`,
      },
      { path: '/version' },
    ),
};
