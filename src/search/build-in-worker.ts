/**
 * Runs buildIndex on the build thread (build-worker.ts) and loads its result here. The thread is
 * started by `prewarmBuildWorker` (or the first build) and kept, idle and unreferenced, for the
 * next one; a thread that died is replaced.
 */
import type { Worker } from "node:worker_threads";
import { IndexBuildError, IndexBusyError } from "../errors.js";
import type { BuildJob, BuildMessage, BuildRequest } from "./build-worker.js";
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
  /** Questions in flight (see yield-point.ts): the build gives way to them. */
  activity?: SharedArrayBuffer;
}

let thread: Promise<Worker> | undefined;

/** Starts the build thread (if it is not running) and resolves once its modules are loaded. */
export function prewarmBuildWorker(): Promise<Worker> {
  thread ??= new Promise<Worker>((resolve, reject) => {
    const worker = startWorker(siblingModule(import.meta.url, "build-worker"));
    worker.unref();
    const forget = () => {
      thread = undefined;
    };
    worker.once("exit", forget);
    worker.once("error", (err) => {
      forget();
      reject(err);
    });
    worker.once("message", (m: BuildMessage) =>
      m.type === "ready" ? resolve(worker) : reject(new Error(`unexpected ${m.type} from the build thread`)),
    );
  });
  return thread;
}

const failure = (message: string, cause?: unknown) =>
  new IndexBuildError(`reindex failed, the previous index keeps serving: ${message}`, { cause });

export async function buildIndexInWorker(options: WorkerBuildOptions): Promise<BuildResult> {
  const previous = await readManifest(options.dataDir);
  const job: BuildJob = {
    corpusDir: options.corpusDir,
    dataDir: options.dataDir,
    embeddings: options.embeddingsConfig,
    activity: options.activity,
  };
  const worker = await prewarmBuildWorker().catch((err: unknown) => {
    throw failure(`the build thread did not start (${(err as Error).message})`, err);
  });
  await new Promise<void>((resolve, reject) => {
    const stop = () => {
      worker.off("message", onMessage);
      worker.off("exit", onExit);
      worker.unref();
    };
    const onMessage = (m: BuildMessage) => {
      if (m.type === "progress") options.onProgress?.(m.progress);
      else if (m.type === "warning") options.onWarning?.(m.warning);
      else if (m.type === "done") {
        stop();
        resolve();
      } else if (m.type === "failed") {
        stop();
        if (m.name === "IndexBusyError") reject(new IndexBusyError(m.message));
        else reject(m.name === "IndexBuildError" ? new IndexBuildError(m.message) : failure(m.message));
      }
    };
    const onExit = (code: number) => {
      stop();
      reject(failure(`the build thread exited with code ${code}`));
    };
    worker.on("message", onMessage);
    worker.once("exit", onExit);
    worker.ref(); // a build in progress keeps the process alive
    worker.postMessage({ type: "build", job } satisfies BuildRequest);
  });
  // the worker has read every file back against its checksum
  const index = await loadIndex(options.dataDir, options.embeddings, { verify: false });
  const manifest = await readManifest(options.dataDir);
  if (!manifest) throw failure("the new index's manifest cannot be read");
  return { manifest, diff: diffManifests(previous, manifest), index };
}
