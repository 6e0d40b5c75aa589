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

/** FNV-1a 32-bit. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
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
    const counts = new Map<string, number>();
    for (const run of normalizeText(text).match(/[\p{L}\p{N}]+/gu) ?? []) {
      const chars = Array.from(run);
      for (let i = 0; i < chars.length; i++) {
        counts.set(chars[i]!, (counts.get(chars[i]!) ?? 0) + this.unigramWeight);
        if (i + 1 < chars.length) {
          const bg = chars[i]! + chars[i + 1]!;
          counts.set(bg, (counts.get(bg) ?? 0) + 1);
        }
      }
    }
    const v = new Array<number>(this.dimensions).fill(0);
    for (const [feature, c] of counts) {
      const h = fnv1a(feature);
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
