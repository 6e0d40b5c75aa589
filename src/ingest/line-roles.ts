/**
 * Roles of single lines that decide where paragraphs start, before any paragraph exists: lines
 * opened by a marker (`▲`, `▶`, `■`, `▢`) — a brief's headline, a column label, a photo caption or
 * a byline — and lines that always start a paragraph (an opener, a notice's title).
 */
import type { Line } from "./layout.js";
import {
  BOX,
  BRACKETED_HEADLINE,
  BYLINE_ISH,
  CAPTION,
  CLAUSE_MARK,
  MAX_MARKED_LABEL,
  NOTICE,
  NOTICE_TITLE,
  OPENER,
  hasCreditWords,
  markedHeadline,
} from "./line-classes.js";
import { SENTENCE_END, visualWidth } from "./text.js";

/** What a marked line is: a brief's headline, a label or caption (one line, or `caption2`: with the next), or a byline. */
export type MarkedRole = "headline" | "furniture" | "caption2" | "byline" | null;

/** Markers a page sets before briefs' headlines (`▶ 铁路今冬明春运行图调整`). */
export function headlineMarks(lines: Line[]): Set<string> {
  const heads = lines.filter((l, i) => {
    const marked = l.text.replace(BOX, "");
    return BOX.test(l.text) && markedHeadline(marked) && !(lines[i + 1] && captionEnd(marked, lines[i + 1]!.text));
  });
  const marks = new Set(heads.map((l) => l.text.trim()[0]!));
  // (and lenticular brackets, `【临江区新增3处24小时自助图书馆】`)
  if (lines.some((l) => BRACKETED_HEADLINE.test(l.text.trim()))) marks.add("【");
  return marks;
}

/**
 * A shorter bracketed line (`【流感疫苗开始接种】`) over running text, on a page that sets briefs'
 * headlines in brackets, and (`【城区3条公交线路临时调整】`) any bracketed headline after a
 * finished sentence: a brief's headline, a paragraph of its own.
 */
export function bracketedHeadline(line: Line, prev: Line | undefined, next: Line | null | undefined, marks: Set<string>): boolean {
  const text = line.text.trim();
  const m = /^【([^【】]{6,})】$/u.exec(text);
  if (!m || !next || !CLAUSE_MARK.test(next.text)) return false;
  return (m[1]!.length >= 9 || marks.has("【")) && (prev === undefined || SENTENCE_END.test(prev.text.trim()));
}

export function markedRole(line: Line, next: Line | null | undefined, marks: Set<string>): MarkedRole {
  if (!BOX.test(line.text)) return null;
  const marked = line.text.replace(BOX, "");
  // a marked line whose sentence ends early in the next line is a photo caption (`▲白沙新区队队长李晓峰（右）` /
  // `在比赛中带球突破。`), where a brief's text would run on
  if (next && captionEnd(marked, next.text)) return "caption2";
  // a short marked line right over running text is a brief's headline when the page marks briefs'
  // headlines so (`▶ 北方多地迎来初雪` over `受冷空气影响,6日至7日`); a column label stands over a
  // headline (`■体育` / `城南全民健身中心下月开放`)
  const overText = next && CLAUSE_MARK.test(next.text) && !BYLINE_ISH.test(next.text);
  if (overText && marks.has(line.text.trim()[0]!) && markedHeadline(marked, 4)) return "headline";
  // a marked column label (`■法治在线`), not a byline: no credit in it and longer than a name
  if (!hasCreditWords(marked) && marked.length >= 4 && marked.length <= MAX_MARKED_LABEL) return "furniture";
  // a marked line with a full stop is a photo caption (`▲游客在梅岭古道赏梅。`), never a byline
  if (/。/.test(marked)) return "furniture";
  // a marked line with no credit and no names in it is a headline (`▲东湖公园樱花进入盛花期`, a brief's)
  if (markedHeadline(marked)) return "headline";
  return marked.length <= 40 ? "byline" : null;
}

/** The next line ends the marked line's sentence within three quarters of its width. */
function captionEnd(marked: string, next: string): boolean {
  const stop = next.search(/[。！？]/u);
  return stop > 0 && visualWidth(next.slice(0, stop + 1)) <= 0.75 * visualWidth(marked) && !/[。！？]/u.test(marked);
}

/**
 * A line that starts a paragraph of its own wherever it stands: an opener (`本报讯`) unless it runs
 * on from a clause; a notice's title (`停水公告`) after a finished sentence or a credit, unless the
 * sentence runs on below it (`市教育局日前下发通知` / `，要求…`). "alone": the line is a paragraph by itself.
 */
export function startsParagraph(
  line: Line,
  prev: Line | undefined,
  next: Line | null | undefined,
  marks: Set<string>,
): "alone" | "opens" | "caption" | null {
  if (bracketedHeadline(line, prev, next, marks)) return "alone";
  const text = line.text.trim();
  const before = prev?.text.trim();
  if (before !== undefined && OPENER.test(text) && (SENTENCE_END.test(before) || !CLAUSE_MARK.test(before))) return "opens";
  const runsOn = /^[\p{P}]/u.test(next?.text.trim() ?? "");
  // (or after a signature: `一名学生家长 陈丽`)
  const signed = before !== undefined && /\S\s+[\p{Script=Han}·]{2,4}$/u.test(before) && !CLAUSE_MARK.test(before);
  if (NOTICE_TITLE.test(text) && !runsOn && (before === undefined || SENTENCE_END.test(before) || BYLINE_ISH.test(before) || signed))
    return "alone";
  // a photo caption or an ad opens furniture that runs to the next blank line
  if (CAPTION.test(line.text) || NOTICE.test(line.text)) return "caption";
  return null;
}
