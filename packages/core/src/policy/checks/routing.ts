import { analyseDecisionTable, type DecisionTableAnalysis } from '../decisionTable/index.js';
import { routingFacts } from '../facts.js';
import type { CheckContext } from './context.js';

/**
 * The routing table as a decision table: it must end with a default row (`when: true`), nothing may follow
 * the default, and no row may be hidden behind earlier rows that already take every case it matches.
 */

const rowNumbers = (indexes: number[], ids: string[]): { zh: string; en: string } => {
  const zh = `第 ${indexes.map((i) => i + 1).join('、')} 行（${ids.join('、')}）`;
  const en = `${indexes.length === 1 ? 'row' : 'rows'} ${indexes.map((i) => i + 1).join(', ')} (${ids.join(', ')})`;
  return { zh, en };
};

/**
 * Checks the routing table and returns its analysis (with the urgencies that can reach each row), which
 * the time-limit checks reuse.
 */
export function checkRoutingTable(ctx: CheckContext): DecisionTableAnalysis {
  const rows = ctx.policy.routing.rows;
  const analysis = analyseDecisionTable(rows, routingFacts(ctx.policy), { reachableValuesOf: ['case.urgency'] });
  const last = rows.length - 1;

  if (analysis.defaultIndex === -1) {
    ctx.error('routing.no_default_row', last >= 0 ? ['routing', 'rows', last, 'when'] : ['routing', 'rows'], {
      zh: '路由表最后一行必须是兜底行（条件为 true），否则不符合任何一行的案件将无处可派',
      en: 'The last routing row must be a default row (when: true); otherwise a case that matches no row has nowhere to go',
    });
  }
  const defaultRow = analysis.rows[analysis.defaultIndex];
  for (const finding of analysis.rows) {
    if (finding.afterDefault && defaultRow) {
      ctx.error('routing.row_after_default', ['routing', 'rows', finding.index], {
        zh: `路由行“${finding.id}”位于兜底行“${defaultRow.id}”（第 ${defaultRow.index + 1} 行）之后，永远不会被使用；兜底行必须放在最后`,
        en: `Routing row "${finding.id}" comes after the default row "${defaultRow.id}" (row ${defaultRow.index + 1}) and is never used; the default row must be last`,
      });
    } else if (finding.neverMatches) {
      ctx.warn('routing.row_unreachable', ['routing', 'rows', finding.index, 'when'], {
        zh: `路由行“${finding.id}”的条件自相矛盾，不会匹配任何案件`,
        en: `The condition of routing row "${finding.id}" contradicts itself and matches no case`,
      });
    } else if (finding.coveredBy) {
      const by = rowNumbers(finding.coveredByRows ?? [], finding.coveredBy);
      ctx.warn('routing.row_unreachable', ['routing', 'rows', finding.index, 'when'], {
        zh: `路由行“${finding.id}”永远不会被使用：它能匹配的案件都已被${by.zh}先行匹配（先匹配者优先）`,
        en: `Routing row "${finding.id}" is never used: every case it matches is taken first by ${by.en} (first match wins)`,
      });
    }
  }
  return analysis;
}
