/**
 * Chooses where the graph is built once the corpus shows its size: rows are held until
 * WORKER_MIN_CHUNKS of them have come (a few MB); then a worker thread takes them and the rest
 * (a large corpus), or, when the corpus ends first, they are built here (a worker's start-up would
 * cost more than it saves). A build already off the serving thread builds here from the start.
 */
import { WORKER_MIN_CHUNKS } from "./build-phases.js";
import { createLocalGraph, createWorkerGraph, type GraphBuilder, type GraphJob } from "./graph-builder.js";

export function createDeferredGraph(job: GraphJob, parallel: boolean): GraphBuilder {
  if (!parallel) return createLocalGraph(job);
  let held: Float32Array[] = [];
  let count = 0;
  let target: GraphBuilder | null = null;
  const settle = async (make: (job: GraphJob) => GraphBuilder) => {
    target = make(job);
    const rows = held;
    held = [];
    for (const r of rows) await target.add(r);
    return target;
  };
  return {
    async add(rows) {
      if (target) return target.add(rows);
      held.push(rows);
      count += rows.length / job.dimensions;
      if (count >= WORKER_MIN_CHUNKS) await settle(createWorkerGraph);
    },
    async finish(probes, exactK) {
      return (target ?? (await settle(createLocalGraph))).finish(probes, exactK);
    },
    async abort() {
      held = [];
      await target?.abort();
    },
  };
}
