import { expandCommandPattern } from '../commands.js';
import type { OrgLevel, PermissionRow, PrivacyPolicy, Scope } from '../types.js';

/**
 * The default permission matrix (role × command × scope). Residents act on their own matters, grid workers on
 * their grid, community staff on their community, the street dispatcher on the street, department liaisons on
 * their department's orders, property companies and owners' committees on their compound; assessors judge
 * evaluations everywhere; policy editors and approvers handle the policy.
 */

const grant = (role: string, scope: Scope, ...commands: string[]): PermissionRow[] =>
  commands.map((command) => ({ id: `p-${role}-${command.replace('*', 'all')}`, role, command, scope }));

/** The same, only while the case is held at `level`: the holder of an order acts on it. */
const grantAt = (level: OrgLevel, role: string, scope: Scope, ...commands: string[]): PermissionRow[] =>
  grant(role, scope, ...commands).map((row) => ({ ...row, levels: [level] }));

/**
 * What a unit does with an order it was given: handling it, and attaching photos of the fix (evidence has its own
 * permission: reading a case does not let one add to it).
 */
const handling = [
  'case.sign',
  'case.contact',
  'case.start',
  'case.return',
  'case.extension.request',
  'case.feedback',
  'case.attach.after',
];

/** What only the unit holding the order does: handle it, or pass it up. */
const holding = [...handling, 'case.escalate'];

export const defaultPermissions: PermissionRow[] = [
  // The reporter adds photos of the problem to their own report.
  ...grant('resident', 'own', 'case.submit', 'case.attach.before', 'case.reopen', 'matter.raise', 'evaluation.rate'),
  ...grant(
    'grid_worker',
    'grid',
    'case.submit',
    'case.attach.before',
    'case.attach.other',
    'case.verify.pass',
    'case.verify.fail',
    'matter.raise',
  ),
  ...grantAt('grid', 'grid_worker', 'grid', ...handling, 'case.escalate'),
  ...grantAt('community', 'community_staff', 'community', ...handling),
  ...grant(
    'community_staff',
    'community',
    'case.submit',
    'case.attach.before',
    'case.attach.other',
    'case.triage.file',
    'case.triage.cancel',
    'case.triage.merge',
    'case.dispatch',
    'case.verify.pass',
    'case.verify.fail',
    'case.close',
    'matter.raise',
    'matter.triage.routine',
    'matter.triage.consult',
    'matter.preconsult.done',
    'matter.meeting.schedule',
    'matter.meeting.attend',
    'matter.action.add',
    'matter.publicise',
    'matter.verify',
    'evaluation.revisit.attempt',
    'evaluation.revisit.unreachable',
  ),
  // The secretary oversees every case of the community, but handles (signs, returns, escalates) only while the
  // community holds the order, like the community's staff.
  ...grantAt('community', 'community_secretary', 'community', ...holding),
  ...grant(
    'community_secretary',
    'community',
    ...expandCommandPattern('case.*').filter((command) => !holding.includes(command)),
    'matter.*',
    'evaluation.rate',
    'evaluation.appeal',
    'evaluation.exclusion.request',
  ),
  ...grant(
    'street_dispatcher',
    'street',
    'case.*',
    'matter.escalate.street',
    'evaluation.revisit.attempt',
    'evaluation.revisit.unreachable',
  ),
  ...grant(
    'street_leader',
    'street',
    'case.whistle',
    'case.extension.approve',
    'case.extension.deny',
    'case.return.overrule',
    'case.park',
    'evaluation.rate',
    'evaluation.appeal',
    'evaluation.attach.other',
    'evaluation.exclusion.request',
    'evaluation.notice.propose',
  ),
  ...grantAt('department', 'department_liaison', 'department', ...handling, 'case.attach.other'),
  ...grant(
    'department_liaison',
    'department',
    'case.checkin',
    'case.department.done',
    'matter.meeting.confirm',
    'matter.meeting.attend',
    'matter.resolution.sign',
    'evaluation.appeal',
    'evaluation.attach.other',
    'evaluation.exclusion.request',
  ),
  ...grant(
    'property_company',
    'compound',
    'matter.raise',
    'matter.attach.before',
    'matter.attach.after',
    'matter.attach.other',
    'matter.meeting.confirm',
    'matter.meeting.attend',
    'matter.resolution.sign',
    'matter.action.done',
  ),
  ...grant(
    'owners_committee',
    'compound',
    'matter.raise',
    'matter.attach.before',
    'matter.attach.after',
    'matter.attach.other',
    'matter.meeting.confirm',
    'matter.meeting.attend',
    'matter.resolution.sign',
    'matter.vote.record',
    'matter.action.done',
  ),
  ...grant(
    'assessor',
    'all',
    'evaluation.appeal.decide',
    'evaluation.exclusion.approve',
    'evaluation.notice.propose',
    'evaluation.notice.approve',
    'evaluation.revisit.attempt',
    'evaluation.revisit.unreachable',
  ),
  ...grant('policy_editor', 'all', 'policy.edit'),
  ...grant('policy_approver', 'all', 'policy.approve', 'policy.publish'),
  ...grant(
    'external_platform',
    'all',
    'case.submit',
    'case.attach.before',
    'evaluation.revisit.attempt',
    'evaluation.revisit.unreachable',
    'evaluation.rate',
  ),
];

/** Those who must reach the requester see personal data unmasked; leaders, assessors and third parties do not. */
export const defaultPrivacy: PrivacyPolicy = {
  unmaskedRoles: ['grid_worker', 'community_staff', 'community_secretary', 'street_dispatcher', 'department_liaison'],
};
