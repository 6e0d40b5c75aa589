/**
 * Worker thread: builds the HNSW graph from the rows the build streams to it (graph-builder.ts),
 * then calibrates efSearch and saves the graph, while the main thread reads, embeds and builds the
 * keyword index.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createLocalGraph, type GraphJob } from "./graph-builder.js";

type Request = { type: "add"; rows: Float32Array } | { type: "finish"; probes: Float32Array; exactK: number };

const graph = createLocalGraph(workerData as GraphJob);
const port = parentPort!;
port.on("message", async (m: Request) => {
  try {
    if (m.type === "add") {
      await graph.add(m.rows);
      port.postMessage({ type: "added" });
    } else {
      port.postMessage({ type: "finished", result: await graph.finish(m.probes, m.exactK) });
    }
  } catch (err) {
    port.postMessage({ type: "failed", message: (err as Error).message });
  }
});
