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
import { siblingModule, startWorker } from "./ts-worker.js";
import { YIELD_EVERY, yieldPoint } from "./yield-point.js";

export interface HnswParams {
  m: number;
  efConstruction: number;
  /** Search breadth; 0 = calibrated at build time (see calibrateEfSearch), and recorded in the manifest. */
  efSearch: number;
  seed: number;
}

/** Chosen in `npm run bench` (README, "Speed"): recall@10 ≥ 0.95 at 100k chunks within the build budget. */
export const DEFAULT_HNSW: HnswParams = { m: 32, efConstruction: 100, efSearch: 0, seed: 100 };

/** efSearch values tried by the calibration, smallest first. */
export const EF_SEARCH_STEPS = [32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024];
export const TARGET_RECALL = 0.95;
/** Steps added above the one that reaches the target on the probes. */
export const CALIBRATION_MARGIN_STEPS = 1;

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

  /** Builds the HNSW graph over row-major vectors (one row per chunk, unit length). */
  static async build(
    flat: Float32Array,
    embeddings: IdentifiedEmbeddings,
    params: HnswParams = DEFAULT_HNSW,
    efSearch = params.efSearch || 64,
  ): Promise<VectorIndex> {
    const dim = embeddings.dimensions;
    const n = flat.length / dim;
    const index = new hnswlib.HierarchicalNSW("cosine", dim);
    index.initIndex(Math.max(1, n), params.m, params.efConstruction, params.seed);
    const store = new HNSWLib(embeddings as never, { space: "cosine", numDimensions: dim, index });
    const vi = new VectorIndex(store, flat, dim);
    if (n > 0) {
      // Points go straight into the graph (hnswlib copies them from one reused row: no array per
      // vector), and LangChain's docstore gets every label at once, so HNSWLib finds them on search.
      const row = new Array<number>(dim);
      for (let i = 0; i < n; i++) {
        if (i % YIELD_EVERY === 0) yieldPoint();
        for (let j = 0; j < dim; j++) row[j] = flat[i * dim + j]!;
        index.addPoint(row, i);
      }
      const docs: Record<number, Document> = {};
      for (let i = 0; i < n; i++) docs[i] = new Document({ pageContent: "", metadata: { doc: i } });
      store.docstore.add(docs);
    }
    index.setEf(efSearch);
    return vi;
  }

  /**
   * Builds, calibrates and saves the graph in a worker thread (so the caller can do other work
   * meanwhile), then loads it. Falls back to building in this thread where a worker cannot start.
   */
  static async buildInWorker(
    flat: Float32Array,
    embeddings: IdentifiedEmbeddings,
    params: HnswParams,
    probes: Float32Array,
    dir: string,
  ): Promise<{ index: VectorIndex; efSearch: number }> {
    let efSearch: number;
    try {
      efSearch = await new Promise<number>((resolve, reject) => {
        const worker = startWorker(siblingModule(import.meta.url, "hnsw-worker"), {
          workerData: { vectors: flat, dimensions: embeddings.dimensions, id: embeddings.id, params, probes, dir },
        });
        worker.once("message", (m: { efSearch: number }) => resolve(m.efSearch));
        worker.once("error", reject);
        worker.once("exit", (code) => code !== 0 && reject(new Error(`HNSW worker exited with code ${code}`)));
      });
    } catch {
      const index = await VectorIndex.build(flat, embeddings, params);
      efSearch = params.efSearch || index.calibrateEfSearch(probes).efSearch;
      await index.save(dir);
      return { index, efSearch };
    }
    return { index: await VectorIndex.load(dir, embeddings, efSearch), efSearch };
  }

  get efSearch(): number {
    return this.store.index.getEf();
  }

  /**
   * The smallest efSearch whose recall@10 against exact search reaches `target` on the given
   * query vectors (row-major), plus CALIBRATION_MARGIN_STEPS, or the largest step tried. Sets it
   * on the index and returns it (with the recall measured at the step that reached the target).
   */
  calibrateEfSearch(queries: Float32Array, target = TARGET_RECALL, k = 10): { efSearch: number; recall: number } {
    const n = this.size;
    const q = queries.length / this.dimensions;
    if (n <= k || q === 0) {
      this.store.index.setEf(Math.max(k, 64));
      return { efSearch: this.store.index.getEf(), recall: 1 };
    }
    const exact = Array.from({ length: q }, (_, i) => this.exactTop(queries.subarray(i * this.dimensions, (i + 1) * this.dimensions), k));
    let best = { efSearch: EF_SEARCH_STEPS.at(-1)!, recall: 0 };
    const steps = EF_SEARCH_STEPS.filter((ef) => ef >= k);
    for (const [step, ef] of steps.entries()) {
      this.store.index.setEf(ef);
      let found = 0;
      for (let i = 0; i < q; i++) {
        const got = this.store.index.searchKnn(Array.from(queries.subarray(i * this.dimensions, (i + 1) * this.dimensions)), k).neighbors;
        const want = exact[i]!;
        found += got.filter((d) => want.has(d)).length;
      }
      const recall = found / (q * k);
      best = { efSearch: ef, recall };
      if (recall >= target) {
        // one step more: real questions are harder than the probes (measured: 0.94 vs 0.96 at 100k)
        best = { efSearch: steps[Math.min(step + CALIBRATION_MARGIN_STEPS, steps.length - 1)]!, recall };
        break;
      }
    }
    this.store.index.setEf(best.efSearch);
    return best;
  }

  /** Exact top-k rows by cosine (brute force). */
  exactTop(query: Float32Array | number[], k: number): Set<number> {
    const n = this.size;
    const d = this.dimensions;
    const scores = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      const o = i * d;
      for (let j = 0; j < d; j++) s += this.vectors[o + j]! * query[j]!;
      scores[i] = s;
    }
    const top: number[] = [];
    for (let i = 0; i < n; i++) {
      if (top.length < k) {
        top.push(i);
        top.sort((a, b) => scores[b]! - scores[a]!);
      } else if (scores[i]! > scores[top[k - 1]!]!) {
        top[k - 1] = i;
        top.sort((a, b) => scores[b]! - scores[a]!);
      }
    }
    return new Set(top);
  }

  /** The directory this index was last saved to or loaded from. */
  private persistedAt?: string;

  async save(dir: string): Promise<void> {
    if (this.persistedAt === dir) return;
    this.persistedAt = dir;
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
    const index = new VectorIndex(store, Float32Array.from(vectors), embeddings.dimensions);
    index.persistedAt = dir;
    return index;
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
