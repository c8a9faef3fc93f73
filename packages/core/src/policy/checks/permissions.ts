import { COMMAND_DEFS, commandMatches, expandCommandPattern } from '../commands.js';
import { named, type CheckContext } from './context.js';

/**
 * The permission matrix: commands must be known (or patterns that grant some), a role should not be granted
 * the same command twice, every command should be granted to someone, and whoever contacts requesters should
 * see their personal data.
 */
export function checkPermissions(ctx: CheckContext): void {
  const { permissions, privacy } = ctx.policy;
  const seen = new Map<string, { index: number; scope: string }>();
  permissions.forEach((row, i) => {
    const extra = ctx.extraCommands.some((c) => commandMatches(row.command, c));
    if (!extra && expandCommandPattern(row.command).length === 0) {
      const isPattern = row.command.endsWith('*');
      ctx.error('permissions.unknown_command', ['permissions', i, 'command'], {
        zh: isPattern ? `命令模式“${row.command}”不匹配任何已知命令` : `未知命令“${row.command}”`,
        en: isPattern
          ? `Command pattern "${row.command}" matches no known command`
          : `Unknown command "${row.command}"`,
      });
    }
    if (row.levels && row.command.startsWith('policy.')) {
      ctx.warn('permissions.levels_ignored', ['permissions', i, 'levels'], {
        zh: `“${row.command}”是政策命令，与案件层级无关，层级限制不起作用`,
        en: `"${row.command}" is a policy command, not about a case: its level limit has no effect`,
      });
    }
    // Rows limited to different levels complement each other (each holds at its own levels), and a row acting for
    // other parties (`actFor`) adds to the role's own: not duplicates.
    const key = `${row.role}\u0000${row.command}\u0000${(row.levels ?? []).join(',')}\u0000${(row.actFor ?? []).join(',')}`;
    const first = seen.get(key);
    if (first) {
      const same = first.scope === row.scope;
      ctx.warn('permissions.duplicate_row', ['permissions', i], {
        zh: `角色${named(ctx.known.roles, row.role).zh}的命令“${row.command}”已在第 ${first.index + 1} 行授权${same ? '，本行重复' : `（范围 ${first.scope}），本行又授权范围 ${row.scope}，以较宽者为准`}`,
        en: `Role ${named(ctx.known.roles, row.role).en} is already granted "${row.command}" in row ${first.index + 1}${same ? '; this row repeats it' : ` (scope ${first.scope}); this row grants scope ${row.scope}, and the wider one wins`}`,
      });
    } else seen.set(key, { index: i, scope: row.scope });
  });

  for (const def of COMMAND_DEFS) {
    if (!permissions.some((row) => commandMatches(row.command, def.name))) {
      ctx.warn('permissions.command_unassigned', ['permissions'], {
        zh: `没有任何角色可以执行“${def.label.zh}”（${def.name}）`,
        en: `No role may ${def.label.en} (${def.name})`,
      });
    }
  }

  const unmasked = new Set(privacy.unmaskedRoles);
  const warned = new Set<string>();
  permissions.forEach((row, i) => {
    if (
      warned.has(row.role) ||
      unmasked.has(row.role) ||
      !ctx.known.roles.has(row.role) ||
      !commandMatches(row.command, 'case.contact')
    )
      return;
    warned.add(row.role);
    ctx.warn('privacy.contact_without_unmasked', ['permissions', i, 'role'], {
      zh: `角色${named(ctx.known.roles, row.role).zh}可以联系诉求人，却看不到诉求人的明文联系方式；请把它加入可查看明文的角色`,
      en: `Role ${named(ctx.known.roles, row.role).en} may contact requesters but cannot see their contact details unmasked; add it to the unmasked roles`,
    });
  });
}
