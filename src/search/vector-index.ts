/**
 * Vector index: LangChain's HNSWLib store (hnswlib-node, cosine space) with explicit HNSW
 * parameters, plus the raw vectors beside it (`vectors.f32`) for exact re-scoring and for reusing
 * unchanged chunks' embeddings on the next build. A loaded index reads those rows from the file
 * when a candidate is scored, not into memory. The graph's labels are the chunk positions, so
 * LangChain's docstore (one Document per vector) is left empty and the graph is searched directly.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import hnswlib from "hnswlib-node";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import { fileRows, memoryRows, type VectorRows } from "./vector-rows.js";
import { YIELD_EVERY, yieldPoint } from "./yield-point.js";

export { fileRows, memoryRows, type VectorRows } from "./vector-rows.js";

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
  /** Cosine similarity (1 - hnswlib's cosine distance). */
  similarity: number;
}

/** A graph wrapped as LangChain's store (what `save` and `HNSWLib.load` read and write). */
export const langchainStore = (index: hnswlib.HierarchicalNSW, dimensions: number): HNSWLib =>
  new HNSWLib({ embedQuery: async () => [], embedDocuments: async () => [] } as never, {
    space: "cosine",
    numDimensions: dimensions,
    index,
  });

/** Stored vectors up to this size are kept in memory (100k chunks: 51 MB); larger ones are read per candidate. */
export const VECTORS_IN_MEMORY_MAX_BYTES = 256 << 20;

export class VectorIndex {
  constructor(
    readonly store: HNSWLib,
    /** The stored vectors, one row per chunk, in chunk order. */
    readonly rows: VectorRows,
    readonly dimensions: number,
  ) {}

  get size(): number {
    return this.rows.size;
  }

  /** Builds the HNSW graph over row-major vectors (one row per chunk, unit length), in memory. */
  static build(
    flat: Float32Array,
    embeddings: IdentifiedEmbeddings,
    params: HnswParams = DEFAULT_HNSW,
    efSearch = params.efSearch || 64,
  ): VectorIndex {
    const dim = embeddings.dimensions;
    const n = flat.length / dim;
    const index = new hnswlib.HierarchicalNSW("cosine", dim);
    index.initIndex(Math.max(1, n), params.m, params.efConstruction, params.seed);
    addRows(index, flat, dim, 0);
    index.setEf(efSearch);
    return new VectorIndex(langchainStore(index, dim), memoryRows(flat, dim), dim);
  }

  get efSearch(): number {
    return this.store.index.getEf();
  }

  setEfSearch(ef: number): void {
    this.store.index.setEf(ef);
  }

  /**
   * The smallest efSearch whose recall@k against exact search reaches `target` on the given query
   * vectors (row-major), plus CALIBRATION_MARGIN_STEPS, or the largest step tried. Sets it on the
   * index and returns it (with the recall measured at the step that reached the target). `exact`
   * (each probe's exact neighbours, best first) is computed when not given.
   */
  calibrateEfSearch(queries: Float32Array, target = TARGET_RECALL, k = 10, exact?: number[][]): { efSearch: number; recall: number } {
    const q = queries.length / this.dimensions;
    if (this.size <= k || q === 0) {
      this.setEfSearch(Math.max(k, 64));
      return { efSearch: this.efSearch, recall: 1 };
    }
    const want = (exact ?? this.rows.exactTop(queries, k)).map((l) => new Set(l.slice(0, k)));
    let best = { efSearch: EF_SEARCH_STEPS.at(-1)!, recall: 0 };
    const steps = EF_SEARCH_STEPS.filter((ef) => ef >= k);
    for (const [step, ef] of steps.entries()) {
      this.setEfSearch(ef);
      let found = 0;
      for (let i = 0; i < q; i++) {
        const got = this.store.index.searchKnn(Array.from(queries.subarray(i * this.dimensions, (i + 1) * this.dimensions)), k).neighbors;
        found += got.filter((d) => want[i]!.has(d)).length;
      }
      const recall = found / (q * k);
      best = { efSearch: ef, recall };
      if (recall >= target) {
        // one step more: real questions are harder than the probes (measured: 0.94 vs 0.96 at 100k)
        best = { efSearch: steps[Math.min(step + CALIBRATION_MARGIN_STEPS, steps.length - 1)]!, recall };
        break;
      }
    }
    this.setEfSearch(best.efSearch);
    return best;
  }

  /** Exact top-k rows by cosine (brute force over every stored row). */
  exactTop(query: Float32Array | number[], k: number): Set<number> {
    return new Set(this.rows.exactTop(Float32Array.from(query), k)[0]);
  }

  /** Saves the graph (LangChain's HNSWLib layout) into dir/hnsw. */
  async saveGraph(dir: string): Promise<void> {
    if (this.size > 0) await this.store.save(path.join(dir, "hnsw"));
  }

  /** Loads the graph; the vectors are read into memory up to VECTORS_IN_MEMORY_MAX_BYTES, else a row at a time from `vectors.f32`. */
  static async load(
    dir: string,
    embeddings: IdentifiedEmbeddings,
    efSearch: number,
    inMemoryMaxBytes = VECTORS_IN_MEMORY_MAX_BYTES,
  ): Promise<VectorIndex> {
    const file = path.join(dir, "vectors.f32");
    const bytes = (await fs.stat(file)).size;
    const rows =
      bytes <= inMemoryMaxBytes
        ? memoryRows(new Float32Array(new Uint8Array(await fs.readFile(file)).buffer), embeddings.dimensions)
        : fileRows(file, embeddings.dimensions);
    let store: HNSWLib;
    if (rows.size > 0) {
      store = await HNSWLib.load(path.join(dir, "hnsw"), embeddings as never);
      store.index.setEf(efSearch);
    } else {
      store = new HNSWLib(embeddings as never, { space: "cosine", numDimensions: embeddings.dimensions });
    }
    return new VectorIndex(store, rows, embeddings.dimensions);
  }

  row(doc: number): Float32Array {
    return this.rows.row(doc);
  }

  /** Exact cosine similarity with a stored row (vectors are unit length). */
  similarity(query: number[], doc: number): number {
    const r = this.rows.row(doc);
    let s = 0;
    for (let i = 0; i < r.length; i++) s += r[i]! * query[i]!;
    return s;
  }

  /** Approximate nearest neighbours through the HNSW graph, nearest first. */
  async search(query: number[], k: number): Promise<VectorHit[]> {
    const n = Math.min(k, this.size);
    if (n === 0) return [];
    const { neighbors, distances } = this.store.index.searchKnn(query, n);
    return neighbors.map((doc, i) => ({ doc, similarity: 1 - distances[i]! }));
  }

  /** Releases the vectors file (a replaced index, once the questions on it are done). */
  close(): void {
    this.rows.close?.();
  }
}

/** Adds row-major vectors to a graph, labelled from `first` on (hnswlib copies each from one reused row). */
export function addRows(index: hnswlib.HierarchicalNSW, flat: Float32Array, dim: number, first: number): void {
  const row = new Array<number>(dim);
  const n = flat.length / dim;
  for (let i = 0; i < n; i++) {
    if ((first + i) % YIELD_EVERY === 0) yieldPoint();
    for (let j = 0; j < dim; j++) row[j] = flat[i * dim + j]!;
    index.addPoint(row, first + i);
  }
}
