/**
 * The retrieval seam: what the answer layer needs from any backend — candidate passages for a
 * question, with their articles, and the term statistics it weighs the question's terms by. The
 * local hybrid index (BM25 + HNSW, `hybrid-retriever.ts`) is the first implementation; a database
 * backend implements the same interface.
 */
import { type Article, type Chunk, isIsoDate } from "../ingest/index.js";
import { DEFAULT_HYBRID, type HybridParams } from "./fusion.js";
import { HybridRetriever } from "./hybrid-retriever.js";
import type { SearchIndex } from "./index-format.js";

export interface ScoredChunk {
  chunk: Chunk;
  article: Article;
  /** Position of the chunk in the backend's chunk order (a stable tie-breaker). */
  doc: number;
  score: number;
  bm25: number;
  vector: number;
}

export interface RetrievalResult {
  /** The question's informative terms, unknown words re-segmented against the index vocabulary. */
  terms: string[];
  hits: ScoredChunk[];
}

/** Document frequencies of the keyword index, for weighing a question's terms. */
export interface TermStatistics {
  /** Documents (chunks) counted. */
  readonly documents: number;
  docFreq(term: string): number;
  idf(term: string): number;
}

export interface Retriever {
  /** Chunks that can be retrieved (0: the archive is empty). */
  readonly size: number;
  readonly stats: TermStatistics;
  /** The newest publication date (ISO) of the archive's articles, null when none is dated (absent: unknown). */
  readonly newestDate?: string | null;
  retrieve(question: string, k: number): Promise<RetrievalResult>;
}

/**
 * The local backend, following the index `getIndex` returns now (a reindex swaps it): one
 * HybridRetriever per index, made when the index changes.
 */
export function localRetriever(getIndex: () => SearchIndex, params: HybridParams = DEFAULT_HYBRID): () => Retriever {
  let current: HybridRetriever | null = null;
  return () => {
    const index = getIndex();
    if (!current || current.index !== index) current = new HybridRetriever(index, params);
    return current;
  };
}

/** The newest publication date (ISO) of the articles, null when none is dated. */
export function newestDate(articles: readonly Article[]): string | null {
  let newest: string | null = null;
  for (const a of articles) {
    const d = a.meta.date;
    if (isIsoDate(d) && (newest === null || d > newest)) newest = d;
  }
  return newest;
}
