/**
 * The one hybrid retrieval path above every backend: the question's terms (unknown words backed off
 * against the index vocabulary), BM25 candidates and nearest-neighbour candidates pooled, every
 * candidate given both scores (the vector score exactly), and the two fused linearly:
 * alpha · bm25/max(bm25) + (1 - alpha) · cosine. A backend only answers the four questions below.
 */
import type { Article, Chunk } from "../ingest/index.js";
import type { RetrievalResult, ScoredChunk } from "./retrieval.js";
import { backoffTerms, queryTerms } from "./text-normalize.js";

export interface HybridParams {
  /** Weight of the keyword score; 1 - alpha goes to the vector score. */
  alpha: number;
  /** Candidates taken from each index before fusion. */
  candidates: number;
}

export const DEFAULT_HYBRID: HybridParams = { alpha: 0.8, candidates: 50 };

export interface DocScore {
  doc: number;
  score: number;
}

/** A candidate resolved: its chunk and article, and its exact cosine similarity with the query. */
export interface ResolvedDoc {
  chunk: Chunk;
  article: Article;
  vector: number;
}

/** What a storage backend answers; ranking and fusion stay in `hybridRetrieve`. */
export interface HybridBackend {
  docFreq(term: string): number;
  /** The top n documents by BM25 for already-extracted terms, best first (ties: lower doc first). */
  keyword(terms: string[], n: number): DocScore[] | Promise<DocScore[]>;
  embedQuery(question: string): Promise<number[]>;
  /** Approximate nearest neighbours of the query vector. */
  nearest(query: number[], n: number): Promise<{ doc: number }[]>;
  resolve(query: number[], docs: number[]): Map<number, ResolvedDoc> | Promise<Map<number, ResolvedDoc>>;
  /**
   * Exact cosine similarities alone, where they cost less than resolving (the local index reads an
   * article from disk to resolve a chunk at a million chunks): then only the fused top k are resolved.
   */
  similarities?(query: number[], docs: number[]): number[];
}

/** alpha · bm25 / max(bm25) + (1 - alpha) · max(0, cosine). */
const fused = (params: HybridParams, bm25: number, maxBm25: number, vector: number) =>
  params.alpha * (maxBm25 > 0 ? bm25 / maxBm25 : 0) + (1 - params.alpha) * Math.max(0, vector);

export async function hybridRetrieve(backend: HybridBackend, question: string, k: number, params: HybridParams): Promise<RetrievalResult> {
  const { search, coverage: terms } = backoffTerms(question, queryTerms(question), (t) => backend.docFreq(t));
  const n = Math.max(k, params.candidates);
  const keyword = await backend.keyword(search, n);
  const query = await backend.embedQuery(question);
  const semantic = params.alpha < 1 ? await backend.nearest(query, n) : [];
  const pool = new Set<number>([...keyword.map((h) => h.doc), ...semantic.map((h) => h.doc)]);
  const bm25ByDoc = new Map(keyword.map((h) => [h.doc, h.score]));
  const maxBm25 = keyword[0]?.score ?? 0;
  const docs = [...pool];
  const hits: ScoredChunk[] = [];
  if (backend.similarities) {
    const sims = backend.similarities(query, docs);
    const ranked = docs
      .map((doc, i) => ({ doc, vector: sims[i]!, score: fused(params, bm25ByDoc.get(doc) ?? 0, maxBm25, sims[i]!) }))
      .sort((a, b) => b.score - a.score || a.doc - b.doc)
      .slice(0, k);
    const resolved = await backend.resolve(
      query,
      ranked.map((r) => r.doc),
    );
    for (const r of ranked) {
      const got = resolved.get(r.doc);
      if (got)
        hits.push({
          chunk: got.chunk,
          article: got.article,
          doc: r.doc,
          score: r.score,
          bm25: bm25ByDoc.get(r.doc) ?? 0,
          vector: r.vector,
        });
    }
    return { terms, hits };
  }
  const resolved = await backend.resolve(query, docs);
  for (const doc of pool) {
    const r = resolved.get(doc);
    if (!r) continue;
    const bm25 = bm25ByDoc.get(doc) ?? 0;
    hits.push({ chunk: r.chunk, article: r.article, doc, score: fused(params, bm25, maxBm25, r.vector), bm25, vector: r.vector });
  }
  hits.sort((a, b) => b.score - a.score || a.doc - b.doc);
  return { terms, hits: hits.slice(0, k) };
}
