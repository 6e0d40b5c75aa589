/**
 * Hybrid retrieval: BM25 candidates and HNSW candidates are pooled, every candidate gets
 * both scores (the vector score exactly, from the stored vectors), and they are fused
 * linearly: alpha · bm25/max(bm25) + (1 - alpha) · cosine. alpha is chosen on the public
 * evaluation sets (README, "Quality").
 */
import { Document } from "@langchain/core/documents";
import { BaseRetriever } from "@langchain/core/retrievers";
import { isIsoDate } from "../ingest/index.js";
import type { SearchIndex } from "./index-format.js";
import type { RetrievalResult, Retriever, ScoredChunk, TermStatistics } from "./retrieval.js";
import { backoffTerms, queryTerms } from "./text-normalize.js";

export interface HybridParams {
  /** Weight of the keyword score; 1 - alpha goes to the vector score. */
  alpha: number;
  /** Candidates taken from each index before fusion. */
  candidates: number;
}

export const DEFAULT_HYBRID: HybridParams = { alpha: 0.8, candidates: 50 };

/**
 * The local backend of the Retriever interface. It stays a LangChain BaseRetriever on purpose:
 * `invoke(question)` gives LangChain Documents to any LangChain chain that wants this archive as
 * a retriever, at no cost to our own path (`retrieve`), which keeps scores and offsets.
 */
export class HybridRetriever extends BaseRetriever implements Retriever {
  lc_namespace = ["citebot", "retrievers", "hybrid"];
  readonly stats: TermStatistics;

  constructor(
    readonly index: SearchIndex,
    readonly params: HybridParams = DEFAULT_HYBRID,
  ) {
    super({});
    const bm25 = index.bm25;
    this.stats = { documents: bm25.size, docFreq: (t) => bm25.docFreq(t), idf: (t) => bm25.idf(t) };
  }

  private newest: string | null | undefined;
  get newestDate(): string | null {
    if (this.newest === undefined) {
      let newest: string | null = null;
      for (const a of this.index.articles) {
        const d = a.meta.date;
        if (isIsoDate(d) && (newest === null || d > newest)) newest = d;
      }
      this.newest = newest;
    }
    return this.newest;
  }

  get size(): number {
    return this.index.chunks.length;
  }

  async retrieve(question: string, k: number): Promise<RetrievalResult> {
    const { index, params } = this;
    const { search, coverage: terms } = backoffTerms(question, queryTerms(question), (t) => index.bm25.docFreq(t));
    const n = Math.max(k, params.candidates);
    const keyword = index.bm25.search(search, n);
    const query = await index.embeddings.embedQuery(question);
    const semantic = params.alpha < 1 ? await index.vectors.search(query, n) : [];
    const pool = new Set<number>([...keyword.map((h) => h.doc), ...semantic.map((h) => h.doc)]);
    const bm25ByDoc = new Map(keyword.map((h) => [h.doc, h.score]));
    const maxBm25 = keyword[0]?.score ?? 0;
    const hits: ScoredChunk[] = [];
    for (const doc of pool) {
      const chunk = index.chunks[doc]!;
      const bm25 = bm25ByDoc.get(doc) ?? 0;
      const vector = index.vectors.similarity(query, doc);
      const score = params.alpha * (maxBm25 > 0 ? bm25 / maxBm25 : 0) + (1 - params.alpha) * Math.max(0, vector);
      hits.push({ chunk, article: index.articleById.get(chunk.articleId)!, doc, score, bm25, vector });
    }
    hits.sort((a, b) => b.score - a.score || a.doc - b.doc);
    return { terms, hits: hits.slice(0, k) };
  }

  async _getRelevantDocuments(query: string): Promise<Document[]> {
    const { hits } = await this.retrieve(query, 4);
    return hits.map(
      (h) =>
        new Document({
          pageContent: h.chunk.text,
          metadata: { chunkId: h.chunk.id, articleId: h.article.id, source: h.article.source, title: h.article.title, score: h.score },
        }),
    );
  }
}
