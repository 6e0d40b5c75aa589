/**
 * The local hybrid backend: BM25 over typed-array postings and HNSW (hnswlib-node) over the stored
 * vectors, fused by `hybridRetrieve` (fusion.ts, shared with the Postgres backend). alpha is chosen
 * on the public evaluation sets (README, "Quality").
 */
import { Document } from "@langchain/core/documents";
import { BaseRetriever } from "@langchain/core/retrievers";
import type { SearchIndex } from "./index-format.js";
import { DEFAULT_HYBRID, type HybridBackend, type HybridParams, hybridRetrieve, type ResolvedDoc } from "./fusion.js";
import { newestDate, type RetrievalResult, type Retriever, type TermStatistics } from "./retrieval.js";

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
    if (this.newest === undefined)
      this.newest = this.index.manifest.newestDate !== undefined ? this.index.manifest.newestDate : newestDate(this.index.articles.all());
    return this.newest;
  }

  get size(): number {
    return this.index.chunks.length;
  }

  private readonly backend: HybridBackend = {
    docFreq: (t) => this.index.bm25.docFreq(t),
    keyword: (terms, n) => this.index.bm25.search(terms, n),
    embedQuery: (q) => this.index.embeddings.embedQuery(q),
    nearest: (query, n) => this.index.vectors.search(query, n),
    resolve: (query, docs) => {
      const out = new Map<number, ResolvedDoc>();
      for (const doc of docs) {
        const { chunks, articles, vectors } = this.index;
        out.set(doc, { chunk: chunks.get(doc), article: articles.get(chunks.articleOf(doc)), vector: vectors.similarity(query, doc) });
      }
      return out;
    },
    similarities: (query, docs) => docs.map((doc) => this.index.vectors.similarity(query, doc)),
  };

  retrieve(question: string, k: number): Promise<RetrievalResult> {
    return hybridRetrieve(this.backend, question, k, this.params);
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
