/**
 * Headlines inside and on top of blocks without blank lines: a headline glued on the first line of
 * its text, a run of unpunctuated lines between two texts or at a block's end, a headline and its
 * credit at a block's top, a notice's title.
 */
import type { Para } from "./layout.js";
import { BRACKETED_HEADLINE, BYLINE_ISH, CLAUSE_MARK, NOTICE_TITLE, TABLE_ROW, hasCreditWords } from "./line-classes.js";
import { HAS_SENTENCE_END, SENTENCE_END, visualWidth } from "./text.js";

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
  if (BRACKETED_HEADLINE.test(first!.text.trim())) return split();
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
  // (a headline may ask: `房东拒退押金怎么办？`, its only mark at its end)
  if (first!.indented || CLAUSE_MARK.test(first!.text.trim().replace(/[？?]$/u, "")) || !punctuated) return [p];
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
  // (and so under a column label: `体坛简讯` / `市青少年游泳锦标赛落幕`)
  const closed =
    (before?.kind === "byline" && before.closing === true) || (before?.kind === "heading" && visualWidth(before.lines.at(-1)!.text) <= 5);
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
    if ((p.kind !== "body" && p.kind !== "opener") || p.lines.length < (p.lines[0]!.indented ? 3 : 4)) return [p];
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
    const out = topHeadline(p, credit);
    let from = out.reduce((n, q) => n + q.lines.length, 0);
    for (let k = from + 1; k < p.lines.length; k++) {
      // (after a finished sentence, or after the credit of a headline split off just above)
      const ended = SENTENCE_END.test(p.lines[k - 1]!.text.trim()) || (k - 1 > 0 && k === from && credit(k - 1));
      if (ended && k - from >= 2 && closingRun(p, k, credit, usual)) {
        out.push({ lines: p.lines.slice(from, k), kind: from === 0 ? p.kind : "body" }, { lines: p.lines.slice(k), kind: "heading" });
        from = p.lines.length;
        break;
      }
      if (!ended || !(short(k) || flush(k))) continue;
      let end = k;
      const byFlush = !short(k);
      const inRun = (q: number) => (byFlush ? flush(q) && !CLAUSE_MARK.test(p.lines[q]!.text) : short(q));
      while (end + 1 < p.lines.length && end - k + 1 < (byFlush ? 2 : MAX_RUN) && inRun(end + 1)) end++;
      // (and a subtitle under it, unpunctuated and short of the column: body text runs to its edge)
      const subtitle = (q: number) => !credit(q) && !CLAUSE_MARK.test(p.lines[q]!.text) && visualWidth(p.lines[q]!.text) <= 0.9 * usual;
      const withSubtitle = !byFlush && end + 2 < p.lines.length && end - k + 1 < MAX_RUN && subtitle(end + 1);
      if (withSubtitle) end++;
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
      if (k > from) out.push({ lines: p.lines.slice(from, k), kind: from === 0 ? p.kind : "body" });
      // (the subtitle, set in its own type, as a paragraph of its own)
      if (withSubtitle) out.push({ lines: p.lines.slice(k, end), kind: "heading" }, { lines: [p.lines[end]!], kind: "heading" });
      else out.push({ lines: p.lines.slice(k, end + 1), kind: "heading" });
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
 * At a block's top, lines without clause punctuation (but for a subtitle right over the credit)
 * over a credit and more text: a headline block and its byline.
 */
function topHeadline(p: Para, credit: (k: number) => boolean): Para[] {
  // (a label such as `记者调查` on the first line reads like a credit: the credit comes below it)
  const top = p.lines.findIndex((_, q) => q >= 1 && credit(q));
  if (p.kind !== "body" || top < 1 || top > MAX_RUN) return [];
  const unpunctuated = (l: Para["lines"][number], q: number) =>
    !HAS_SENTENCE_END.test(l.text) && (q === top - 1 && top >= 2 ? true : !CLAUSE_MARK.test(l.text));
  if (!p.lines.slice(0, top).every(unpunctuated)) return [];
  let by = top;
  while (credit(by + 1)) by++;
  if (by + 1 >= p.lines.length) return [];
  return [
    { lines: p.lines.slice(0, top), kind: "heading" },
    { lines: p.lines.slice(top, by + 1), kind: "byline", marked: true },
  ];
}

/**
 * A block ending in up to three lines from k on without punctuation, each short of the column: a
 * headline after its body, whatever their widths (a paragraph's last line ends in a stop).
 */
function closingRun(p: Para, k: number, credit: (k: number) => boolean, usual: number): boolean {
  const tail = p.lines.slice(k);
  return tail.length < MAX_RUN && tail.every((l, q) => !credit(k + q) && !CLAUSE_MARK.test(l.text) && visualWidth(l.text) <= 0.9 * usual);
}
