/**
 * Column breaks in OCR text dumps: a blank line inside a sentence is where a column ended, not a
 * paragraph break. Column widths come from the wrapped lines around it.
 */
import { BOX, NOTICE_TITLE, PINYIN_NAME, isPaperName } from "./line-classes.js";
import { type Para, plainText } from "./layout.js";
import { splitGluedHeadlines, splitInlineHeadlines } from "./inline-headlines.js";
import { SENTENCE_END, visualWidth } from "./text.js";

export { visualWidth };

/** A wrapped line runs at least this share of the column width (OCR trims and spacing vary). */
const WRAPPED_WIDTH = 0.8;
const FULL_WIDTH = 0.95;
/** The first line of a cut paragraph may run short (OCR), down to this share of the column (a label runs ≤ 0.4). */
const FIRST_LINE_WIDTH = 0.6;
/** With no wrapped neighbours to measure the column by, a line this wide (and with a comma) counts as running text. */
const MIN_LONE_LINE_WIDTH = 15;

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
  if (p.kind === "heading" && (BOX.test(p.lines[0]!.text) || /^【/u.test(text) || NOTICE_TITLE.test(text))) return false;
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

/** An issuer and a date closing a notice. */
const SIGNED = /\S\s+\d{4}年\d{1,2}月\d{1,2}日$/u;

/** Does the text leave a bracket or quote open? A headline never does. */
function unclosed(text: string): boolean {
  const count = (re: RegExp) => (text.match(re) ?? []).length;
  return count(/[《（(“「『]/g) > count(/[》）)”」』]/g);
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
