/**
 * Page layout primitives: physical lines, paragraphs, line-break repair and the
 * line/paragraph classes that newspaper pages use (bylines, openers, jump lines,
 * credits, headings). Pure functions over the decoded text.
 */
import { mastheadLineDate } from "./dates.js";
import {
  HAS_SENTENCE_END,
  MappedTextBuilder,
  SENTENCE_END,
  isCjk,
  isSpace,
  keepsSpace,
  needsSpaceAtBreak,
  tidyDisplay,
  trailingRepeatLength,
} from "./text.js";

/** A physical line, trimmed: `start` is the source offset of text[0]. */
export interface Line {
  text: string;
  start: number;
  /** Characters at the end of the line to drop (column-overlap repetition). */
  dropTail: number;
}

export type ParaKind =
  | "byline" // a credit line naming the writers
  | "jump" // (下转第二版), (详见第二版) ...
  | "furniture" // editor credits, QR prompts, running heads, bracketed notes
  | "mdTitle" // "# heading"
  | "mdSection" // "## heading" and deeper
  | "opener" // body paragraph opening a news item: 本报讯, 新华社…电
  | "heading" // short paragraph without sentence punctuation
  | "body";

export interface Para {
  lines: Line[];
  kind: ParaKind;
  /** Byline paragraphs: whether a box marker (▢) opened it, which marks a leading byline. */
  marked?: boolean;
}

const BOX = /^[▢□■◆◇▲△●○◎★☆▼▽►▶◥◤◼◻▪▫]\s*/u;
const ROLE = "(?:记者|通讯员|实习生|执笔人?|撰稿人?|评论员|特约作者|作者|编译|课题组|摄影记者)";
/** A role followed by names, or names followed by a photo/text credit. */
const STRONG_BYLINE = new RegExp(
  `${ROLE}\\s*[：:\\s]\\s*[\\p{Script=Han}·]{2,4}|^[\\p{Script=Han}·\\s]*[\\p{Script=Han}]{2,4}\\s+(?:文\\/图|图\\/文|文\\/摄|文|图|摄)$`,
  "u",
);
/** A line that could be part of a byline: role words, names, spaces, a colon or slash; no sentence text. */
const BYLINE_ISH = new RegExp(
  `^(?=.*(?:${ROLE}|[\\p{Script=Han}]{2,4}\\s+(?:文\\/图|图\\/文|文|图|摄)$))[\\p{Script=Han}·：:\\/\\s、A-Za-z]{2,40}$`,
  "u",
);
const NAMES_LINE = /^[\p{Script=Han}·\s、]{2,24}$/u;
const JUMP =
  /^[（(]\s*(?:下转|上接|接上|转第|接第|详见|见第|转下|续)[^）)]{0,16}[）)]$|^(?:下转|上接|接上|转第|接第)第?[0-9一二三四五六七八九十]{1,3}[版页]/u;
/** A line drawn inside a box (an ad or a notice set in a frame): box-drawing characters. */
const BOXED = /[\u2500-\u257f]/u;
/** A column label set between ornaments or in lenticular brackets: `◆政法纵横◆`, `【健康生活】`. */
const DECORATED_LABEL = /^(?:[◆◇■□●○★☆▲△▼▽]\s*[^\s◆◇■□●○★☆▲△▼▽]{2,8}\s*[◆◇■□●○★☆▲△▼▽]|【[^】]{2,8}】)$/u;
/** The header of an ad or a notice (`【广告】`, `招聘启事`, `遗失声明`): the block it heads is furniture. */
const NOTICE = /^(?:【(?:广告|公告|启事|声明|通知|广而告之)】|[\p{Script=Han}]{0,8}(?:启事|声明|公告|广告))$/u;
/** A photo caption (`图为…`, `上图：…`): furniture with the photo credit that follows it. */
const CAPTION = /^(?:图为|[上下左右]?图[：:]|[上下左右]图为|图片说明)/u;
const BRACKET_NOTE = /^[（(][^（）()]{1,40}[）)]$/u;
const CREDIT =
  /^(?:责任编辑|本版编辑|编辑|美编|美术编辑|校对|制图|摄影|设计|排版|版式|审核|终审|值班编辑|视觉设计|图片编辑|统筹|策划)\s*[：:\s]|出品$|^(?:扫码|扫描二维码|长按识别|长按二维码)|^(?:本报综合|据新华社电|综合新华社电|本报综合报道)$|^第?[0-9一二三四五六七八九十]{1,3}版(?:\s|$)|^\d{4}年\d{1,2}月\d{1,2}日\s*(?:星期|周)[一二三四五六日天]/u;
const OPENER =
  /^(?:本报讯|本报[\p{Script=Han}]{0,8}\d{1,2}月\d{1,2}日电|[\p{Script=Han}]{2,8}(?:社|网|报|台)[\p{Script=Han}]{0,8}\d{1,2}月\d{1,2}日电|【[^】]{1,20}(?:讯|电)】)/u;
const MD_HEADING = /^(#{1,6})\s+(.*?)\s*#*$/;

/** Does the text name a role (记者, 通讯员…) or carry a photo/text credit (`文/图`)? */
export function hasCreditWords(text: string): boolean {
  return new RegExp(ROLE).test(text) || /(?:文\/图|图\/文|文\/摄|\s(?:文|图|摄))$/u.test(text.trim());
}

export function isStrongByline(text: string): boolean {
  return STRONG_BYLINE.test(text.trim());
}

/** Splits decoded text into physical lines; blank lines become null. */
export function splitLines(src: string): Array<Line | null> {
  const out: Array<Line | null> = [];
  let pos = 0;
  for (const raw of src.split("\n")) {
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    out.push(text ? { text, start: pos + lead, dropTail: trailingRepeatLength(text) } : null);
    pos += raw.length + 1;
  }
  return out;
}

function lineKind(text: string): ParaKind | null {
  if (MD_HEADING.test(text)) return /^#\s/.test(text) ? "mdTitle" : "mdSection";
  if (JUMP.test(text)) return "jump";
  // a bracketed credit on its own line (`（通讯员 钟敏）`) closes its article; other bracketed notes are furniture
  if (BRACKET_NOTE.test(text) && isStrongByline(text.slice(1, -1)) && BYLINE_ISH.test(text.slice(1, -1))) return "byline";
  if (CREDIT.test(text) || BRACKET_NOTE.test(text) || mastheadLineDate(text) || BOXED.test(text) || DECORATED_LABEL.test(text))
    return "furniture";
  return null;
}

/** Splits a trailing credit off the last line: "…产品。 全媒体记者 柳青 图". */
function splitInlineByline(line: Line): [Line, Line] | null {
  const m =
    /^(.*[。！？!?”」』）)])\s+(\S.{1,30})$/u.exec(line.text) ?? /^(.*[。！？!?”」』])\s*([（(][^（）()]{2,30}[）)])$/u.exec(line.text);
  if (!m) return null;
  const credit = m[2]!.replace(/^[（(]|[）)]$/g, "");
  if (!isStrongByline(credit) || !BYLINE_ISH.test(credit)) return null;
  const tailStart = line.text.length - m[2]!.length;
  return [
    { text: m[1]!, start: line.start, dropTail: 0 },
    { text: m[2]!, start: line.start + tailStart, dropTail: 0 },
  ];
}

/**
 * Groups lines into paragraphs (blank-line separated) and splits out the lines that
 * are never part of running text: box-marked bylines, jump lines, credits, headings.
 */
export function toParagraphs(lines: Array<Line | null>): Para[] {
  const paras: Para[] = [];
  let cur: Line[] = [];
  let curByline = false;
  let caption = false;
  const flush = () => {
    if (cur.length)
      paras.push(
        caption
          ? { lines: cur, kind: "furniture" }
          : curByline
            ? { lines: cur, kind: "byline", marked: true }
            : { lines: cur, kind: "body" },
      );
    cur = [];
    curByline = false;
    caption = false;
  };
  for (const line of lines) {
    if (line === null) {
      flush();
      continue;
    }
    const special = NOTICE.test(line.text) ? null : lineKind(line.text);
    if (special) {
      flush();
      paras.push({ lines: [line], kind: special });
      continue;
    }
    if (CAPTION.test(line.text) || NOTICE.test(line.text)) {
      flush();
      caption = true;
      cur.push(line);
      continue;
    }
    if (caption) {
      cur.push(line);
      continue;
    }
    if (BOX.test(line.text) && line.text.replace(BOX, "").length <= 40) {
      flush();
      cur.push(line);
      curByline = true;
      continue;
    }
    if (curByline && !NAMES_LINE.test(line.text) && !BYLINE_ISH.test(line.text)) flush();
    cur.push(line);
  }
  flush();
  return paras.flatMap(splitLeadingByline).flatMap(splitTrailingByline).map(classify);
}

/** An unmarked byline on the first line of a body paragraph (`记者 罗颖 通讯员 钱一鸣` + body) opens its article. */
function splitLeadingByline(p: Para): Para[] {
  if (p.kind !== "body" || p.lines.length < 2) return [p];
  const first = p.lines[0]!;
  if (!isStrongByline(first.text) || !BYLINE_ISH.test(first.text)) return [p];
  return [
    { lines: [first], kind: "byline", marked: true },
    { lines: p.lines.slice(1), kind: "body" },
  ];
}

/** A closing credit in brackets broken over the last two lines (`…春节前。（记` / `者 蒙佳怡）`). */
function splitWrappedCredit(p: Para): Para[] | null {
  if (p.lines.length < 2) return null;
  const last = p.lines[p.lines.length - 1]!;
  const prev = p.lines[p.lines.length - 2]!;
  const m = /^(.*[。！？!?”」』])\s*([（(][^（）()]{0,20})$/u.exec(prev.text);
  if (!m || !/^[^（）()]{1,20}[）)]$/u.test(last.text)) return null;
  const credit = (m[2]! + last.text).slice(1, -1);
  if (!isStrongByline(credit) || !BYLINE_ISH.test(credit)) return null;
  const head: Line = { text: m[1]!, start: prev.start, dropTail: 0 };
  const tail: Line = { text: m[2]!, start: prev.start + m[1]!.length + (prev.text.length - m[1]!.length - m[2]!.length), dropTail: 0 };
  return [
    { lines: [...p.lines.slice(0, -2), head], kind: "body" },
    { lines: [tail, last], kind: "byline", marked: false },
  ];
}

/** Unmarked closing bylines at the end of a paragraph become their own paragraph. */
function splitTrailingByline(p: Para): Para[] {
  if (p.kind !== "body") return [p];
  const wrapped = splitWrappedCredit(p);
  if (wrapped) return wrapped;
  const last = p.lines[p.lines.length - 1]!;
  const inline = splitInlineByline(last);
  if (inline) {
    return [
      { lines: [...p.lines.slice(0, -1), inline[0]], kind: "body" },
      { lines: [inline[1]], kind: "byline", marked: false },
    ];
  }
  let k = p.lines.length;
  while (k > 0 && BYLINE_ISH.test(p.lines[k - 1]!.text)) k--;
  const tail = p.lines.slice(k);
  if (k === p.lines.length || !tail.some((l) => isStrongByline(l.text))) return [p];
  if (k > 0 && !SENTENCE_END.test(p.lines[k - 1]!.text)) return [p];
  const head: Para[] = k > 0 ? [{ lines: p.lines.slice(0, k), kind: "body" }] : [];
  return [...head, { lines: tail, kind: "byline", marked: false }];
}

function classify(p: Para): Para {
  if (p.kind !== "body") return p;
  const text = plainText(p);
  if (OPENER.test(text)) return { ...p, kind: "opener" };
  if (isHeadingText(text, p.lines.length)) return { ...p, kind: "heading" };
  return p;
}

/** A headline block (label, kicker, a title over two lines, subtitle) has at most this many lines. */
const MAX_HEADING_LINES = 5;

/** Short, without sentence-final punctuation, and made of words: a headline, kicker, caption or section heading. */
export function isHeadingText(text: string, lineCount: number): boolean {
  if (!/[\p{Script=Han}A-Za-z]/u.test(text)) return false;
  const short = (lineCount <= 3 && text.length <= 50) || (lineCount <= MAX_HEADING_LINES && text.length <= 16 * lineCount);
  return short && !HAS_SENTENCE_END.test(text) && !/…/.test(text);
}

/** The paragraph as one string with line breaks repaired (no offsets). */
export function plainText(p: Para): string {
  return repair(p.lines).toString();
}

const openBracket = (text: string): boolean => (text.match(/[（(]/g) ?? []).length > (text.match(/[）)]/g) ?? []).length;

/** The paragraph's text for display fields (bylines): whitespace collapsed, lines joined by spaces. */
export function displayText(p: Para, joiner = " "): string {
  // a line broken inside brackets (`…（记` / `者 蒙佳怡）`) joins without a space
  const texts = p.lines.map((l) => l.text.replace(BOX, ""));
  const joined = texts.reduce((acc, t, i) => (i === 0 ? t : acc + (openBracket(acc) ? "" : joiner) + t), "");
  return tidyDisplay(joined).replace(/^[（(]\s*([^（）()]+?)\s*[）)]$/u, "$1");
}

/** Each line of the paragraph as display text, with column-overlap repetitions removed. */
export function displayLines(p: Para): string[] {
  return p.lines.map((l) => tidyDisplay(l.text.slice(0, l.text.length - l.dropTail).replace(/^#{1,6}\s+/, "")));
}

/**
 * Repairs hard line breaks into running text, recording source offsets: lines join
 * with nothing between CJK characters and a space between Latin words; spaces inside
 * a line survive only between Latin words or numbers (OCR pads CJK lines with spaces).
 */
export function repair(lines: Line[], into = new MappedTextBuilder()): MappedTextBuilder {
  for (const line of lines) {
    const text = line.text.replace(/^#{1,6}\s+/, "");
    const offset = line.start + (line.text.length - text.length);
    const end = text.length - line.dropTail;
    if (into.size > 0 && needsSpaceAtBreak(into.lastChar(), text[0])) into.push(" ", null);
    let pendingSpace = -1;
    for (let i = 0; i < end; i++) {
      const ch = text[i]!;
      if (isSpace(ch)) {
        if (pendingSpace < 0) pendingSpace = i;
        continue;
      }
      if (pendingSpace >= 0) {
        if (keepsSpace(into.lastChar(), ch) && !isCjk(ch)) into.push(" ", offset + pendingSpace);
        pendingSpace = -1;
      }
      into.push(ch, offset + i);
    }
    if (line.dropTail > 0) into.cut();
  }
  return into;
}
