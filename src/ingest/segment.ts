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
import { createHash } from "node:crypto";
import { type Para, displayLines, displayText, plainText, repair, splitLines, toParagraphs } from "./layout.js";
import { MappedTextBuilder, SENTENCE_END, charBigrams, needsSpaceAtBreak } from "./text.js";
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
  if (samples.length < 2) return /[，、；,]/.test(text) && visualWidth(text) >= 15;
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

function stableId(source: string, ordinal: number, body: string): string {
  return createHash("sha1")
    .update(`${source}\n${ordinal}\n${body.slice(0, 64)}`)
    .digest("hex")
    .slice(0, 12);
}

/** Joins paragraphs with "\n"; where the source has other text between two of them, marks a cut. */
function buildBody(paras: Para[], src: string): Pick<Article, "body" | "spans" | "cuts"> {
  const b = new MappedTextBuilder();
  let prevEnd = -1;
  paras.forEach((p, i) => {
    if (i > 0) {
      if (/\S/.test(src.slice(prevEnd, p.lines[0]!.start))) b.cut();
      b.push("\n", null);
    }
    repair(p.lines, b);
    const last = p.lines[p.lines.length - 1]!;
    prevEnd = last.start + last.text.length;
  });
  return { body: b.toString(), spans: b.spans, cuts: b.cuts };
}

/** Splits one decoded document into articles (and at most one furniture note). */
export function segmentPage(text: string, options: SegmentOptions): Article[] {
  const paras = joinColumnBreaks(toParagraphs(splitLines(text)));
  const drafts: Draft[] = [];
  const notes: Para[] = [];
  let cur: Draft | null = null;
  const start = (init: Partial<Draft> = {}): Draft => {
    cur = newDraft(init);
    drafts.push(cur);
    return cur;
  };
  const skipFurniture = (k: number): number => {
    while (k < paras.length && (paras[k]!.kind === "furniture" || paras[k]!.kind === "jump")) k++;
    return k;
  };
  const isLeadingByline = (k: number): boolean => {
    const p = paras[k];
    if (p?.kind !== "byline") return false;
    return p.marked === true || paras[skipFurniture(k + 1)]?.kind === "opener";
  };
  /** Does the text from k on end in a closing byline before the next article start? */
  const segmentHasClosingByline = (k: number): boolean => {
    for (; k < paras.length; k++) {
      const kind = paras[k]!.kind;
      if (kind === "opener" || kind === "mdTitle") return false;
      if (kind === "byline") return !isLeadingByline(k);
    }
    return false;
  };

  for (let i = 0; i < paras.length; i++) {
    const p = paras[i]!;
    const d = cur as Draft | null;
    switch (p.kind) {
      case "mdTitle":
        start({ title: displayLines(p).join(" "), fromMarkdown: true });
        break;
      case "jump":
        if (d && /下转|转第|转下/.test(plainText(p))) d.jumped = true;
        notes.push(p);
        break;
      case "furniture":
        notes.push(p);
        break;
      case "byline": {
        const leading = isLeadingByline(i);
        if (d && !d.byline && d.body.length === 0 && !d.closed) d.byline = p;
        else if (leading) start({ byline: p });
        else if (d && !d.byline && d.body.length > 0) {
          d.byline = p;
          d.closed = true;
        } else notes.push(p);
        break;
      }
      case "opener":
        if (d && d.body.length === 0 && !d.closed) d.body.push(p);
        else start().body.push(p);
        break;
      case "body":
      case "mdSection":
        if (!d || d.closed) start().body.push(p);
        else d.body.push(p);
        break;
      case "heading": {
        let j = i;
        while (j < paras.length && paras[j]!.kind === "heading") j++;
        const run = paras.slice(i, j);
        i = j - 1;
        const nextIdx = skipFurniture(j);
        const next = paras[nextIdx];
        if (!d || d.body.length === 0) {
          // Before any body: a banner or caption, unless a byline already opened an article.
          if (d && !d.fromMarkdown && !d.closed && next && next.kind === "body") d.body.push(...run);
          else notes.push(...run);
          break;
        }
        const closing =
          d.jumped ||
          d.closed ||
          next === undefined ||
          next.kind === "opener" ||
          next.kind === "mdTitle" ||
          isLeadingByline(nextIdx) ||
          (d.byline !== null && next.kind !== "byline" && segmentHasClosingByline(nextIdx));
        if (!closing) {
          d.body.push(...run);
          break;
        }
        if (d.title !== null) notes.push(...run);
        else notes.push(...assignHeadline(d, run));
        d.closed = true;
        break;
      }
    }
  }

  const articles: Article[] = [];
  for (const d of drafts) {
    if (d.body.length === 0) {
      if (d.byline) notes.push(d.byline);
      continue;
    }
    const { body, spans, cuts } = buildBody(d.body, text);
    const ordinal = articles.length;
    articles.push({
      id: stableId(options.source, ordinal, body),
      source: options.source,
      kind: "article",
      ordinal,
      title: d.title ?? (articles.length === 0 ? (options.defaultTitle ?? null) : null),
      kicker: d.kicker,
      subtitle: d.subtitle,
      byline: d.byline ? displayText(d.byline) : null,
      body,
      spans,
      cuts,
      meta: options.meta ?? {},
    });
  }
  const noteParas = notes.filter((p) => /[\p{Script=Han}A-Za-z0-9]/u.test(plainText(p)));
  if (noteParas.length > 0) {
    const sorted = [...noteParas].sort((a, b) => a.lines[0]!.start - b.lines[0]!.start);
    const { body, spans, cuts } = buildBody(sorted, text);
    const ordinal = articles.length;
    articles.push({
      id: stableId(options.source, ordinal, body),
      source: options.source,
      kind: "note",
      ordinal,
      title: null,
      kicker: null,
      subtitle: null,
      byline: null,
      body,
      spans,
      cuts,
      meta: options.meta ?? {},
    });
  }
  return articles;
}
