/** Runs buildIndex in a worker thread (build-worker.ts) and loads its result here. */
import { IndexBuildError, IndexBusyError } from "../errors.js";
import type { BuildJob, BuildMessage } from "./build-worker.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import { type BuildOptions, type BuildResult, diffManifests } from "./index-build.js";
import { readManifest } from "./index-format.js";
import { loadIndex } from "./index-store.js";
import { siblingModule, startWorker } from "./ts-worker.js";

export interface WorkerBuildOptions extends Pick<BuildOptions, "corpusDir" | "dataDir" | "onProgress" | "onWarning"> {
  /** The embedding the serving process uses (to load the result). */
  embeddings: IdentifiedEmbeddings;
  /** How the worker makes the same embedding (it cannot share the object). */
  embeddingsConfig: BuildJob["embeddings"];
}

export async function buildIndexInWorker(options: WorkerBuildOptions): Promise<BuildResult> {
  const previous = await readManifest(options.dataDir);
  const job: BuildJob = { corpusDir: options.corpusDir, dataDir: options.dataDir, embeddings: options.embeddingsConfig };
  await new Promise<void>((resolve, reject) => {
    const worker = startWorker(siblingModule(import.meta.url, "build-worker"), { workerData: job });
    let settled = false;
    worker.on("message", (m: BuildMessage) => {
      if (m.type === "progress") options.onProgress?.(m.progress);
      else if (m.type === "warning") options.onWarning?.(m.warning);
      else {
        settled = true;
        if (m.type === "done") resolve();
        else if (m.name === "IndexBusyError") reject(new IndexBusyError(m.message));
        else reject(m.name === "IndexBuildError" ? new IndexBuildError(m.message) : new IndexBuildError(`reindex failed, the previous index keeps serving: ${m.message}`));
      }
    });
    worker.once("error", (err) => {
      if (!settled) reject(new IndexBuildError(`reindex failed, the previous index keeps serving: ${err.message}`, { cause: err }));
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new IndexBuildError(`reindex failed, the previous index keeps serving: the build worker exited with code ${code}`));
    });
  });
  // the worker has read every file back against its checksum
  const index = await loadIndex(options.dataDir, options.embeddings, { verify: false });
  return { manifest: index.manifest, diff: diffManifests(previous, index.manifest), index };
}
