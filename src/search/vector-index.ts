/**
 * Vector index: LangChain's HNSWLib store (hnswlib-node, cosine space) with explicit HNSW
 * parameters, plus the raw vectors kept beside it for exact re-scoring and for reusing
 * unchanged chunks' embeddings on the next build.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { Document } from "@langchain/core/documents";
import hnswlib from "hnswlib-node";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";

export interface HnswParams {
  m: number;
  efConstruction: number;
  efSearch: number;
  seed: number;
}

export const DEFAULT_HNSW: HnswParams = { m: 16, efConstruction: 100, efSearch: 64, seed: 100 };

export interface VectorHit {
  doc: number;
  /** Cosine similarity (1 - LangChain's cosine distance). */
  similarity: number;
}

export class VectorIndex {
  constructor(
    readonly store: HNSWLib,
    /** Row-major vectors, one row per chunk, in chunk order. */
    readonly vectors: Float32Array,
    readonly dimensions: number,
  ) {}

  get size(): number {
    return this.vectors.length / this.dimensions;
  }

  static async build(vectors: number[][], embeddings: IdentifiedEmbeddings, params: HnswParams = DEFAULT_HNSW): Promise<VectorIndex> {
    const dim = embeddings.dimensions;
    const index = new hnswlib.HierarchicalNSW("cosine", dim);
    index.initIndex(Math.max(1, vectors.length), params.m, params.efConstruction, params.seed);
    const store = new HNSWLib(embeddings as never, { space: "cosine", numDimensions: dim, index });
    const docs = vectors.map((_, i) => new Document({ pageContent: "", metadata: { doc: i } }));
    if (vectors.length > 0) {
      // HNSWLib re-initialises an empty index with default parameters: seed it with the first point.
      index.addPoint(vectors[0]!, 0);
      store.docstore.add({ 0: docs[0]! });
      await store.addVectors(vectors.slice(1), docs.slice(1));
    }
    index.setEf(params.efSearch);
    const flat = new Float32Array(vectors.length * dim);
    vectors.forEach((v, i) => flat.set(v, i * dim));
    return new VectorIndex(store, flat, dim);
  }

  async save(dir: string): Promise<void> {
    await fs.mkdir(dir, { recursive: true });
    if (this.size > 0) await this.store.save(path.join(dir, "hnsw"));
    await fs.writeFile(path.join(dir, "vectors.f32"), Buffer.from(this.vectors.buffer, this.vectors.byteOffset, this.vectors.byteLength));
  }

  static async load(dir: string, embeddings: IdentifiedEmbeddings, efSearch: number): Promise<VectorIndex> {
    const raw = await fs.readFile(path.join(dir, "vectors.f32"));
    const vectors = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    let store: HNSWLib;
    if (vectors.length > 0) {
      store = await HNSWLib.load(path.join(dir, "hnsw"), embeddings as never);
      store.index.setEf(efSearch);
    } else {
      store = new HNSWLib(embeddings as never, { space: "cosine", numDimensions: embeddings.dimensions });
    }
    return new VectorIndex(store, Float32Array.from(vectors), embeddings.dimensions);
  }

  row(doc: number): Float32Array {
    return this.vectors.subarray(doc * this.dimensions, (doc + 1) * this.dimensions);
  }

  /** Exact cosine similarity with a stored row (vectors are unit length). */
  similarity(query: number[], doc: number): number {
    const r = this.row(doc);
    let s = 0;
    for (let i = 0; i < r.length; i++) s += r[i]! * query[i]!;
    return s;
  }

  /** Approximate nearest neighbours through the HNSW graph. */
  async search(query: number[], k: number): Promise<VectorHit[]> {
    const n = Math.min(k, this.size);
    if (n === 0) return [];
    const results = await this.store.similaritySearchVectorWithScore(query, n);
    return results.map(([doc, distance]) => ({ doc: doc.metadata.doc as number, similarity: 1 - distance }));
  }
}
