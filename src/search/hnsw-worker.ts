/**
 * Worker thread: builds and saves the HNSW graph (and calibrates efSearch) while the main thread
 * builds the keyword index — insertion is the longest step of a large build and runs on one core.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type HnswParams, VectorIndex } from "./vector-index.js";

export interface HnswJob {
  vectors: Float32Array;
  dimensions: number;
  id: string;
  params: HnswParams;
  /** Query probes for calibration (row-major), when efSearch is 0. */
  probes: Float32Array;
  dir: string;
}

const job = workerData as HnswJob;
// The graph needs no embedding model: only its dimension (LangChain's HNSWLib wants an Embeddings).
const embeddings = {
  id: job.id,
  dimensions: job.dimensions,
  embedDocuments: async () => [],
  embedQuery: async () => [],
};
const index = await VectorIndex.build(job.vectors, embeddings as never, job.params);
const efSearch = job.params.efSearch || index.calibrateEfSearch(job.probes).efSearch;
await index.save(job.dir);
parentPort!.postMessage({ efSearch });
