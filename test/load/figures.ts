/** Shared by the load tests: questions the seed corpus answers, and percentiles. */
export const QUESTIONS = [
  "义乌前11个月直播带货多少场？",
  "伏龙山公园改造项目在哪个街道？",
  "常驻义乌的外商有多少人？",
  "1-5月义乌外贸进出口总值是多少？",
];

/** The p-th percentile (nearest rank) of xs. */
export const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
