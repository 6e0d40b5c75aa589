/**
 * Column breaks in OCR text dumps: a blank line inside a sentence is where a column ended, not a
 * paragraph break. Column widths come from the wrapped lines around it.
 */
import { BOX, BYLINE_ISH, CLAUSE_MARK, NOTICE_TITLE, PINYIN_NAME, hasCreditWords, isPaperName } from "./line-classes.js";
import { type Para, plainText } from "./layout.js";
import { HAS_SENTENCE_END, SENTENCE_END } from "./text.js";

/** A wrapped line runs at least this share of the column width (OCR trims and spacing vary). */
const WRAPPED_WIDTH = 0.8;
const FULL_WIDTH = 0.95;
/** The first line of a cut paragraph may run short (OCR), down to this share of the column (a label runs ≤ 0.4). */
const FIRST_LINE_WIDTH = 0.6;
/** With no wrapped neighbours to measure the column by, a line this wide (and with a comma) counts as running text. */
const MIN_LONE_LINE_WIDTH = 15;

/** Display width: CJK characters count 1, ASCII 0.5. */
export function visualWidth(text: string): number {
  let w = 0;
  for (const ch of text.replace(/\s+/g, "")) w += /[\x00-\x7f]/.test(ch) ? 0.5 : 1;
  return w;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wrapped (non-last) line widths of a paragraph: they show the column width. */
const wrappedWidths = (p: Para | undefined): number[] =>
  p && (p.kind === "body" || p.kind === "opener") ? p.lines.slice(0, -1).map((l) => visualWidth(l.text)) : [];

/**
 * A blank line inside a sentence is a column break, not a paragraph break: the paragraph
 * before it does not end a sentence and its last line runs the full column width.
 */
export function joinColumnBreaks(paras: Para[]): Para[] {
  const out: Para[] = [];
  // a byline taken out of a cut sentence, put back once its article's text has run on
  let held: Para | null = null;
  for (let i = 0; i < paras.length; i++) {
    const p = paras[i]!;
    const prev = out[out.length - 1];
    if (prev && continuesInto(prev, p, out[out.length - 2], paras[i + 1])) {
      out[out.length - 1] = { lines: [...prev.lines, ...p.lines], kind: prev.kind === "opener" ? "opener" : "body" };
      continue;
    }
    // a byline set at the top of the next column, inside a cut sentence (`地面干` / byline / `燥整洁`):
    // the sentence joins, and the byline closes the article it stands in
    const rest = paras[i + 1];
    if (
      prev &&
      p.kind === "byline" &&
      p.lines.length === 1 &&
      rest &&
      prev.kind === "body" &&
      continuesInto(prev, rest, out[out.length - 2], paras[i + 2])
    ) {
      out[out.length - 1] = { lines: [...prev.lines, ...rest.lines], kind: "body" };
      i++;
      held = { ...p, closing: true };
      continue;
    }
    // (released where its article's body ends)
    if (held && p.kind !== "body") {
      out.push(held);
      held = null;
    }
    out.push(p);
  }
  if (held) out.push(held);
  return out;
}

function continuesInto(p: Para, next: Para, before: Para | undefined, after: Para | undefined): boolean {
  if (!(p.kind === "body" || p.kind === "opener" || p.kind === "heading") || next.kind !== "body") return false;
  const text = plainText(p);
  // (a notice ends with its issuer and date: `石门县供电公司　2025年9月15日`)
  if (SENTENCE_END.test(text) || /[：:]$/.test(text) || SIGNED.test(p.lines.at(-1)!.text.trim())) return false;
  // a line opened by a marker (`▲`, `●`) starts something: never the head of a sentence cut by a column break
  if (p.kind === "heading" && (BOX.test(p.lines[0]!.text) || NOTICE_TITLE.test(text))) return false;
  // right after the end of an article (its byline, a caption, a jump line) a short line is a headline
  if (p.kind === "heading" && before && (before.kind === "byline" || before.kind === "furniture" || before.kind === "jump")) return false;
  const samples = [
    ...(p.lines.length >= 3 ? wrappedWidths(p) : []),
    ...wrappedWidths(before),
    ...wrappedWidths(next),
    ...wrappedWidths(after),
  ];
  const last = visualWidth(p.lines[p.lines.length - 1]!.text);
  if (samples.length < 2) return /[，、；,]/.test(text) && visualWidth(text) >= MIN_LONE_LINE_WIDTH;
  const column = median(samples);
  // an indented line starts a paragraph; a headline wider than the column was not set in it
  if (next.lines[0]!.indented || (p.kind === "heading" && p.lines.some((l) => visualWidth(l.text) > column + 1.5))) return false;
  // a cut sentence runs on in a full line: a short line over more text is a headline (`遗失声明` / `…`)
  const head = next.lines[0]!.text;
  if (next.lines.length >= 2 && !/[\p{P}]/u.test(head) && visualWidth(head) < WRAPPED_WIDTH * column) return false;
  // a heading-like paragraph is a cut sentence only when every line runs the column width (a cut
  // paragraph's lines are wrapped; a headline block's lines vary) and its last line fills it
  // (its first line may start short), or it leaves a bracket or quote open (`根据《…关于开展2021`)
  if (p.kind === "heading") {
    if (unclosed(text)) return true;
    const widths = p.lines.map((l) => visualWidth(l.text));
    if (p.lines.length === 1) return last >= FULL_WIDTH * column;
    // running text does not go two column lines without a comma or a stop; a two-line headline does
    if (!/[，。、；：？！,;:?!]/u.test(text)) return false;
    // a paragraph's first line can start short, but not as short as a column label on a headline
    return widths[0]! >= FIRST_LINE_WIDTH * column && widths.slice(1).every((w) => w >= WRAPPED_WIDTH * column);
  }
  return last >= WRAPPED_WIDTH * column;
}

/** A table's row: three or more cells set apart by wide gaps (`停电时间　　停电线路　　停电范围`). */
const TABLE_ROW = /\S(?: {2,}|　+)\S.*?\S(?: {2,}|　+)\S/u;
/** An issuer and a date closing a notice. */
const SIGNED = /\S\s+\d{4}年\d{1,2}月\d{1,2}日$/u;

/** Does the text leave a bracket or quote open? A headline never does. */
function unclosed(text: string): boolean {
  const count = (re: RegExp) => (text.match(re) ?? []).length;
  return count(/[《（(“「『]/g) > count(/[》）)”」』]/g);
}

/**
 * A headline glued to its body: OCR that drops the blank line under a headline gives a body
 * paragraph whose first line is the headline (`区二院开设夜间儿科门诊` / `从12月2日起，…`). Such a
 * first line is clearly shorter than the paragraph's other lines, has no punctuation at all, and
 * is not indented; a paragraph's own first line runs the column width (or is indented). Only
 * where an article can start: right after a headline block, a byline or page furniture.
 */
/** The glued line is at most this share of the paragraph's usual line. */
const SHORTER = 0.75;
/** ... or, after a closing credit, this share: a headline in a narrow column may run a little wider than it. */
const AFTER_CREDIT = 1.25;

export function splitGluedHeadlines(paras: Para[]): Para[] {
  return paras.flatMap((p, i) => gluedHeadline(p, paras[i - 1]));
}

/** One paragraph's glued headline lines split off (again under a label split off first: `城事速递` / `【…】`). */
function gluedHeadline(p: Para, before: Para | undefined): Para[] {
  if (p.kind !== "body" || p.lines.length < 2) return [p];
  const [first, ...rest] = p.lines;
  const split = (): Para[] => {
    const heading: Para = { lines: [first!], kind: "heading" };
    return [heading, ...gluedHeadline({ lines: rest, kind: "body" }, heading)];
  };
  // a brief's headline in lenticular brackets (`【临江区新增3处24小时自助图书馆】`) is one wherever it stands
  if (/^【[^【】]{9,}】$/u.test(first!.text.trim())) return split();
  // so is a notice's, named by its kind (`遗失声明`, `…招聘启事`), over one line or two
  const noticeLines = p.lines.slice(0, 2).findIndex((l) => NOTICE_TITLE.test(l.text.trim()));
  // (not a sentence that runs on: `市教育局日前下发通知` / `，要求…`)
  const after = p.lines[noticeLines + 1];
  if (
    noticeLines >= 0 &&
    after &&
    !/^[\p{P}]/u.test(after.text.trim()) &&
    !p.lines.slice(0, noticeLines + 1).some((l) => CLAUSE_MARK.test(l.text))
  )
    return [
      { lines: p.lines.slice(0, noticeLines + 1), kind: "heading" },
      { lines: p.lines.slice(noticeLines + 1), kind: "body" },
    ];
  if (p.lines.length < 3) return [p];
  // (the rest has punctuation: full-width, or half-width as some pages set it, `…出行,自9月10日`)
  const punctuated = /[，。、；：？！,;:?!]|\p{Script=Han}\./u.test(rest.map((l) => l.text).join(""));
  if (first!.indented || /[，。、；：？！,;:?!…]/u.test(first!.text) || !punctuated) return [p];
  // only where an article can start: after a headline block, a byline or page furniture (OCR
  // lines vary in width, so inside an article a short first line is no evidence)
  const ended = (q: Para) => SENTENCE_END.test(q.lines.at(-1)!.text.trim());
  // (or at the top of the page)
  if (before && (before.kind === "body" || before.kind === "opener") && !ended(before)) return [p];
  // (text that runs on into a bracket, `华灿光电` / `（浙江）有限公司`, is one sentence)
  if (/^[（(]/u.test(rest[0]!.text.trim())) return [p];
  const widths = rest
    .slice(0, -1)
    .map((l) => visualWidth(l.text))
    .sort((a, b) => a - b);
  const usual = widths[Math.floor(widths.length / 2)] ?? 0;
  // (after a closing credit the article above has certainly ended: a headline can fill the column)
  const closed = before?.kind === "byline" && before.closing === true;
  if (!usual || visualWidth(first!.text) > (closed ? AFTER_CREDIT : SHORTER) * usual) return [p];
  return split();
}

/** A headline run inside a block is at most this many lines. */
const MAX_RUN = 4;

/**
 * Headlines inside a block without blank lines (OCR that keeps no blank lines at all): after a
 * line that ends a sentence, a run of up to four lines with no clause punctuation, each clearly
 * shorter than the block's lines, followed by more text or ending the block, is a headline block
 * of its own (a sentence-opening line without punctuation runs the column width; a paragraph's
 * short last line ends in a stop). Credit lines right under the run are its byline.
 */
export function splitInlineHeadlines(paras: Para[]): Para[] {
  return paras.flatMap((p, i): Para[] => {
    if (p.kind !== "body" || p.lines.length < (p.lines[0]!.indented ? 3 : 4)) return [p];
    const widths = p.lines.map((l) => visualWidth(l.text)).sort((a, b) => a - b);
    const usual = widths[Math.floor(widths.length * 0.75)]!;
    const credit = (k: number) => k < p.lines.length && hasCreditWords(p.lines[k]!.text) && BYLINE_ISH.test(p.lines[k]!.text);
    const short = (k: number) =>
      !credit(k) &&
      !CLAUSE_MARK.test(p.lines[k]!.text) &&
      !TABLE_ROW.test(p.lines[k]!.text) &&
      visualWidth(p.lines[k]!.text) <= SHORTER * usual;
    // where paragraphs open indented, flush lines after a finished sentence over an indented line or
    // a credit are a headline, however wide (`最高法发布涉老年人权益保护` / `典型案例` / `　　新华社…`; with
    // a comma only over a credit); anywhere, a line without clause punctuation over a credit is one
    const indentMarked = p.lines[0]!.indented || p.lines.filter((l) => l.indented).length >= 2;
    const flush = (k: number) =>
      k < p.lines.length &&
      !credit(k) &&
      !HAS_SENTENCE_END.test(p.lines[k]!.text) &&
      ((indentMarked && !p.lines[k]!.indented) || (!CLAUSE_MARK.test(p.lines[k]!.text) && credit(k + 1)));
    const out: Para[] = [];
    let from = 0;
    for (let k = 1; k < p.lines.length; k++) {
      // (after a finished sentence, or after the credit of a headline split off just above)
      const ended = SENTENCE_END.test(p.lines[k - 1]!.text.trim()) || (k - 1 > 0 && k === from && credit(k - 1));
      if (!ended || !(short(k) || flush(k))) continue;
      let end = k;
      const byFlush = !short(k);
      const inRun = (q: number) => (byFlush ? flush(q) && !CLAUSE_MARK.test(p.lines[q]!.text) : short(q));
      while (end + 1 < p.lines.length && end - k + 1 < (byFlush ? 2 : MAX_RUN) && inRun(end + 1)) end++;
      // (and a `——` subtitle under it, whatever its punctuation)
      if (end + 1 < p.lines.length && /^[—–]{2}/u.test(p.lines[end + 1]!.text.trim()) && !HAS_SENTENCE_END.test(p.lines[end + 1]!.text))
        end++;
      if (byFlush) {
        let credits = end;
        while (credit(credits + 1)) credits++;
        const atEnd = end + 1 === p.lines.length;
        const creditBelow = credits > end || (atEnd && paras[i + 1]?.kind === "byline");
        const opens = creditBelow || atEnd || p.lines[end + 1]!.indented;
        const clauses = p.lines.slice(k, end + 1).some((l) => CLAUSE_MARK.test(l.text));
        if (!opens || (clauses && !creditBelow)) continue;
      }
      // then the credit lines under it, if any: its byline; or the run ends the block (a headline
      // after its body)
      let by = end;
      while (credit(by + 1)) by++;
      const last = end + 1 === p.lines.length && k >= 2;
      // (a run with its credit under it stands whatever follows: a headline, then its byline)
      const credited = by > end;
      if (!byFlush && !last && !credited && (by + 1 >= p.lines.length || short(by + 1))) continue;
      if (k > from) out.push({ lines: p.lines.slice(from, k), kind: "body" });
      out.push({ lines: p.lines.slice(k, end + 1), kind: "heading" });
      if (by > end) out.push({ lines: p.lines.slice(end + 1, by + 1), kind: "byline", marked: true });
      from = by + 1;
      k = by;
    }
    if (from === 0) return [p];
    if (from < p.lines.length) out.push({ lines: p.lines.slice(from), kind: "body" });
    return out;
  });
}

/**
 * The page's first line naming a paper, right over page furniture (its date, its page number):
 * the masthead, not a headline.
 */
function mastheadFirst(paras: Para[]): Para[] {
  const [first, next] = paras;
  if (!first || !next || first.kind !== "heading" || first.lines.length !== 1 || next.kind !== "furniture") return paras;
  // (a name without 报 counts when its pinyin is printed under it: `今日鹤坪` / `JINRI HEPING`)
  if (!isPaperName(first.lines[0]!.text) && !PINYIN_NAME.test(next.lines[0]!.text.trim())) return paras;
  return [{ ...first, kind: "furniture" }, ...paras.slice(1)];
}

/**
 * A photo caption: one sentence with a photographer's credit after it on the same line
 * (`高岭村茶农正在采摘明前茶。邝云舒 摄`), which the byline rules split into a line of text and a
 * credit. Both are page furniture.
 */
function captionsWithCredit(paras: Para[]): Para[] {
  const out: Para[] = [];
  for (const p of paras) {
    const prev = out.at(-1);
    const [line] = p.lines;
    const text = prev?.lines[0];
    const sameLine = !!text && !!line && line.start > text.start && line.start <= text.start + text.text.length + 3;
    if (
      prev &&
      prev.kind === "body" &&
      prev.lines.length === 1 &&
      p.kind === "byline" &&
      p.lines.length === 1 &&
      sameLine &&
      /摄$/u.test(line!.text.trim())
    ) {
      out[out.length - 1] = { lines: [...prev.lines, ...p.lines], kind: "furniture" };
      continue;
    }
    // (or left whole when no space parted them); and a photographer's credit on its own line
    // (`甄若水 摄`, `（房雨眠 摄）`) credits a photo, not the article
    const photoCredit = p.kind === "byline" && p.lines.length === 1 && PHOTO_CREDIT.test(line!.text.trim());
    if ((p.kind === "body" && p.lines.length === 1 && PHOTO_CAPTION.test(line!.text.trim())) || photoCredit)
      out.push({ ...p, kind: "furniture" });
    else out.push(p);
  }
  return out;
}

/** A photographer's credit alone: names (a role maybe) and 摄, no 文 credit. */
const PHOTO_CREDIT = /^[（(]?(?:(?:本报|全媒体|融媒)?记者\s*)?[\p{Script=Han}·]{2,4}(?:\s+[\p{Script=Han}·]{2,4})?\s*摄[）)]?$/u;
/** A sentence and a photographer's credit on one line. */
const PHOTO_CAPTION = /[。！？]\s*(?:(?:本报)?记者\s*)?[\p{Script=Han}·]{2,4}\s*摄$/u;

/** The paragraph repairs before articles are cut: headlines inside and on top of blocks, mastheads, captions. */
export const repairParagraphs = (paras: Para[]): Para[] =>
  captionsWithCredit(mastheadFirst(splitGluedHeadlines(splitInlineHeadlines(paras))));
