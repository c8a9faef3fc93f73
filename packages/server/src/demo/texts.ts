import { DEMO_COMPOUNDS, type DemoGrid } from './org.js';
import type { Random } from './random.js';

/*
 * The words of the demo: people's names, roads, what residents report in each category and how units answer, and
 * the property matters compounds argue about. All fictional.
 */

/** Common surnames and given names, for the callers and visitors who are not demo users. */
export const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '赵',
  '黄',
  '周',
  '吴',
  '徐',
  '孙',
  '胡',
  '朱',
  '高',
  '林',
  '何',
  '郭',
  '马',
  '罗',
  '梁',
  '宋',
  '郑',
  '谢',
  '韩',
  '唐',
  '冯',
  '于',
  '董',
  '萧',
];
export const GIVEN = [
  '秀英',
  '桂英',
  '志明',
  '建华',
  '丽',
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '霞',
  '平',
  '刚',
  '玉兰',
  '海燕',
  '春梅',
  '国强',
  '红梅',
  '文博',
];
/** Fictional roads of the district. */
export const ROADS = [
  '楚风路',
  '项王路',
  '黄河南路',
  '运河路',
  '金柳路',
  '水韵大道',
  '洪泽湖路',
  '发展大道',
  '幸福中路',
  '西湖路',
];

/** How the handling unit reports its result, by category. */
export const FEEDBACK: Record<string, string> = {
  noise: '已约谈施工方，夜间停止高噪声作业',
  sanitation: '已组织保洁人员清运，并增加巡查频次',
  road_damage: '已修补破损路面，设置警示标志',
  neighbour_dispute: '经网格员和楼栋长调解，双方达成谅解',
  illegal_construction: '已下达限期拆除通知书，当事人已自行拆除',
  utilities_fault: '抢修完毕，已恢复供应',
  unclear_jurisdiction: '经区级协调明确责任单位，问题已处理',
  property_dispute: '经三方协商，物业已按约定整改',
  market_order: '已责令商户整改并退还消费者款项',
  food_safety: '已现场检查，责令停业整顿',
  fire_hazard: '已清理楼道堆物，疏通消防通道',
  public_safety: '已加强巡逻，安装监控设施',
  emergency_incident: '险情已排除，人员安全转移',
};

/** How a category's reports read: titles, whether anonymity is allowed, attribute values and a description. */
export interface CategoryTemplate {
  titles: readonly string[];
  anonymous: boolean;
  attributes(random: Random, place: string): Record<string, string | number>;
  describe(title: string, place: string): string;
}

/** A plausible place in a grid: a building of its compound, or an address on one of the roads. */
export const place = (random: Random, grid: DemoGrid): string => {
  const compound = DEMO_COMPOUNDS.find((x) => x.grid === grid.id);
  if (compound && random.chance(0.5)) return `${compound.name.zh}${random.int(1, compound.buildings)}号楼`;
  return `${random.pick(ROADS)}${random.int(1, 399)}号附近`;
};

/** The report templates of the default policy's categories. */
export const TEMPLATES: Record<string, CategoryTemplate> = {
  noise: {
    titles: ['夜间施工噪声扰民', '广场舞音响声音过大', '商铺外放音乐扰民', '楼上住户深夜噪声'],
    anonymous: true,
    attributes: (r, p) => ({
      location: p,
      noise_source: r.pick(['construction', 'commercial', 'residential', 'traffic']),
    }),
    describe: (t, p) => `${p}${t}，影响周边居民休息，希望尽快处理。`,
  },
  sanitation: {
    titles: ['小区垃圾堆积未清运', '路边污水外溢', '垃圾房蚊蝇滋生', '绿化带内建筑垃圾'],
    anonymous: true,
    attributes: (r, p) => ({ location: p, sanitation_issue: r.pick(['garbage', 'sewage', 'pests']) }),
    describe: (t, p) => `${p}${t}，气味难闻，已持续多日。`,
  },
  road_damage: {
    titles: ['人行道地砖松动', '路面坑洼积水', '井盖破损', '盲道被破坏'],
    anonymous: true,
    attributes: (r, p) => ({ location: p, area_m2: r.int(2, 30) }),
    describe: (t, p) => `${p}${t}，存在安全隐患，老人小孩出行不便。`,
  },
  neighbour_dispute: {
    titles: ['邻居占用公共楼道', '空调外机滴水纠纷', '宠物扰邻纠纷', '楼上漏水殃及楼下'],
    anonymous: false,
    attributes: (_r, p) => ({ description: `${p}邻里之间因琐事产生矛盾，需要协调` }),
    describe: (t, p) => `${p}${t}，双方多次沟通未果，请求调解。`,
  },
  illegal_construction: {
    titles: ['楼顶违章搭建', '院落私搭棚屋', '阳台违规外扩', '绿地内私建车棚'],
    anonymous: true,
    attributes: (r, p) => ({
      location: p,
      structure_type: r.pick(['rooftop', 'courtyard', 'balcony', 'other']),
      area_m2: r.int(6, 80),
    }),
    describe: (t, p) => `${p}发现${t}，正在施工，请相关部门核查。`,
  },
  utilities_fault: {
    titles: ['小区突然停水', '单元楼停电', '燃气管道异味', '供暖管道漏水'],
    anonymous: false,
    attributes: (r, p) => ({
      location: p,
      utility: r.pick(['water', 'electricity', 'gas', 'heating']),
      households_affected: r.int(6, 120),
    }),
    describe: (t, p) => `${p}${t}，影响居民正常生活，请尽快抢修。`,
  },
  unclear_jurisdiction: {
    titles: ['河道边废弃船只无人管理', '两小区交界处路灯损坏无人维修', '无主楼道违建'],
    anonymous: false,
    attributes: (_r, p) => ({ location: p, description: '该处管理责任不清，多个单位相互推诿，长期无人处理' }),
    describe: (t, p) => `${p}${t}，已反映多次，至今无人处理。`,
  },
  market_order: {
    titles: ['商家预付卡退费难', '超市价格标示不清', '培训机构拒不退费'],
    anonymous: false,
    attributes: (r) => ({
      business_name: r.pick(['惠民超市', '金柳健身会所', '博学培训中心', '楚风美发店']),
      amount_yuan: r.int(200, 6000),
    }),
    describe: (t, p) => `${p}${t}，多次协商无果，请求市场监管部门处理。`,
  },
  food_safety: {
    titles: ['餐馆后厨卫生脏乱', '流动摊贩售卖过期食品'],
    anonymous: true,
    attributes: (r) => ({
      business_name: r.pick(['老宿迁面馆', '运河小吃店', '项里烧烤']),
      description: '后厨卫生条件差，存在食品安全隐患',
    }),
    describe: (t, p) => `${p}${t}，请有关部门检查。`,
  },
  fire_hazard: {
    titles: ['楼道堆放杂物堵塞通道', '电动车楼道充电', '消防栓损坏'],
    anonymous: true,
    attributes: (_r, p) => ({ location: p, description: '存在较大火灾隐患' }),
    describe: (t, p) => `${p}${t}，存在火灾隐患。`,
  },
  public_safety: {
    titles: ['夜间路段照明不足存在治安隐患', '小区门禁损坏外来人员随意进出'],
    anonymous: true,
    attributes: (_r, p) => ({ location: p, description: '居民夜间出行有安全顾虑' }),
    describe: (t, p) => `${p}${t}。`,
  },
  emergency_incident: {
    titles: ['沿街商铺起火冒烟', '老旧房屋墙体开裂有倒塌危险', '暴雨导致地下车库进水'],
    anonymous: false,
    attributes: (r, p) => ({ location: p, people_at_risk: r.int(2, 40) }),
    describe: (t, p) => `${p}${t}，情况紧急！`,
  },
  property_dispute: {
    titles: ['物业服务不到位', '物业费上涨争议', '小区停车位收费争议'],
    anonymous: false,
    attributes: (r, p) => ({
      compound: p.slice(0, 4),
      dispute_type: r.pick(['fees', 'parking', 'service_quality']),
      description: '业主与物业之间存在争议，需要社区协调',
    }),
    describe: (t, p) => `${p}${t}，业主意见较大。`,
  },
};

/** Categories the default routing sends to the grid, and ones it sends straight to a department. */
export const GRID_CATEGORIES = ['noise', 'sanitation', 'road_damage', 'neighbour_dispute'] as const;
export const DEPARTMENT_CATEGORIES = [
  'illegal_construction',
  'market_order',
  'fire_hazard',
  'public_safety',
  'food_safety',
] as const;

/** Titles and descriptions of property matters by matter type. */
export const MATTERS: Record<string, readonly (readonly [string, string])[]> = {
  property_fees: [
    ['物业费上调争议', '物业公司拟将物业费由每平方米 1.2 元上调至 1.6 元，部分业主认为服务未改善，不同意上调。'],
    ['物业费收支不透明', '业主要求物业公开近三年物业费收支明细，物业迟迟未公开。'],
  ],
  service_quality: [
    ['小区保洁不到位', '小区公共区域长期无人清扫，垃圾桶满溢，业主意见较大。'],
    ['电梯维保不及时', '3 号楼电梯频繁故障，物业维修不及时，老人出行困难。'],
  ],
  illegal_structures: [
    ['顶楼业主私搭阳光房', '顶楼业主在公共屋面搭建阳光房，影响楼顶防水和消防安全，其他业主要求拆除。'],
  ],
  parking: [
    ['地面车位分配争议', '小区地面车位少，物业拟采用租赁方式分配，业主要求摇号公平分配。'],
    ['外来车辆占用消防通道', '外来车辆长期停放在消防通道，物业管理不力。'],
  ],
  public_rooms: [['架空层公共用房用途争议', '物业将架空层出租作仓库，业主要求改作老年活动室。']],
  repair_funds_use: [['申请使用维修资金更换电梯', '7 号楼电梯使用已满 15 年，业主申请使用专项维修资金更换。']],
  repair_funds_raise: [['续筹专项维修资金', '维修资金余额不足，业委会提议续筹。']],
  rebuilding: [['老旧小区加装电梯', '多层住宅拟加装电梯，低层业主担心采光和噪声。']],
};
