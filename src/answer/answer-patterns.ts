/** What answers of a kind look like in text: quantities and dates, and a figure right after a question word. */

/** Quantities: a number with its magnitude and unit, or a percentage. */
export const QUANTITY =
  /(?<![\d.\-—~至])\d+(?:[.,]\d+)*(?:\s*[万亿千百])*(?:\s*(?:%|‰|[个次场件家名人天倍元吨亩米台辆项所户套条岁座]|亿元|万元|美元|平方米|公里|千米|公斤|千克|小时|分钟))?(?![\d\-—~]|\s*[月年日号])/gu;
/** Dates and times (`3月底`, `4月上旬` too: a suffix only widens a match, so the ranker's features stay as trained). */
export const DATE =
  /(?:\d{4}\s*年\s*)?\d{1,2}\s*月(?:\s*\d{1,2}\s*日|底|初|[上中下]旬)?(?:[上下]午|晚上?)?|\d{4}\s*年|[上下]午|昨[日天]|今年|去年/gu;

/**
 * How strongly `text` has an answer of the asked kind right after one of the question's terms
 * (`网络零售额162.23亿元`, `出口1678.3亿元`): within 4 characters, nothing but the figure between.
 * The term's share of the question's heaviest weight (0 when there is none); with `adjacent`, only
 * figures with nothing between (`进口消费品101.9亿元` is another quantity than `进口153.1亿元`).
 */
export function figureAfterTerm(text: string, weights: { term: string; weight: number }[], kind: string, adjacent = false): number {
  const pattern = kind === "number" ? QUANTITY : kind === "time" ? DATE : null;
  if (!pattern || !weights.length) return 0;
  const heaviest = Math.max(...weights.map((w) => w.weight)) || 1;
  let best = 0;
  for (const m of text.matchAll(pattern)) {
    if (!/\d/.test(m[0])) continue;
    const before = text.slice(Math.max(0, m.index! - 6), m.index);
    for (const { term, weight } of weights) {
      if (term.length < 2 || !before.includes(term)) continue;
      const gap = before.length - (before.lastIndexOf(term) + term.length);
      if (gap <= (adjacent ? 0 : 4)) best = Math.max(best, weight / heaviest);
    }
  }
  return best;
}

/** The unit a "how many" question asks in (`多少场` → 场, `几个` → 个), if any. */
export const askedUnit = (question: string): string | undefined =>
  /(?:多少|几)([^\d\s，。？?！!的是]{1,2})/u.exec(question)?.[1]?.slice(-1);

/** Whether `text` has a quantity in `unit`. */
export function quantityIn(text: string, unit: string): boolean {
  for (const m of text.matchAll(QUANTITY)) if (/\d/.test(m[0]) && m[0].trim().endsWith(unit)) return true;
  return false;
}
