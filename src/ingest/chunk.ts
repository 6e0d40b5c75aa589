import type { Article, Chunk } from "./types.js";

export interface ChunkOptions {
  /** A chunk grows until it has at least this many characters... */
  minChars: number;
  /** ...and never past this many, unless one sentence alone is longer (then it is cut at commas). */
  maxChars: number;
}

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { minChars: 150, maxChars: 300 };

/** Sentence ends: 。！？；… (and ASCII !?;) with any closing quotes or brackets, or a paragraph break. */
const SENTENCE = /[^。！？!?；;…\n]*(?:[。！？!?；;…]+["'”’」』）)]*|\n|$)/gu;

export interface Sentence {
  start: number;
  end: number;
}

/** Splits text into sentences covering it without gaps (paragraph breaks end a sentence). */
export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  SENTENCE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SENTENCE.exec(text)) !== null) {
    if (m[0].length === 0) {
      SENTENCE.lastIndex++;
      if (SENTENCE.lastIndex > text.length) break;
      continue;
    }
    out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Cuts an over-long sentence at commas (or hard, as a last resort) into pieces of at most max. */
function cutLong(text: string, s: Sentence, max: number): Sentence[] {
  const out: Sentence[] = [];
  let start = s.start;
  while (s.end - start > max) {
    const window = text.slice(start, start + max);
    const comma = Math.max(window.lastIndexOf("，"), window.lastIndexOf(","), window.lastIndexOf("、"));
    const cut = comma > max / 3 ? start + comma + 1 : start + max;
    out.push({ start, end: cut });
    start = cut;
  }
  out.push({ start, end: s.end });
  return out;
}

/**
 * Sentence-aware chunks of an article body: about minChars–maxChars characters, never
 * across articles, each (after the first) starting with the previous chunk's last sentence.
 */
export function chunkArticle(article: Article, options: ChunkOptions = DEFAULT_CHUNK_OPTIONS): Chunk[] {
  const text = article.body;
  const sentences = splitSentences(text).flatMap((s) => cutLong(text, s, options.maxChars));
  const chunks: Chunk[] = [];
  let i = 0;
  let overlapped = false;
  while (i < sentences.length) {
    let j = i;
    let end = sentences[i]!.end;
    const fits = () => sentences[j + 1]!.end - sentences[i]!.start <= options.maxChars;
    // A chunk that opens with the overlap sentence must add at least one new sentence.
    while (j + 1 < sentences.length && ((overlapped && j === i) || end - sentences[i]!.start < options.minChars || fits())) {
      j++;
      end = sentences[j]!.end;
    }
    const start = sentences[i]!.start;
    const chunkText = text.slice(start, end);
    if (chunkText.trim()) {
      chunks.push({ id: `${article.id}-${chunks.length}`, articleId: article.id, ordinal: chunks.length, text: chunkText, start, end });
    }
    if (j + 1 >= sentences.length) break;
    // One sentence of overlap, unless the chunk is that one sentence.
    overlapped = j > i;
    i = overlapped ? j : j + 1;
  }
  return chunks;
}
