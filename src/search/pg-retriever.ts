/**
 * The Postgres backend of the Retriever interface. A generation is loaded once per replica: its
 * manifest, its articles (citations and 原文 need them at once), its term document frequencies
 * (questions weigh and back off their terms by them, synchronously) and its field lengths (8 bytes a
 * chunk). Chunks, postings and vectors stay in the database: a question reads the postings of its
 * terms (one row each) and scores them here with the local index's exact formula and order; nearest
 * neighbours come from pgvector's HNSW index.
 */
import type { Article, Chunk } from "../ingest/index.js";
import {
  type Bm25Params,
  bm25Idf,
  COMMON_MIN_DF,
  COMMON_SHARE,
  createPostingsSearch,
  impactsOf,
  lengthNorms,
  MAXSCORE_FROM,
  maxOf,
  type PostingsSearch,
} from "./bm25-index.js";
import { DEFAULT_HYBRID, type DocScore, type HybridBackend, type HybridParams, hybridRetrieve, type ResolvedDoc } from "./fusion.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import type { Manifest } from "./index-format.js";
import { type Db, generationTables } from "./pg-schema.js";
import { readLengths, vectorLiteral } from "./pg-publish.js";
import { newestDate, type RetrievalResult, type Retriever, type TermStatistics } from "./retrieval.js";

/** Candidates pgvector's HNSW scan keeps (ef_search): well above the 50 the fusion asks for, for recall. */
export const PG_EF_SEARCH = 200;

export interface PgGeneration {
  id: number;
  manifest: Manifest;
  articles: Article[];
  articleById: Map<string, Article>;
  /** Chunks in the generation. */
  documents: number;
  docFreq: Map<string, number>;
  bodyNorm: Float32Array;
  titleNorm: Float32Array;
}

export async function loadGeneration(db: Db, id: number): Promise<PgGeneration> {
  const t = generationTables(id);
  const g = await db.query<{ manifest: Manifest; documents: number; lengths: Buffer; status: string }>(
    "SELECT manifest, documents, lengths, status FROM citebot_generations WHERE id = $1",
    [id],
  );
  const row = g.rows[0];
  if (row?.status !== "ready") throw new Error(`generation ${id} is not ready (${row?.status ?? "missing"})`);
  const a = await db.query<{ data: Article }>(`SELECT data FROM ${t.articles} ORDER BY ord`);
  const terms = await db.query<{ term: string; df: number }>(`SELECT term, df FROM ${t.terms}`);
  const articles = a.rows.map((r) => r.data);
  const { bodyLen, titleLen } = readLengths(row.lengths, row.documents);
  return {
    id,
    manifest: row.manifest,
    articles,
    articleById: new Map(articles.map((x) => [x.id, x])),
    documents: row.documents,
    docFreq: new Map(terms.rows.map((r) => [r.term, r.df])),
    ...lengthNorms(row.manifest.bm25, { bodyLen, titleLen }),
  };
}

export class PgRetriever implements Retriever {
  readonly stats: TermStatistics;
  readonly newestDate: string | null;
  private readonly bm25: Bm25Params;
  private readonly tables: ReturnType<typeof generationTables>;
  private readonly backend: HybridBackend;
  private readonly commonDf: number;
  private readonly postings: PostingsSearch;

  constructor(
    private readonly db: Db,
    readonly generation: PgGeneration,
    embeddings: IdentifiedEmbeddings,
    readonly params: HybridParams = DEFAULT_HYBRID,
  ) {
    const { docFreq, documents } = generation;
    this.stats = { documents, docFreq: (t) => docFreq.get(t) ?? 0, idf: (t) => bm25Idf(documents, docFreq.get(t) ?? 0) };
    this.newestDate = newestDate(generation.articles);
    this.bm25 = generation.manifest.bm25;
    this.tables = generationTables(generation.id);
    this.commonDf = Math.max(COMMON_MIN_DF, documents * COMMON_SHARE);
    this.postings = createPostingsSearch(documents);
    this.backend = {
      docFreq: this.stats.docFreq,
      keyword: (terms, n) => this.keyword(terms, n),
      embedQuery: (q) => embeddings.embedQuery(q),
      nearest: (query, n) => this.nearest(query, n),
      resolve: (query, docs) => this.resolve(query, docs),
    };
  }

  get size(): number {
    return this.generation.documents;
  }

  retrieve(question: string, k: number): Promise<RetrievalResult> {
    return hybridRetrieve(this.backend, question, k, this.params);
  }

  /**
   * BM25 exactly as the local index computes it: the postings of the question's known terms, read
   * in one query, get their impacts from the stored frequencies as the local index stores them and
   * go through the same postings search (rarest first; common terms only add to documents found).
   */
  private async keyword(terms: string[], n: number): Promise<DocScore[]> {
    const { docFreq, documents } = this.generation;
    const known = [...new Set(terms)].filter((t) => (docFreq.get(t) ?? 0) > 0).sort((a, b) => docFreq.get(a)! - docFreq.get(b)!);
    if (known.length === 0) return [];
    const { rows } = await this.db.query<{ term: string; docs: Buffer; tfs: Buffer }>(
      `SELECT term, docs, tfs FROM ${this.tables.terms} WHERE term = ANY($1::text[])`,
      [known],
    );
    const byTerm = new Map(rows.map((r) => [r.term, r]));
    const lists = known.flatMap((t) => {
      const r = byTerm.get(t);
      if (!r) return [];
      const docs = words(Int32Array, r.docs);
      const impacts = impactsOf(this.bm25, docs, words(Uint32Array, r.tfs), this.generation);
      // only MaxScore (large indexes) reads a list's best impact
      const maxImpact = documents >= MAXSCORE_FROM ? maxOf(impacts) : 0;
      return [{ idf: bm25Idf(documents, docFreq.get(t)!), docs, impacts, maxImpact }];
    });
    return this.postings.search(lists, n, this.commonDf);
  }

  private async nearest(query: number[], n: number): Promise<{ doc: number }[]> {
    if (!query.every(Number.isFinite)) return [];
    // one simple-protocol round trip: the scan's breadth, then the scan (the literal holds only numbers)
    const results = (await this.db.query(
      `SET hnsw.ef_search = ${Math.max(PG_EF_SEARCH, n)}; SELECT doc FROM ${this.tables.chunks} ORDER BY embedding <=> '${vectorLiteral(query)}'::vector LIMIT ${n | 0}`,
    )) as unknown as { rows: { doc: number }[] }[];
    return results[1]!.rows;
  }

  private async resolve(query: number[], docs: number[]): Promise<Map<number, ResolvedDoc>> {
    const out = new Map<number, ResolvedDoc>();
    if (docs.length === 0) return out;
    const { rows } = await this.db.query<{
      doc: number;
      id: string;
      article_id: string;
      ordinal: number;
      start_at: number;
      end_at: number;
      text: string;
      sim: number;
    }>(
      `SELECT doc, id, article_id, ordinal, start_at, end_at, text, 1 - (embedding <=> $1::vector) AS sim
       FROM ${this.tables.chunks} WHERE doc = ANY($2::int[])`,
      [vectorLiteral(query), docs],
    );
    for (const r of rows) {
      const article = this.generation.articleById.get(r.article_id);
      if (!article) continue;
      const chunk: Chunk = { id: r.id, articleId: r.article_id, ordinal: r.ordinal, text: r.text, start: r.start_at, end: r.end_at };
      out.set(r.doc, { chunk, article, vector: r.sim });
    }
    return out;
  }
}

/** 32-bit words of a buffer: a view where its offset is aligned (large buffers), else a copy. */
function words<T extends Int32Array | Uint32Array>(make: new (b: ArrayBuffer, offset?: number, length?: number) => T, b: Buffer): T {
  if (b.byteOffset % 4 === 0) return new make(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength >> 2);
  return new make(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}
