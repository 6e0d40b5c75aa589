/**
 * Time in a question: a period it names (`2021年12月`, `2022年`, `6月17日`, `去年`, `上个月`) or
 * that it asks about the present (`现任`, `目前`, `最新`). Relative times count from a reference
 * date: the newest publication date in the archive (an archive of 2021 pages asked about `去年`
 * means 2020), or today when nothing in it is dated.
 */
import { isIsoDate } from "../ingest/index.js";

export interface TimeQuery {
  /** Inclusive ISO date range the question names, or null. */
  range: { from: string; to: string } | null;
  /** A month and day without a year (`6月17日`): matches that day of any year. */
  monthDay: string | null;
  /** The question asks about the present (`现任`, `目前`, `现在`, `最新`). */
  present: boolean;
}

const PRESENT = /现任|目前|现在|最新|如今|当前|眼下|时下|至今|现阶段/u;
const pad = (n: number) => String(n).padStart(2, "0");
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const monthRange = (y: number, m: number) => ({ from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(lastDay(y, m))}` });
const yearRange = (y: number) => ({ from: `${y}-01-01`, to: `${y}-12-31` });
const dayRange = (y: number, m: number, d: number) => {
  const iso = `${y}-${pad(m)}-${pad(d)}`;
  return { from: iso, to: iso };
};
const validMonth = (m: number) => m >= 1 && m <= 12;
const validDay = (m: number, d: number) => validMonth(m) && d >= 1 && d <= lastDay(2000, m);

/** Reads the time a question names; `reference` (ISO) is what relative times count from. */
export function parseTimeQuery(question: string, reference: string): TimeQuery {
  const q = question.normalize("NFKC");
  const [ry, rm] = reference.split("-").map(Number) as [number, number];
  const present = PRESENT.test(q);
  const none = { range: null, monthDay: null, present };
  let m = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/u.exec(q);
  if (m && validDay(Number(m[2]), Number(m[3]))) return { ...none, range: dayRange(Number(m[1]), Number(m[2]), Number(m[3])) };
  m = /(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*日)/u.exec(q);
  if (m && validMonth(Number(m[2])) && !/^\s*[-—~至到]/u.test(q.slice(m.index + m[0].length)))
    return { ...none, range: monthRange(Number(m[1]), Number(m[2])) };
  m = /(?<!\d)(\d{4})\s*年(?!\s*\d{1,2}\s*月)/u.exec(q);
  if (m) return { ...none, range: yearRange(Number(m[1])) };
  const relYear = /今年|去年|前年/u.exec(q)?.[0];
  const year = relYear === "今年" ? ry : relYear === "去年" ? ry - 1 : relYear === "前年" ? ry - 2 : null;
  m = /(?<![\d-])(\d{1,2})\s*月\s*(\d{1,2})\s*日/u.exec(q);
  if (m && validDay(Number(m[1]), Number(m[2]))) {
    if (year !== null) return { ...none, range: dayRange(year, Number(m[1]), Number(m[2])) };
    return { ...none, monthDay: `${pad(Number(m[1]))}-${pad(Number(m[2]))}` };
  }
  m = /(?<![\d-])(\d{1,2})\s*月(?!\s*[-—~至到])/u.exec(q);
  if (year !== null && m && validMonth(Number(m[1]))) return { ...none, range: monthRange(year, Number(m[1])) };
  if (year !== null) return { ...none, range: yearRange(year) };
  if (/上个?月/u.test(q)) return { ...none, range: rm === 1 ? monthRange(ry - 1, 12) : monthRange(ry, rm - 1) };
  if (/本月|这个月|当月/u.test(q)) return { ...none, range: monthRange(ry, rm) };
  return none;
}

/** Does an ISO date fall in the period the question names? */
export function inPeriod(date: string, query: TimeQuery): boolean {
  if (query.range) return date >= query.range.from && date <= query.range.to;
  if (query.monthDay) return date.slice(5) === query.monthDay;
  return false;
}

/** `2024-03-08` → `2024年3月8日`. */
export function chineseDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

/** An article's publication date when its metadata states a full one. */
export const articleDate = (meta: { date?: string }): string | null => (isIsoDate(meta.date) ? meta.date : null);

/**
 * Articles whose passage covers at least this share of what the best covers count as answering
 * the question, among which the time decides (the same share that decides which articles are cited).
 */
export const TIME_RELEVANT_SHARE = 0.6;

interface Dated {
  hit: { article: { id: string; meta: { date?: string } }; chunk: { text: string } };
  passageCoverage: number;
}

/**
 * How well a passage is "of" the period asked: 2 when its text names it (`2022年`, or `5月` in an
 * article published that year — a report of 2023 on `2022年全年` is about 2022), 1 when it was
 * published in it, 0 otherwise.
 */
export function periodMatch(text: string, date: string | null, query: TimeQuery): number {
  const t = text.normalize("NFKC").replace(/\s+/g, "");
  const year = date ? Number(date.slice(0, 4)) : null;
  const named = (y: number, m?: number, d?: number): boolean => {
    const md = m === undefined ? "" : d === undefined ? `${m}月` : `${m}月${d}日`;
    if (t.includes(`${y}年${md}`)) return true;
    return md !== "" && year === y && new RegExp(`(?<![\\d-])${md}`).test(t);
  };
  if (query.range) {
    const [fy, fm, fd] = query.range.from.split("-").map(Number) as [number, number, number];
    const [ty, tm, td] = query.range.to.split("-").map(Number) as [number, number, number];
    const whole = fm === 1 && fd === 1 && tm === 12 && td === 31;
    const isMonth = fy === ty && fm === tm && fd === 1 && td >= 28;
    if (fy === ty && (whole ? named(fy) : isMonth ? named(fy, fm) : fm === tm && fd === td ? named(fy, fm, fd) : false)) return 2;
  } else if (query.monthDay) {
    const [m, d] = query.monthDay.split("-").map(Number) as [number, number];
    if (new RegExp(`(?<![\\d-])${m}月${d}日`).test(t)) return 2;
  }
  return date !== null && inPeriod(date, query) ? 1 : 0;
}

/**
 * Puts first the relevant articles of the period the question names (those naming it, else those
 * published in it) — or, asking about the present, the newest dated relevant one — keeping the
 * order inside each group. Returns the lists unchanged (and no date) when no relevant article is
 * of that time.
 */
export function preferTime<C extends Dated>(lists: C[][], query: TimeQuery): { lists: C[][]; date: string | null } {
  const all = lists[0] ?? [];
  const byArticle = new Map<string, { c: number; date: string | null; match: number }>();
  for (const c of all) {
    const date = articleDate(c.hit.article.meta);
    const prev = byArticle.get(c.hit.article.id);
    const match = query.range || query.monthDay ? periodMatch(c.hit.chunk.text, date, query) : 0;
    byArticle.set(c.hit.article.id, { c: Math.max(prev?.c ?? 0, c.passageCoverage), date, match: Math.max(prev?.match ?? 0, match) });
  }
  const most = Math.max(0, ...[...byArticle.values()].map((v) => v.c));
  const relevant = [...byArticle.entries()].filter(([, v]) => v.c >= TIME_RELEVANT_SHARE * most);
  let preferred: Array<[string, { date: string | null }]> = [];
  if (query.range || query.monthDay) {
    const best = Math.max(0, ...relevant.map(([, v]) => v.match));
    preferred = best > 0 ? relevant.filter(([, v]) => v.match === best) : [];
  } else if (query.present) {
    const dated = relevant.filter(([, v]) => v.date !== null);
    const newest = dated
      .map(([, v]) => v.date!)
      .sort()
      .at(-1);
    preferred = dated.filter(([, v]) => v.date === newest);
  }
  if (preferred.length === 0) return { lists, date: null };
  const ids = new Set(preferred.map(([id]) => id));
  const first = (xs: C[]) => [...xs.filter((c) => ids.has(c.hit.article.id)), ...xs.filter((c) => !ids.has(c.hit.article.id))];
  return { lists: lists.map(first), date: preferred[0]![1].date };
}

/** The candidate lists in time order for the question; an archive with no dated article is left as it is (no time is known in it). */
export function orderByTime<C extends Dated>(
  lists: C[][],
  question: string,
  newestDate: string | null,
): { lists: C[][]; date: string | null } {
  return newestDate ? preferTime(lists, parseTimeQuery(question, newestDate)) : { lists, date: null };
}

/** A line with the date of its article after it: `…[1]（2024年3月8日）`. */
export const withDate = (text: string | undefined, date: string | undefined): string | undefined =>
  text && date ? `${text}（${chineseDate(date)}）` : text;
