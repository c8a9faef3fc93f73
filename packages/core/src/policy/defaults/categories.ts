import { type LocalizedText, t } from '../../i18n.js';
import type { AttributeDef, CategoryDef } from '../types.js';

/** The default categories of matters (诉求类别) and what a reporter says about each. */

const opt = (value: string, zh: string, en: string): { value: string; name: LocalizedText } => ({
  value,
  name: t(zh, en),
});

const description = (required: boolean): AttributeDef => ({
  code: 'description',
  name: t('情况描述', 'description'),
  type: 'text',
  required,
  minLength: 5,
  maxLength: 1000,
});
const location: AttributeDef = {
  code: 'location',
  name: t('具体位置', 'exact location'),
  type: 'text',
  required: true,
  minLength: 2,
  maxLength: 200,
};
const area: AttributeDef = {
  code: 'area_m2',
  name: t('面积（平方米）', 'area (m²)'),
  type: 'number',
  required: false,
  minimum: 0,
  maximum: 100000,
};

export const defaultCategories: CategoryDef[] = [
  {
    code: 'illegal_construction',
    name: t('违法建设', 'Illegal construction'),
    defaultUrgency: 'general',
    allowAnonymous: true,
    attributes: [
      location,
      {
        code: 'structure_type',
        name: t('建筑类型', 'kind of structure'),
        type: 'choice',
        required: true,
        options: [
          opt('rooftop', '楼顶加建', 'rooftop extension'),
          opt('courtyard', '院落搭建', 'courtyard shed'),
          opt('balcony', '阳台外扩', 'balcony extension'),
          opt('other', '其他', 'other'),
        ],
      },
      area,
      {
        code: 'started_on',
        name: t('开始搭建日期', 'date building started'),
        type: 'date',
        required: false,
        earliest: '2000-01-01',
      },
    ],
  },
  {
    code: 'utilities_fault',
    name: t('水电气暖故障', 'Water, power, gas or heating fault'),
    defaultUrgency: 'utilities',
    allowAnonymous: false,
    attributes: [
      location,
      {
        code: 'utility',
        name: t('故障类型', 'utility'),
        type: 'choice',
        required: true,
        options: [
          opt('water', '停水', 'water'),
          opt('electricity', '停电', 'electricity'),
          opt('gas', '燃气', 'gas'),
          opt('heating', '供暖', 'heating'),
        ],
      },
      {
        code: 'households_affected',
        name: t('受影响户数', 'households affected'),
        type: 'number',
        required: false,
        minimum: 1,
        maximum: 100000,
      },
    ],
  },
  {
    code: 'unclear_jurisdiction',
    name: t('权属不清事项', 'Unclear jurisdiction'),
    defaultUrgency: 'complex',
    allowAnonymous: false,
    attributes: [location, description(true)],
  },
  {
    code: 'property_dispute',
    name: t('物业纠纷', 'Property dispute'),
    defaultUrgency: 'general',
    allowAnonymous: false,
    attributes: [
      { code: 'compound', name: t('所在小区', 'compound'), type: 'text', required: true, minLength: 2, maxLength: 100 },
      {
        code: 'dispute_type',
        name: t('纠纷类型', 'kind of dispute'),
        type: 'choice',
        required: true,
        options: [
          opt('fees', '物业费', 'property fees'),
          opt('parking', '停车', 'parking'),
          opt('public_rooms', '公共用房', 'public rooms'),
          opt('repair_funds', '维修资金', 'repair funds'),
          opt('service_quality', '服务质量', 'service quality'),
        ],
      },
      description(false),
    ],
  },
  {
    code: 'noise',
    name: t('噪声扰民', 'Noise nuisance'),
    defaultUrgency: 'general',
    allowAnonymous: true,
    attributes: [
      location,
      {
        code: 'noise_source',
        name: t('噪声来源', 'source of the noise'),
        type: 'choice',
        required: true,
        options: [
          opt('construction', '施工', 'construction'),
          opt('commercial', '商业经营', 'business'),
          opt('residential', '居民生活', 'neighbours'),
          opt('traffic', '交通', 'traffic'),
        ],
      },
    ],
  },
  {
    code: 'sanitation',
    name: t('环境卫生', 'Sanitation'),
    defaultUrgency: 'general',
    allowAnonymous: true,
    attributes: [
      location,
      {
        code: 'sanitation_issue',
        name: t('问题类型', 'kind of problem'),
        type: 'choice',
        required: true,
        options: [
          opt('garbage', '垃圾堆积', 'piled-up rubbish'),
          opt('sewage', '污水外溢', 'sewage overflow'),
          opt('pests', '病媒生物', 'pests'),
        ],
      },
    ],
  },
  {
    code: 'road_damage',
    name: t('道路破损', 'Road damage'),
    defaultUrgency: 'general',
    allowAnonymous: true,
    attributes: [location, area],
  },
  {
    code: 'market_order',
    name: t('市场秩序与消费维权', 'Market order and consumer rights'),
    defaultUrgency: 'general',
    allowAnonymous: false,
    attributes: [
      {
        code: 'business_name',
        name: t('经营者名称', 'business name'),
        type: 'text',
        required: true,
        minLength: 2,
        maxLength: 100,
      },
      {
        code: 'amount_yuan',
        name: t('涉及金额（元）', 'amount involved (yuan)'),
        type: 'number',
        required: false,
        minimum: 0,
        maximum: 100000000,
      },
    ],
  },
  {
    code: 'food_safety',
    name: t('食品安全', 'Food safety'),
    defaultUrgency: 'general',
    allowAnonymous: true,
    attributes: [
      {
        code: 'business_name',
        name: t('经营者名称', 'business name'),
        type: 'text',
        required: true,
        minLength: 2,
        maxLength: 100,
      },
      description(true),
    ],
  },
  {
    code: 'fire_hazard',
    name: t('消防隐患', 'Fire hazard'),
    defaultUrgency: 'general',
    allowAnonymous: true,
    attributes: [location, description(false)],
  },
  {
    code: 'public_safety',
    name: t('治安隐患', 'Public safety hazard'),
    defaultUrgency: 'general',
    allowAnonymous: true,
    attributes: [location, description(false)],
  },
  {
    code: 'neighbour_dispute',
    name: t('邻里纠纷', 'Neighbour dispute'),
    defaultUrgency: 'general',
    allowAnonymous: false,
    attributes: [description(true)],
  },
  {
    code: 'emergency_incident',
    name: t('突发事件', 'Emergency incident'),
    defaultUrgency: 'emergency',
    allowAnonymous: false,
    attributes: [
      location,
      {
        code: 'people_at_risk',
        name: t('涉险人数', 'people at risk'),
        type: 'number',
        required: false,
        minimum: 0,
        maximum: 100000,
      },
    ],
  },
];
