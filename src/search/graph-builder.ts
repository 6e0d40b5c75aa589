/**
 * The HNSW graph built while the corpus streams in: rows are added as they are embedded (labels in
 * chunk order) and appended to `vectors.f32`; `finish` calibrates efSearch on query-like probes
 * against their exact neighbours (one scan of the file) and saves the graph. From
 * WORKER_MIN_CHUNKS on, a build runs it in a worker thread (hnsw-worker.ts), so that insertion — the
 * longest step of a large build, on one core — overlaps reading, embedding and BM25 on the other.
 */
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import hnswlib from "hnswlib-node";
import { siblingModule, startWorker } from "./ts-worker.js";
import { addRows, type HnswParams, langchainStore, TARGET_RECALL, VectorIndex } from "./vector-index.js";
import { fileRows } from "./vector-rows.js";

export interface GraphResult {
  /** efSearch reaching the recall target (or the fixed one). */
  efSearch: number;
  /** Each probe's exact nearest rows, best first. */
  exact: number[][];
}

export interface GraphBuilder {
  /** Appends rows (row-major; the builder may take ownership of the array). */
  add(rows: Float32Array): Promise<void>;
  /** Writes vectors.f32 and hnsw/ into the directory; calibrates on the probes (row-major). */
  finish(probes: Float32Array, exactK: number): Promise<GraphResult>;
  /** Stops without finishing (a failed build). */
  abort(): Promise<void>;
}

export interface GraphJob {
  dir: string;
  dimensions: number;
  params: HnswParams;
}

const FIRST_CAPACITY = 1 << 14;

/** Builds in this thread. */
export function createLocalGraph(job: GraphJob): GraphBuilder {
  const { dir, dimensions: dim, params } = job;
  const index = new hnswlib.HierarchicalNSW("cosine", dim);
  index.initIndex(FIRST_CAPACITY, params.m, params.efConstruction, params.seed);
  const file = path.join(dir, "vectors.f32");
  let fd: number | null = openSync(file, "w", 0o644);
  let count = 0;
  const close = () => {
    if (fd !== null) closeSync(fd);
    fd = null;
  };
  return {
    async add(rows) {
      const n = rows.length / dim;
      // growing the graph is a remap of its memory (and untouched capacity is never resident)
      if (count + n > index.getMaxElements()) index.resizeIndex(Math.max(index.getMaxElements() * 2, count + n));
      addRows(index, rows, dim, count);
      writeSync(fd!, new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
      count += n;
    },
    async finish(probes, exactK) {
      fsyncSync(fd!);
      close();
      const rows = fileRows(file, dim);
      try {
        const q = probes.length / dim;
        const exact = q > 0 && count > 0 ? rows.exactTop(probes, Math.min(exactK, count)) : [];
        const vectors = new VectorIndex(langchainStore(index, dim), rows, dim);
        const efSearch = params.efSearch || vectors.calibrateEfSearch(probes, TARGET_RECALL, 10, exact).efSearch;
        await vectors.saveGraph(dir);
        return { efSearch, exact };
      } finally {
        rows.close?.();
      }
    },
    async abort() {
      close();
    },
  };
}

/** Batches of rows sent to the worker and not yet added, at most (back-pressure on the reader). */
export const GRAPH_QUEUE = 64;

type WorkerReply = { type: "added" } | { type: "finished"; result: GraphResult } | { type: "failed"; message: string };

/** Builds in a worker thread; rows are transferred to it, not copied. */
export function createWorkerGraph(job: GraphJob): GraphBuilder {
  const worker = startWorker(siblingModule(import.meta.url, "hnsw-worker"), { workerData: job });
  let failure: Error | null = null;
  let queued = 0;
  let wake: (() => void) | null = null;
  let finished: ((r: GraphResult) => void) | null = null;
  let rejectFinish: ((e: Error) => void) | null = null;
  const fail = (err: Error) => {
    failure ??= err;
    wake?.();
    rejectFinish?.(failure);
    // a failed graph is not finished: the thread (and its memory) goes now
    worker.removeAllListeners("exit");
    void worker.terminate();
  };
  worker.on("message", (m: WorkerReply) => {
    if (m.type === "added") {
      queued--;
      wake?.();
    } else if (m.type === "finished") finished?.(m.result);
    else fail(new Error(`HNSW worker: ${m.message}`));
  });
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`HNSW worker exited with code ${code}`)));
  return {
    async add(rows) {
      if (failure) throw failure;
      while (queued >= GRAPH_QUEUE && !failure) await new Promise<void>((r) => (wake = r));
      if (failure) throw failure;
      queued++;
      const own = rows.byteOffset === 0 && rows.byteLength === rows.buffer.byteLength ? rows : rows.slice();
      worker.postMessage({ type: "add", rows: own }, [own.buffer as ArrayBuffer]);
    },
    finish(probes, exactK) {
      return new Promise<GraphResult>((resolve, reject) => {
        if (failure) return reject(failure);
        finished = (r) => {
          finished = null;
          worker.removeAllListeners("exit");
          // its graph is freed with the thread: wait, so that loading the saved one never holds two
          worker.terminate().then(
            () => resolve(r),
            () => resolve(r),
          );
        };
        rejectFinish = reject;
        worker.postMessage({ type: "finish", probes, exactK });
      });
    },
    async abort() {
      worker.removeAllListeners("exit");
      await worker.terminate();
    },
  };
}
