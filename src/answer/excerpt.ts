/** Verbatim excerpts: windows of whole sentences of an article body, mapped back to the source. */
import { type Article, type Sentence, splitSentences } from "../ingest/index.js";

export const MAX_EXCERPT = 300;

const sentenceCache = new WeakMap<Article, Sentence[]>();

export function articleSentences(article: Article): Sentence[] {
  let s = sentenceCache.get(article);
  if (!s) sentenceCache.set(article, (s = splitSentences(article.body)));
  return s;
}

/** Index of the sentence containing body offset `pos`. */
export function sentenceAt(sentences: Sentence[], pos: number): number {
  let lo = 0;
  let hi = sentences.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sentences[mid]!.start <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * A window of whole sentences around sentence `center`, at most `max` characters, growing
 * forward first (answers often follow their topic sentence). A single over-long sentence is
 * cut around `focus` (a body offset).
 */
export function sentenceWindow(
  article: Article,
  center: number,
  max = MAX_EXCERPT,
  focus?: number,
  bounds: { lower: number; upper: number } = { lower: 0, upper: Number.POSITIVE_INFINITY },
): { start: number; end: number } {
  const sentences = articleSentences(article);
  const c = sentences[center]!;
  const cStart = Math.max(c.start, bounds.lower);
  const cEnd = Math.min(c.end, bounds.upper);
  if (cEnd - cStart > max) {
    const f = focus ?? cStart;
    const start = Math.max(cStart, Math.min(f - Math.floor(max / 3), cEnd - max));
    return { start, end: start + max };
  }
  if (cStart !== c.start || cEnd !== c.end) return { start: cStart, end: cEnd };
  let lo = center;
  let hi = center;
  let grew = true;
  while (grew) {
    grew = false;
    const next = sentences[hi + 1];
    if (next && next.end <= bounds.upper && next.end - sentences[lo]!.start <= max) {
      hi++;
      grew = true;
    }
    const prev = sentences[lo - 1];
    if (prev && prev.start >= bounds.lower && sentences[hi]!.end - prev.start <= max) {
      lo--;
      grew = true;
    }
  }
  return { start: sentences[lo]!.start, end: sentences[hi]!.end };
}

/** Body range → display text: trimmed, "…" where the source had text the body dropped. */
export function excerptText(article: Article, start: number, end: number): string {
  let out = "";
  let pos = start;
  for (const cut of article.cuts) {
    if (cut <= start || cut >= end) continue;
    out += `${article.body.slice(pos, cut)}…`;
    pos = cut;
  }
  return (out + article.body.slice(pos, end)).trim();
}

/** Maps a body range to the decoded source range it came from. */
export function sourceRange(article: Article, start: number, end: number): { start: number; end: number } {
  let s = -1;
  let e = -1;
  for (const span of article.spans) {
    const spanEnd = span.bodyStart + span.length;
    if (spanEnd <= start || span.bodyStart >= end) continue;
    const from = Math.max(start, span.bodyStart);
    const to = Math.min(end, spanEnd);
    if (s < 0) s = span.srcStart + (from - span.bodyStart);
    e = span.srcStart + (to - span.bodyStart);
  }
  return { start: Math.max(0, s), end: Math.max(0, e) };
}
