/** Choosing citations: non-overlapping verbatim excerpt windows around the best sentences, and the answer line. */
import type { Article } from "../ingest/index.js";
import { articleSentences, excerptText, MAX_EXCERPT, sentenceWindow, sourceRange } from "./excerpt.js";
import type { Candidate } from "./scoring.js";
import type { Citation } from "./types.js";

export const round = (x: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Up to topK citations, best sentence first; a second excerpt of one article stays clear of the first. */
export function chooseCitations(candidates: Candidate[], topK: number): Citation[] {
  const chosen: Citation[] = [];
  for (const c of candidates) {
    if (chosen.length >= topK) break;
    const article = c.hit.article;
    const focus = articleSentences(article)[c.sentence]!.start;
    const same = chosen.filter((t) => t.articleId === article.id);
    if (same.some((t) => t.start <= focus && focus < t.end)) continue;
    // Stay clear of the excerpts already cited from this article.
    const lower = Math.max(0, ...same.filter((t) => t.end <= focus).map((t) => t.end));
    const upper = Math.min(article.body.length, ...same.filter((t) => t.start > focus).map((t) => t.start));
    const win = sentenceWindow(article, c.sentence, undefined, focus, { lower, upper });
    const src = sourceRange(article, win.start, win.end);
    chosen.push({
      n: chosen.length + 1,
      source: article.source,
      title: article.title,
      kicker: article.kicker,
      subtitle: article.subtitle,
      byline: article.byline,
      excerpt: excerptText(article, win.start, win.end),
      score: round(c.score, 4),
      meta: article.meta,
      articleId: article.id,
      chunkId: c.hit.chunk.id,
      start: win.start,
      end: win.end,
      sourceStart: src.start,
      sourceEnd: src.end,
      verified: true,
    });
  }

  return chosen;
}

/** A sentence shorter than this (characters) is shown with the next one. */
const SHORT_SENTENCE = 20;

/** The best sentence, verbatim; a very short one gets its successor for context. */
export function shortAnswer(article: Article, sentence: number): string {
  const sentences = articleSentences(article);
  const s = sentences[sentence]!;
  let end = s.end;
  const next = sentences[sentence + 1];
  if (end - s.start < SHORT_SENTENCE && next) end = next.end;
  return excerptText(article, s.start, Math.min(end, s.start + MAX_EXCERPT));
}
