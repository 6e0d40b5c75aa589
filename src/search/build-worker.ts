/**
 * The build thread: whole index builds (reading, segmenting, embedding, BM25, HNSW, writing) off
 * the thread that answers questions. It is started once, ahead of the first reindex (so loading
 * its modules and the jieba dictionary never coincides with one), and then runs one build per
 * "build" message, posting progress and warnings as they happen; the result is on disk.
 */
import os from "node:os";
import { parentPort } from "node:worker_threads";
import { getJieba } from "./text-normalize.js";
import { createEmbeddings, type EmbeddingsConfig } from "./embeddings.js";
import { type BuildProgress, buildIndex } from "./index-build.js";
import { verifyFiles } from "./index-files.js";
import { setYieldHook, waitWhileActive } from "./yield-point.js";
import type { IngestWarning } from "../ingest/index.js";

/** The build thread's nice value (19 = lowest priority). */
export const BUILD_NICE = 19;
/** Progress is posted at most this often (a phase change always): thousands of messages would cost the serving thread. */
export const PROGRESS_MS = 200;

export interface BuildJob {
  corpusDir: string;
  dataDir: string;
  embeddings: EmbeddingsConfig;
  /** The serving thread's question counter: the build pauses at its yield points while it is above zero. */
  activity?: SharedArrayBuffer;
}

export type BuildRequest = { type: "build"; job: BuildJob };

export type BuildMessage =
  | { type: "ready" }
  | { type: "progress"; progress: BuildProgress }
  | { type: "warning"; warning: IngestWarning }
  | { type: "done" }
  | { type: "failed"; name: string; message: string; code?: string };

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

async function run(job: BuildJob): Promise<void> {
  setYieldHook(job.activity ? waitWhileActive(job.activity) : undefined);
  let lastPhase = "";
  let lastPost = 0;
  const progress = (p: BuildProgress) => {
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
}

getJieba(); // the dictionary loads now, not during the first build
parentPort!.on("message", (m: BuildRequest) => void run(m.job));
post({ type: "ready" });
