/**
 * Page layout primitives: physical lines, paragraphs, line-break repair and the
 * line/paragraph classes that newspaper pages use (bylines, openers, jump lines,
 * credits, headings). Pure functions over the decoded text.
 */
import {
  BYLINE_ISH,
  NAMES_LINE,
  NOTICE,
  TABLE_ROW,
  OPENER,
  isGluedCredit,
  isHeadingText,
  isNameCredit,
  isSourceCredit,
  isStrongByline,
  lineKind,
} from "./line-classes.js";
import { bracketedHeadline, headlineMarks, markedRole, startsParagraph } from "./line-roles.js";
import { MappedTextBuilder, SENTENCE_END, isCjk, isSpace, keepsSpace, needsSpaceAtBreak, trailingRepeatLength } from "./text.js";

/** A physical line, trimmed: `start` is the source offset of text[0]. */
export interface Line {
  text: string;
  start: number;
  /** Characters at the end of the line to drop (column-overlap repetition). */
  dropTail: number;
  /** The line starts with an indent of two or more spaces (a paragraph's first line, where papers indent). */
  indented?: boolean;
  /** Type size, where the input has one (PDF text layers, OCR boxes). */
  size?: number;
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
  /** A credit in brackets (`（记者 X）`): by its form the end of an article, never the start of one. */
  closing?: boolean;
}

/** A line's type size, for the pieces it is split into. */
const sizeOf = (line: Line): { size?: number } => (line.size ? { size: line.size } : {});

/** Splits decoded text into physical lines; blank lines become null. */
export function splitLines(src: string): Array<Line | null> {
  const out: Array<Line | null> = [];
  let pos = 0;
  for (const raw of src.split("\n")) {
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    const indented = lead >= 2 || raw.startsWith("\u3000");
    out.push(text ? { text, start: pos + lead, dropTail: trailingRepeatLength(text), ...(indented ? { indented } : {}) } : null);
    pos += raw.length + 1;
  }
  return out;
}

/** Splits a trailing credit off the last line: "…产品。 全媒体记者 柳青 图". */
function splitInlineByline(line: Line): [Line, Line] | null {
  const m =
    /^(.*[。！？!?”」』）)])\s+(\S.{1,30})$/u.exec(line.text) ?? /^(.*[。！？!?”」』])\s*([（(][^（）()]{2,30}[）)])$/u.exec(line.text);
  if (!m) return null;
  const credit = m[2]!.replace(/^[（(]|[）)]$/g, "");
  // (or a name alone in brackets after the last sentence: `…补贴5元。（钱小满）`)
  const named = /^[（(]/u.test(m[2]!) && (isNameCredit(credit) || isSourceCredit(m[2]!));
  if (!named && (!isStrongByline(credit) || !BYLINE_ISH.test(credit))) return null;
  const tailStart = line.text.length - m[2]!.length;
  return [
    { ...sizeOf(line), text: m[1]!, start: line.start, dropTail: 0 },
    { ...sizeOf(line), text: m[2]!, start: line.start + tailStart, dropTail: 0 },
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
  // pages that mark paragraphs by indenting their first line (and not every line)
  const present = lines.filter((l): l is Line => l !== null);
  const indents = present.filter((l) => l.indented).length;
  const indentMarksParagraphs = indents >= 2 && indents < 0.5 * present.length;
  const marks = headlineMarks(present);
  let skip = -1;
  for (const [at, line] of lines.entries()) {
    if (line === null) {
      flush();
      continue;
    }
    if (at === skip) continue;
    if (indentMarksParagraphs && line.indented && !curByline) flush();
    const next = lines[at + 1];
    const special = bracketedHeadline(line, cur.at(-1), next, marks) || NOTICE.test(line.text) ? null : lineKind(line.text);
    const starts = special ? null : startsParagraph(line, cur.at(-1), next, marks);
    if (special || starts) flush();
    if (special) paras.push(special === "byline" ? { lines: [line], kind: special, closing: true } : { lines: [line], kind: special });
    else if (starts === "alone") paras.push({ lines: [line], kind: "body" });
    else if (starts === "caption") {
      caption = true;
      cur.push(line);
    }
    if (special || starts === "alone" || starts === "caption") continue;
    if (caption) {
      cur.push(line);
      continue;
    }
    const role = markedRole(line, next, marks);
    if (role !== null) flush();
    if (role === "headline" || role === "furniture") paras.push({ lines: [line], kind: role === "headline" ? "body" : "furniture" });
    else if (role === "caption2") {
      paras.push({ lines: [line, next!], kind: "furniture" });
      skip = at + 1;
    } else if (role === "byline") {
      cur.push(line);
      curByline = true;
    }
    if (role !== null) continue;
    if (curByline && !NAMES_LINE.test(line.text) && !BYLINE_ISH.test(line.text)) flush();
    // a bracketed credit after the last sentence closes its text wherever the line stands (`…20时。（田甜）`)
    const credited = next ? splitInlineByline(line) : null;
    if (credited && /^[（(]/u.test(credited[1].text)) {
      cur.push(credited[0]);
      flush();
      paras.push({ lines: [credited[1]], kind: "byline", marked: false, closing: true });
      continue;
    }
    cur.push(line);
  }
  flush();
  return paras.flatMap(splitLeadingByline).flatMap(splitTrailingByline).map(classify);
}

/** An unmarked byline on the first line of a body paragraph (`记者 罗颖 通讯员 钱一鸣` + body) opens its article. */
function splitLeadingByline(p: Para): Para[] {
  if (p.kind !== "body" || p.lines.length < 2) return [p];
  const first = p.lines[0]!;
  // (or one read with its spaces lost, `记者阮清和通讯员晏如初`, over the indented opening line)
  const glued = isGluedCredit(first.text) && p.lines[1]!.indented;
  if (!glued && (!isStrongByline(first.text) || !BYLINE_ISH.test(first.text))) return [p];
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
  const head: Line = { ...sizeOf(prev), text: m[1]!, start: prev.start, dropTail: 0 };
  const tail: Line = {
    ...sizeOf(prev),
    text: m[2]!,
    start: prev.start + m[1]!.length + (prev.text.length - m[1]!.length - m[2]!.length),
    dropTail: 0,
  };
  return [
    { lines: [...p.lines.slice(0, -2), head], kind: "body" },
    { lines: [tail, last], kind: "byline", marked: false, closing: true },
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
      { lines: [inline[1]], kind: "byline", marked: false, closing: /^[（(]/.test(inline[1].text) },
    ];
  }
  let k = p.lines.length;
  while (k > 0 && BYLINE_ISH.test(p.lines[k - 1]!.text)) k--;
  const tail = p.lines.slice(k);
  if (k === p.lines.length || !tail.some((l) => isStrongByline(l.text))) return [p];
  if (
    k > 0 &&
    !SENTENCE_END.test(p.lines[k - 1]!.text) &&
    !isHeadingText(
      p.lines
        .slice(0, k)
        .map((l) => l.text)
        .join(""),
      k,
    )
  )
    return [p];
  const head: Para[] = k > 0 ? [{ lines: p.lines.slice(0, k), kind: "body" }] : [];
  return [...head, { lines: tail, kind: "byline", marked: false }];
}

function classify(p: Para): Para {
  if (p.kind !== "body") return p;
  const text = plainText(p);
  if (OPENER.test(text)) return { ...p, kind: "opener" };
  // (a table's rows, `6月20日　上午9:00—11:30　语文`, are no headline however short: furniture)
  if (isHeadingText(text, p.lines.length)) return { ...p, kind: p.lines.some((l) => TABLE_ROW.test(l.text)) ? "furniture" : "heading" };
  return p;
}

/** The paragraph as one string with line breaks repaired (no offsets). */
export function plainText(p: Para): string {
  return repair(p.lines).toString();
}

export { displayLines, displayText } from "./display.js";

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

export { hasCreditWords, isHeadingText, isStrongByline } from "./line-classes.js";
