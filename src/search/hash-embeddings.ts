/**
 * A model-free embedding: signed feature hashing of character unigrams and bigrams of the
 * normalised text, log-scaled term frequency, L2-normalised. Deterministic, offline, and
 * fast; it matches surface overlap (including across jieba's segmentation mistakes), not
 * meaning, so hybrid retrieval weighs it by measurement (see README, "Quality").
 */
import { Embeddings } from "@langchain/core/embeddings";
import { normalizeText, stripQuestionWords } from "./text-normalize.js";

/** An embedding that can tell which model and dimension produced its vectors. */
export interface IdentifiedEmbeddings {
  /** Recorded in the index manifest; an index is refused when it differs. */
  readonly id: string;
  readonly dimensions: number;
  /** Computed locally in no time (no model): an index built with another embedding is simply rebuilt. */
  readonly local?: boolean;
  embedDocuments(texts: string[]): Promise<number[][]>;
  embedQuery(text: string): Promise<number[]>;
}

export interface HashEmbeddingsParams {
  dimensions?: number;
  /** Weight of single characters relative to bigrams. */
  unigramWeight?: number;
}

const CODE_POINTS = 0x110000;
/** Keys from here on are character pairs: PAIR_BASE + first · CODE_POINTS + second. */
const PAIR_BASE = CODE_POINTS;

/** One FNV-1a step per UTF-16 code unit of a code point. */
function fnvCodePoint(h: number, cp: number): number {
  if (cp > 0xffff) {
    const hi = 0xd800 + ((cp - 0x10000) >> 10);
    const lo = 0xdc00 + ((cp - 0x10000) & 0x3ff);
    return Math.imul(Math.imul(h ^ hi, 0x01000193) ^ lo, 0x01000193);
  }
  return Math.imul(h ^ cp, 0x01000193);
}

/** FNV-1a 32-bit of a feature's string (one character, or two), from its numeric key. */
function featureHash(key: number): number {
  let h = 0x811c9dc5;
  if (key < PAIR_BASE) h = fnvCodePoint(h, key);
  else {
    const pair = key - PAIR_BASE;
    h = fnvCodePoint(fnvCodePoint(h, Math.floor(pair / CODE_POINTS)), pair % CODE_POINTS);
  }
  return h >>> 0;
}

export class HashEmbeddings extends Embeddings implements IdentifiedEmbeddings {
  readonly dimensions: number;
  readonly unigramWeight: number;
  readonly local = true;
  readonly id: string;

  constructor(params: HashEmbeddingsParams = {}) {
    super({});
    this.dimensions = params.dimensions ?? 128;
    this.unigramWeight = params.unigramWeight ?? 0.3;
    this.id = `hash-v1:d${this.dimensions}:u${this.unigramWeight}`;
  }

  embedText(text: string): number[] {
    // features keyed by number (a code point, or a pair of them): far cheaper than string keys; the
    // map keeps insertion order, so the vector is the same as hashing the feature strings in turn
    const counts = new Map<number, number>();
    for (const run of normalizeText(text).match(/[\p{L}\p{N}]+/gu) ?? []) {
      let prev = -1;
      for (const ch of run) {
        const cp = ch.codePointAt(0)!;
        if (prev >= 0) {
          const bigram = PAIR_BASE + prev * CODE_POINTS + cp;
          counts.set(bigram, (counts.get(bigram) ?? 0) + 1);
        }
        counts.set(cp, (counts.get(cp) ?? 0) + this.unigramWeight);
        prev = cp;
      }
    }
    const v = new Array<number>(this.dimensions).fill(0);
    for (const [feature, c] of counts) {
      const h = featureHash(feature);
      v[h % this.dimensions]! += (h & 0x80000000 ? -1 : 1) * Math.log1p(c);
    }
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.embedText(t));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.embedText(stripQuestionWords(text));
  }
}
