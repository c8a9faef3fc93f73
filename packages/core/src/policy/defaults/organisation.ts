import { t } from '../../i18n.js';
import type { DepartmentDef, LevelDef, OrganisationRefs, RoleDef, UrgencyDef } from '../types.js';

/** The default organisation: the five-level tree of domain.md plus functional departments, and every role. */

export const defaultLevels: LevelDef[] = [
  { code: 'building', name: t('楼栋', 'Building') },
  { code: 'grid', name: t('网格', 'Grid') },
  { code: 'compound', name: t('小区', 'Compound') },
  { code: 'community', name: t('社区', 'Community') },
  { code: 'street', name: t('街道', 'Street office') },
  { code: 'department', name: t('职能部门', 'Functional department') },
  { code: 'district', name: t('区', 'District') },
];

export const defaultDepartments: DepartmentDef[] = [
  { code: 'urban_management', name: t('城管', 'Urban management') },
  { code: 'market_regulation', name: t('市场监管', 'Market regulation') },
  { code: 'housing', name: t('住建', 'Housing and construction') },
  { code: 'public_security', name: t('公安', 'Public security') },
  { code: 'fire', name: t('消防', 'Fire and rescue') },
  { code: 'utilities', name: t('水电气暖', 'Water, power, gas and heating') },
  { code: 'ecology_environment', name: t('生态环境', 'Ecology and environment') },
  { code: 'civil_affairs', name: t('民政', 'Civil affairs') },
];

/** Every role of domain.md's "Who uses the software". */
export const defaultRoles: RoleDef[] = [
  { code: 'resident', name: t('居民', 'Resident') },
  { code: 'grid_worker', name: t('网格员', 'Grid worker') },
  { code: 'community_staff', name: t('社区工作者', 'Community staff') },
  { code: 'community_secretary', name: t('社区书记', 'Community secretary') },
  { code: 'street_dispatcher', name: t('街道派单员', 'Street dispatcher') },
  { code: 'street_leader', name: t('街道领导', 'Street leader') },
  { code: 'department_liaison', name: t('部门联络员', 'Department liaison') },
  { code: 'property_company', name: t('物业服务企业', 'Property company') },
  { code: 'owners_committee', name: t('业主委员会', 'Owners’ committee') },
  { code: 'assessor', name: t('考核员', 'Assessor') },
  { code: 'policy_editor', name: t('政策编辑', 'Policy editor') },
  { code: 'policy_approver', name: t('政策审批人', 'Policy approver') },
  { code: 'external_platform', name: t('外部平台（12345）', 'External platform (12345)') },
];

export const defaultOrganisation: OrganisationRefs = {
  levels: defaultLevels,
  escalationPath: ['grid', 'community', 'street', 'district'],
  departments: defaultDepartments,
  roles: defaultRoles,
};

/** Urgencies of the Beijing 12345 draft standard: emergency 2 h, utilities 24 h, general 7 days, complex 15 days. */
export const defaultUrgencies: UrgencyDef[] = [
  { code: 'emergency', name: t('紧急', 'Emergency') },
  { code: 'utilities', name: t('水电气暖', 'Utilities') },
  { code: 'general', name: t('一般', 'General') },
  { code: 'complex', name: t('疑难复杂', 'Complex') },
];
