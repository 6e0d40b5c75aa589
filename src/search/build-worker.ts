/**
 * Worker thread: one whole index build (reading, segmenting, embedding, BM25, HNSW, writing), so
 * the process that serves questions keeps its event loop free while it reindexes. Progress and
 * warnings are posted back as they happen; the result is on disk, loaded by the caller.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createEmbeddings, type EmbeddingsConfig } from "./embeddings.js";
import { buildIndex } from "./index-build.js";

export interface BuildJob {
  corpusDir: string;
  dataDir: string;
  embeddings: EmbeddingsConfig;
}

export type BuildMessage =
  | { type: "progress"; progress: import("./index-build.js").BuildProgress }
  | { type: "warning"; warning: import("../ingest/types.js").IngestWarning }
  | { type: "done" }
  | { type: "failed"; name: string; message: string; code?: string };

const job = workerData as BuildJob;
const post = (m: BuildMessage) => parentPort!.postMessage(m);
try {
  await buildIndex({
    corpusDir: job.corpusDir,
    dataDir: job.dataDir,
    embeddings: await createEmbeddings(job.embeddings),
    // one core for this build, the other stays with the thread that answers questions
    parallelGraph: false,
    onProgress: (progress) => post({ type: "progress", progress }),
    onWarning: (warning) => post({ type: "warning", warning }),
  });
  post({ type: "done" });
} catch (err) {
  const e = err as Error & { code?: string };
  post({ type: "failed", name: e.name, message: e.message, ...(e.code ? { code: e.code } : {}) });
}
