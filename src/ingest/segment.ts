/**
 * Splits a newspaper page (or any text document) into articles.
 *
 * Layout rules, all general (see README "Layout rules"):
 * - bylines (box-marked `▢ 记者 …`) and news openers (`本报讯`, `新华社…电`) start articles;
 * - a headline block (short paragraphs without sentence punctuation) after a body closes that
 *   body's article when a closing cue surrounds it: a jump line before it, or a byline, an
 *   opener, the end of the page or a new `# heading` after it, or a following text that carries
 *   its own closing byline while the article already has one. Otherwise such paragraphs are
 *   section headings and stay in the body;
 * - inside a closing headline block the headline is the last paragraph whose words recur in the
 *   body above; related paragraphs before it are the kicker, a second line after it the
 *   subtitle; unrelated ones (ads, teasers, captions) are page furniture;
 * - an unmarked byline after a body (`全媒体记者 柳青 图`, `执笔人：…`) closes its article;
 * - furniture (banners, captions, credits, jump lines) never enters a body: it is kept as one
 *   `note` per page so it stays searchable.
 */
import { type Para, displayLines, displayText, plainText, splitLines, toParagraphs } from "./layout.js";
import { SENTENCE_END, charBigrams, needsSpaceAtBreak } from "./text.js";
import { assembleArticles } from "./assemble.js";
import type { Article, DocMeta } from "./types.js";

export interface SegmentOptions {
  /** Path relative to the corpus directory. */
  source: string;
  meta?: DocMeta;
  /** Title to use when the document itself names none (e.g. from front matter). */
  defaultTitle?: string | null;
}

/** Minimum share of a headline paragraph's character bigrams that must recur in the body above. */
export const HEADLINE_OVERLAP = 0.3;
/** A two-line headline joins into one title while the joined title stays this short (characters). */
const MAX_JOINED_TITLE = 26;
/** With no wrapped neighbours to measure the column by, a line this wide (and with a comma) counts as running text. */
const MIN_LONE_LINE_WIDTH = 15;

interface Draft {
  title: string | null;
  kicker: string | null;
  subtitle: string | null;
  byline: Para | null;
  body: Para[];
  /** Saw a jump line (下转…) after the body. */
  jumped: boolean;
  /** A closing byline or headline ended the body: the next text starts a new article. */
  closed: boolean;
  fromMarkdown: boolean;
}

const newDraft = (init: Partial<Draft> = {}): Draft => ({
  title: null,
  kicker: null,
  subtitle: null,
  byline: null,
  body: [],
  jumped: false,
  closed: false,
  fromMarkdown: false,
  ...init,
});

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
function joinColumnBreaks(paras: Para[]): Para[] {
  const out: Para[] = [];
  for (let i = 0; i < paras.length; i++) {
    const p = paras[i]!;
    const prev = out[out.length - 1];
    if (prev && continuesInto(prev, p, out[out.length - 2], paras[i + 1])) {
      out[out.length - 1] = { lines: [...prev.lines, ...p.lines], kind: prev.kind === "opener" ? "opener" : "body" };
      continue;
    }
    out.push(p);
  }
  return out;
}

function continuesInto(p: Para, next: Para, before: Para | undefined, after: Para | undefined): boolean {
  if (!(p.kind === "body" || p.kind === "opener" || p.kind === "heading") || next.kind !== "body") return false;
  const text = plainText(p);
  if (SENTENCE_END.test(text) || /[：:]$/.test(text)) return false;
  const samples = [
    ...(p.lines.length >= 3 ? wrappedWidths(p) : []),
    ...wrappedWidths(before),
    ...wrappedWidths(next),
    ...wrappedWidths(after),
  ];
  const last = visualWidth(p.lines[p.lines.length - 1]!.text);
  if (samples.length < 2) return /[，、；,]/.test(text) && visualWidth(text) >= MIN_LONE_LINE_WIDTH;
  return last >= 0.8 * median(samples);
}

function headlineOverlap(candidate: string, bodyGrams: Set<string>): number {
  const grams = charBigrams(candidate);
  if (grams.length === 0) return 0;
  return grams.filter((g) => bodyGrams.has(g)).length / grams.length;
}

/** Title and subtitle from the lines of one headline paragraph. */
function splitTitleLines(lines: string[]): { title: string; subtitle: string | null } {
  let title = lines[0]!;
  let i = 1;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^[—–-]{1,2}/.test(line) || /[，,]/.test(line) || (title + line).replace(/\s+/g, "").length > MAX_JOINED_TITLE) break;
    title += needsSpaceAtBreak(title[title.length - 1], line[0]) ? ` ${line}` : line;
  }
  const rest = lines.slice(i).join("");
  return { title, subtitle: rest || null };
}

/** Assigns kicker/title/subtitle from a closing headline block; returns the paragraphs that are furniture. */
function assignHeadline(draft: Draft, run: Para[]): Para[] {
  const bodyGrams = new Set(charBigrams(draft.body.map(plainText).join("")));
  const scores = run.map((p) => headlineOverlap(plainText(p), bodyGrams));
  const related = scores.flatMap((s, i) => (s >= HEADLINE_OVERLAP ? [i] : []));
  if (related.length === 0) return run;
  const first = related[0]!;
  let last = related[related.length - 1]!;
  const furniture = [...run.slice(0, first), ...run.slice(last + 1)];
  const titlePara = run[last]!;
  let lines = displayLines(titlePara);
  let subtitle: string | null = null;
  if (/^[—–]/.test(lines[0]!) && last > first) {
    subtitle = lines.join("");
    last -= 1;
    lines = displayLines(run[last]!);
  }
  const split = splitTitleLines(lines);
  draft.title = split.title;
  draft.subtitle = subtitle ?? split.subtitle;
  const kicker = run.slice(first, last).flatMap(displayLines).join(" ");
  draft.kicker = kicker || null;
  return furniture;
}

/** The state machine over a page's paragraphs: which paragraphs make which article, and what is furniture. */
class PageSegmenter {
  readonly drafts: Draft[] = [];
  readonly notes: Para[] = [];
  private cur: Draft | null = null;

  constructor(private readonly paras: Para[]) {}

  run(): this {
    for (let i = 0; i < this.paras.length; i++) i = this.step(i);
    return this;
  }

  private start(init: Partial<Draft> = {}): Draft {
    this.cur = newDraft(init);
    this.drafts.push(this.cur);
    return this.cur;
  }

  private skipFurniture(k: number): number {
    while (k < this.paras.length && (this.paras[k]!.kind === "furniture" || this.paras[k]!.kind === "jump")) k++;
    return k;
  }

  private isLeadingByline(k: number): boolean {
    const p = this.paras[k];
    if (p?.kind !== "byline") return false;
    return p.marked === true || this.paras[this.skipFurniture(k + 1)]?.kind === "opener";
  }

  /** Does the text from k on end in a closing byline before the next article start? */
  private segmentHasClosingByline(k: number): boolean {
    for (; k < this.paras.length; k++) {
      const kind = this.paras[k]!.kind;
      if (kind === "opener" || kind === "mdTitle") return false;
      if (kind === "byline") return !this.isLeadingByline(k);
    }
    return false;
  }

  /** Handles paragraph i (and any run it starts); returns the index of the last paragraph used. */
  private step(i: number): number {
    const p = this.paras[i]!;
    const d = this.cur;
    switch (p.kind) {
      case "mdTitle":
        this.start({ title: displayLines(p).join(" "), fromMarkdown: true });
        break;
      case "jump":
        if (d && /下转|转第|转下/.test(plainText(p))) d.jumped = true;
        this.notes.push(p);
        break;
      case "furniture":
        this.notes.push(p);
        break;
      case "byline":
        this.byline(i, p, d);
        break;
      case "opener":
        if (d && d.body.length === 0 && !d.closed) d.body.push(p);
        else this.start().body.push(p);
        break;
      case "body":
      case "mdSection":
        if (!d || d.closed) this.start().body.push(p);
        else d.body.push(p);
        break;
      case "heading":
        return this.headingRun(i, d);
    }
    return i;
  }

  private byline(i: number, p: Para, d: Draft | null): void {
    const leading = this.isLeadingByline(i);
    if (d && !d.byline && d.body.length === 0 && !d.closed) d.byline = p;
    else if (leading) this.start({ byline: p });
    else if (d && !d.byline && d.body.length > 0) {
      d.byline = p;
      d.closed = true;
    } else this.notes.push(p);
  }

  /** A run of heading paragraphs: a banner, part of the body, or the headline that closes the article above. */
  private headingRun(i: number, d: Draft | null): number {
    const paras = this.paras;
    let j = i;
    while (j < paras.length && paras[j]!.kind === "heading") j++;
    const run = paras.slice(i, j);
    const nextIdx = this.skipFurniture(j);
    const next = paras[nextIdx];
    if (!d || d.body.length === 0) {
      // Before any body: a banner or caption, unless a byline already opened an article.
      if (d && !d.fromMarkdown && !d.closed && next && next.kind === "body") d.body.push(...run);
      else this.notes.push(...run);
      return j - 1;
    }
    const closing =
      d.jumped ||
      d.closed ||
      next === undefined ||
      next.kind === "opener" ||
      next.kind === "mdTitle" ||
      this.isLeadingByline(nextIdx) ||
      (d.byline !== null && next.kind !== "byline" && this.segmentHasClosingByline(nextIdx));
    if (!closing) {
      d.body.push(...run);
      return j - 1;
    }
    if (d.title !== null) this.notes.push(...run);
    else this.notes.push(...assignHeadline(d, run));
    d.closed = true;
    return j - 1;
  }
}

/** Splits one decoded document into articles (and at most one furniture note). */
export function segmentPage(text: string, options: SegmentOptions): Article[] {
  const { drafts, notes } = new PageSegmenter(joinColumnBreaks(toParagraphs(splitLines(text)))).run();
  return assembleArticles(drafts, notes, text, { ...options, bylineText: displayText });
}
