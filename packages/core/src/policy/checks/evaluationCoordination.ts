import type { CheckContext } from './context.js';

/**
 * Evaluation (rating scale, weights of the satisfaction rate and of the indicators) and three-party
 * coordination (quorum, owners' assembly thresholds).
 */

const inUnit = (x: number): boolean => x >= 0 && x <= 1;

/** The evaluation policy's scale, unsatisfied ratings and weights. */
export function checkEvaluation(ctx: CheckContext): void {
  const e = ctx.policy.evaluation;
  e.scale.forEach((rating, i) => {
    const prev = e.scale[i - 1];
    if (prev && rating.score > prev.score) {
      ctx.warn('evaluation.scale_order', ['evaluation', 'scale', i, 'score'], {
        zh: `评价等级应从好到差排列，但“${rating.name.zh}”（${rating.score} 分）高于前一级“${prev.name.zh}”（${prev.score} 分）`,
        en: `The scale should run from best to worst, but "${rating.name.en || rating.code}" (${rating.score}) scores above "${prev.name.en || prev.code}" (${prev.score}) before it`,
      });
    }
  });
  const unsatisfied = new Set(e.unsatisfied);
  if (unsatisfied.size === 0) {
    ctx.warn('evaluation.no_unsatisfied', ['evaluation', 'unsatisfied'], {
      zh: '没有任何评价等级算作不满意，不满意重办和不满意率将失去作用',
      en: 'No rating counts as unsatisfied, so redo and the unsatisfied count never apply',
    });
  } else if (e.scale.every((r) => unsatisfied.has(r.code))) {
    ctx.error('evaluation.all_unsatisfied', ['evaluation', 'unsatisfied'], {
      zh: '所有评价等级都算作不满意，任何评价都会触发重办',
      en: 'Every rating counts as unsatisfied, so every evaluation would trigger a redo',
    });
  }
  if (!inUnit(e.basicallySatisfiedWeight)) {
    ctx.error('evaluation.weight_range', ['evaluation', 'basicallySatisfiedWeight'], {
      zh: `“基本满意”折算系数 ${e.basicallySatisfiedWeight} 应在 0 到 1 之间`,
      en: `The weight of “basically satisfied” (${e.basicallySatisfiedWeight}) must lie between 0 and 1`,
    });
  }
  let sum = 0;
  let allValid = true;
  e.indicators.forEach((indicator, i) => {
    if (!inUnit(indicator.weight)) {
      allValid = false;
      ctx.error('evaluation.weight_range', ['evaluation', 'indicators', i, 'weight'], {
        zh: `指标“${indicator.name.zh}”的权重 ${indicator.weight} 应在 0 到 1 之间`,
        en: `The weight of indicator "${indicator.name.en || indicator.code}" (${indicator.weight}) must lie between 0 and 1`,
      });
    }
    sum += indicator.weight;
  });
  if (allValid && e.indicators.length > 0 && Math.abs(sum - 1) > 1e-6) {
    const shown = Math.round(sum * 1e6) / 1e6;
    ctx.warn('evaluation.weights_sum', ['evaluation', 'indicators'], {
      zh: `各指标权重之和为 ${shown}，不等于 1，综合得分将不在 0 到 1 之间`,
      en: `The indicator weights add up to ${shown}, not 1, so the composite score will not lie between 0 and 1`,
    });
  }
}

const THRESHOLDS = [
  ['participationByArea', '参与表决的专有部分面积比例', 'participation by floor area'],
  ['participationByHeadcount', '参与表决的人数比例', 'participation by headcount'],
  ['ordinaryByArea', '一般事项同意面积比例', 'ordinary matters by floor area'],
  ['ordinaryByHeadcount', '一般事项同意人数比例', 'ordinary matters by headcount'],
  ['majorByArea', '重大事项同意面积比例', 'major matters by floor area'],
  ['majorByHeadcount', '重大事项同意人数比例', 'major matters by headcount'],
] as const;

/** The quorum and the owners' assembly thresholds. */
export function checkCoordination(ctx: CheckContext): void {
  const c = ctx.policy.coordination;
  const parties = new Set(c.requiredParties).size;
  if (c.quorum > parties) {
    ctx.error('coordination.quorum_exceeds_parties', ['coordination', 'quorum'], {
      zh: `法定到会方数 ${c.quorum} 多于必须参会方（${parties} 方），会议永远无法召开`,
      en: `The quorum (${c.quorum}) exceeds the number of required parties (${parties}), so no meeting could ever be held`,
    });
  }
  const vote = c.ownersVote;
  for (const [key, zh, en] of THRESHOLDS) {
    const value = vote[key];
    if (!(value > 0 && value <= 1)) {
      ctx.error('coordination.threshold_range', ['coordination', 'ownersVote', key], {
        zh: `${zh} ${value} 应大于 0 且不超过 1（例如三分之二写作 0.6667）`,
        en: `The threshold for ${en} (${value}) must be above 0 and at most 1 (e.g. two thirds is 0.6667)`,
      });
    }
  }
  for (const [major, ordinary, zh, en] of [
    ['majorByArea', 'ordinaryByArea', '面积', 'floor area'],
    ['majorByHeadcount', 'ordinaryByHeadcount', '人数', 'headcount'],
  ] as const) {
    if (vote[major] < vote[ordinary]) {
      ctx.warn('coordination.major_below_ordinary', ['coordination', 'ownersVote', major], {
        zh: `按${zh}计，重大事项的同意比例（${vote[major]}）低于一般事项（${vote[ordinary]}）`,
        en: `By ${en}, major matters need a smaller share (${vote[major]}) than ordinary ones (${vote[ordinary]})`,
      });
    }
  }
}
