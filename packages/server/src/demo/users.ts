import type { Actor } from '@gridflow/core';
import type { DirectoryUser } from '../context.js';
import { DEMO_COMMUNITIES, DEMO_COMPOUNDS, DEMO_DEPARTMENTS, DEMO_GRIDS, DEMO_STREETS } from './org.js';

/*
 * The demo users: at least one for every role of the default policy, each with a Chinese name and the units
 * (`kind:id`) their permissions are scoped to. All names are fictional.
 */

/** A demo user as the runtime sees it (an {@link Actor} with a name). */
export interface DemoUser extends Actor {
  name: string;
}

const user = (id: string, name: string, roles: string[], units: string[]): DemoUser => ({ id, name, roles, units });

const GRID_WORKERS = [
  '王丽娟',
  '陈志强',
  '刘海燕',
  '张建国',
  '李秀兰',
  '赵明辉',
  '孙晓梅',
  '周文斌',
  '吴春燕',
  '郑国华',
  '冯雪梅',
  '朱立新',
];
const COMMUNITY_STAFF = ['徐静', '胡军', '高红', '林涛'];
const COMMUNITY_SECRETARIES = ['马玉芳', '何卫东', '罗桂英', '梁志刚'];
const DISPATCHERS = ['宋佳', '郭鹏'];
const LEADERS = ['唐振华', '韩立平'];
const LIAISONS = ['曹勇', '彭磊', '董建华', '袁伟', '邓刚', '许敏'];

/**
 * The demo users of a tenant, in a fixed order: three residents, a grid worker per grid, staff and a secretary per
 * community, a dispatcher and a leader per street, a liaison per department, the property company and the owners'
 * committee of each compound, an assessor, a policy editor, two policy approvers (so one can approve the other's
 * draft) and the 12345 hotline platform.
 *
 * @example
 * demoUsers().find((u) => u.roles.includes('street_leader')); // { id: 'lead-s-01', name: '唐振华', … }
 */
export function demoUsers(): DemoUser[] {
  const [g02, g05, g11] = ['g-02', 'g-05', 'g-11'].map((id) => DEMO_GRIDS.find((g) => g.id === id)!);
  const home = (g: (typeof DEMO_GRIDS)[number], compound?: string): string[] => [
    `grid:${g.id}`,
    `community:${g.community}`,
    `street:${g.street}`,
    ...(compound ? [`compound:${compound}`] : []),
  ];
  const users: DemoUser[] = [
    user('resident-01', '张桂兰', ['resident'], home(g02!, 'x-01')),
    user('resident-02', '李建军', ['resident'], home(g05!)),
    user('resident-03', '王小燕', ['resident'], home(g11!, 'x-02')),
  ];
  DEMO_GRIDS.forEach((g, i) => users.push(user(`gw-${g.id}`, GRID_WORKERS[i]!, ['grid_worker'], [`grid:${g.id}`])));
  DEMO_COMMUNITIES.forEach((c, i) => {
    users.push(user(`cs-${c.id}`, COMMUNITY_STAFF[i]!, ['community_staff'], [`community:${c.id}`]));
    users.push(user(`sec-${c.id}`, COMMUNITY_SECRETARIES[i]!, ['community_secretary'], [`community:${c.id}`]));
  });
  DEMO_STREETS.forEach((s, i) => {
    users.push(user(`disp-${s.id}`, DISPATCHERS[i]!, ['street_dispatcher'], [`street:${s.id}`]));
    users.push(user(`lead-${s.id}`, LEADERS[i]!, ['street_leader'], [`street:${s.id}`]));
  });
  DEMO_DEPARTMENTS.forEach((d, i) =>
    users.push(user(`dept-${d.id}`, LIAISONS[i]!, ['department_liaison'], [`department:${d.id}`])),
  );
  for (const x of DEMO_COMPOUNDS) {
    users.push(
      user(
        `pc-${x.id}`,
        `${x.propertyCompany.name.zh}（客服 ${x.id === 'x-01' ? '蒋涛' : '沈丽'}）`,
        ['property_company'],
        [`compound:${x.id}`, `property_company:${x.propertyCompany.id}`],
      ),
    );
    users.push(
      user(
        `oc-${x.id}`,
        `${x.ownersCommittee.name.zh}（主任 ${x.id === 'x-01' ? '谢永康' : '钱淑珍'}）`,
        ['owners_committee'],
        [`compound:${x.id}`, `owners_committee:${x.ownersCommittee.id}`],
      ),
    );
  }
  users.push(
    user('assessor-01', '魏海波', ['assessor'], ['district:d-01']),
    user('editor-01', '潘晓红', ['policy_editor'], ['district:d-01']),
    user('approver-01', '杜建明', ['policy_approver'], ['district:d-01']),
    user('approver-02', '程丽华', ['policy_approver'], ['district:d-01']),
    user('hotline-12345', '12345 政务服务便民热线', ['external_platform'], []),
  );
  return users;
}

/**
 * The demo users as directory rows of a tenant.
 *
 * @example
 * await ctx.org.upsertUsers(demoDirectory('demo'));
 */
export function demoDirectory(tenant: string): DirectoryUser[] {
  return demoUsers().map((u) => ({ tenant, id: u.id, name: u.name, roles: [...u.roles], units: [...u.units] }));
}

/** Looks up the demo users by what they do, for the case stories. */
export interface DemoPeople {
  readonly all: readonly DemoUser[];
  residents: readonly DemoUser[];
  gridWorker(grid: string): DemoUser;
  communityStaff(community: string): DemoUser;
  secretary(community: string): DemoUser;
  dispatcher(street: string): DemoUser;
  leader(street: string): DemoUser;
  liaison(department: string): DemoUser;
  propertyCompany(compound: string): DemoUser;
  ownersCommittee(compound: string): DemoUser;
  assessor: DemoUser;
  editor: DemoUser;
  approvers: readonly [DemoUser, DemoUser];
  hotline: DemoUser;
}

/** Indexes {@link demoUsers} for lookups; throws on an unknown unit (a bug in the stories). */
export function demoPeople(users: readonly DemoUser[] = demoUsers()): DemoPeople {
  const byId = new Map(users.map((u) => [u.id, u]));
  const get = (id: string): DemoUser => {
    const u = byId.get(id);
    if (u === undefined) throw new Error(`No demo user ${id}`);
    return u;
  };
  return {
    all: users,
    residents: users.filter((u) => u.roles.includes('resident')),
    gridWorker: (grid) => get(`gw-${grid}`),
    communityStaff: (community) => get(`cs-${community}`),
    secretary: (community) => get(`sec-${community}`),
    dispatcher: (street) => get(`disp-${street}`),
    leader: (street) => get(`lead-${street}`),
    liaison: (department) => get(`dept-${department}`),
    propertyCompany: (compound) => get(`pc-${compound}`),
    ownersCommittee: (compound) => get(`oc-${compound}`),
    assessor: get('assessor-01'),
    editor: get('editor-01'),
    approvers: [get('approver-01'), get('approver-02')],
    hotline: get('hotline-12345'),
  };
}
