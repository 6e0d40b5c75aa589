/**
 * Worker thread: one whole index build (reading, segmenting, embedding, BM25, HNSW, writing), so
 * the process that serves questions keeps its event loop free while it reindexes. Progress and
 * warnings are posted back as they happen; the result is on disk, loaded by the caller.
 */
import os from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { createEmbeddings, type EmbeddingsConfig } from "./embeddings.js";
import { buildIndex } from "./index-build.js";
import { verifyFiles } from "./index-files.js";

/** The build thread's nice value (19 = lowest priority). */
export const BUILD_NICE = 19;

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
// Linux keeps a nice value per thread, and setpriority(0) names the calling thread: this lowers the
// build's priority alone, so the scheduler prefers the thread that answers questions. (Elsewhere
// it would lower the whole process, so it is left alone there.)
if (process.platform === "linux") {
  try {
    os.setPriority(BUILD_NICE);
  } catch {
    /* not permitted: build at normal priority */
  }
}
const post = (m: BuildMessage) => parentPort!.postMessage(m);
/** Progress is posted at most this often (a phase change always): thousands of messages would cost the serving thread. */
const PROGRESS_MS = 200;
let lastPhase = "";
let lastPost = 0;
const progress = (p: import("./index-build.js").BuildProgress) => {
  const now = Date.now();
  if (p.phase === lastPhase && now - lastPost < PROGRESS_MS) return;
  lastPhase = p.phase;
  lastPost = now;
  post({ type: "progress", progress: p });
};
try {
  const built = await buildIndex({
    corpusDir: job.corpusDir,
    dataDir: job.dataDir,
    embeddings: await createEmbeddings(job.embeddings),
    // one core for this build, the other stays with the thread that answers questions
    parallelGraph: false,
    onProgress: progress,
    onWarning: (warning) => post({ type: "warning", warning }),
  });
  // read back what was written, here, so the serving thread can load it without hashing it again
  await verifyFiles(built.index.dir, built.manifest.checksums);
  post({ type: "done" });
} catch (err) {
  const e = err as Error & { code?: string };
  post({ type: "failed", name: e.name, message: e.message, ...(e.code ? { code: e.code } : {}) });
}
