/**
 * The end of a build, after the corpus has streamed through: column files written, probes taken from
 * them, the graph finished, the keyword index laid out and written, efSearch calibrated, and the
 * directory sealed (every file flushed and checksummed).
 */
import path from "node:path";
import { type Bm25Builder, Bm25Index, DEFAULT_BM25 } from "./bm25-index.js";
import { calibrationProbes, type StreamedCorpus } from "./build-phases.js";
import { DEFAULT_HYBRID } from "./fusion.js";
import { fusedEfSearch } from "./fused-calibration.js";
import type { GraphBuilder } from "./graph-builder.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import { checksumFile, type FileChecksum, listFiles, readVerifiedSync, syncDir, syncFile, writeDurable } from "./index-files.js";
import { BM25_TF } from "./index-format.js";
import { openStores } from "./index-stores.js";
import type { Bm25Params } from "./bm25-index.js";
import { type HnswParams, VectorIndex } from "./vector-index.js";

async function writeFiles(dir: string, files: Array<[string, string | Uint8Array | Uint8Array[]]>): Promise<Record<string, FileChecksum>> {
  const written: Record<string, FileChecksum> = {};
  for (const [name, data] of files) written[name] = await writeDurable(path.join(dir, name), Array.isArray(data) ? data : [data]);
  return written;
}

const bytes = (a: Float64Array | Int32Array | Uint32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The chunk and article column files. */
const columnFiles = (streamed: StreamedCorpus): Array<[string, Uint8Array]> => [
  ["articles.idx", bytes(streamed.articleOffsets)],
  ["chunks.bin", bytes(streamed.columns)],
  ["chunk-hashes.bin", Buffer.from(streamed.hashes.join(""), "hex")],
];

/** The keyword index's files (its columns written as they are, not copied into one buffer). */
function bm25Files(bm25: Bm25Index): Array<[string, string | Uint8Array[]]> {
  const { binary, ...head } = bm25.serializeParts();
  return [
    ["bm25.json", JSON.stringify(head)],
    ["bm25.bin", binary],
  ];
}

/** Flushes and checksums what hnswlib and LangChain wrote themselves, then fsyncs the directories. */
export async function sealDirectory(dir: string, written: Record<string, FileChecksum>): Promise<Record<string, FileChecksum>> {
  const all = { ...written };
  for (const name of await listFiles(dir)) {
    if (all[name]) continue;
    await syncFile(path.join(dir, name));
    all[name] = await checksumFile(path.join(dir, name));
  }
  for (const sub of new Set(Object.keys(all).map((n) => path.dirname(n)))) await syncDir(path.join(dir, sub));
  return all;
}

/**
 * Phase "index": the keyword index finished and written with the column files, the graph finished
 * (efSearch calibrated on probes from the written chunks), then efSearch lowered to what the fused
 * ranking needs (fused-calibration.ts). `opened` learns how to close what is open by then.
 */
export async function finishIndexes(
  dir: string,
  streamed: StreamedCorpus,
  bm25Builder: Bm25Builder,
  graph: GraphBuilder,
  options: { embeddings: IdentifiedEmbeddings; hnsw: HnswParams; bm25?: Bm25Params },
  opened: (close: () => void) => void,
) {
  const { embeddings, hnsw } = options;
  const written = { ...streamed.checksums, ...(await writeFiles(dir, columnFiles(streamed))) };
  const stores = await openStores(dir);
  opened(stores.close);
  const probes = hnsw.efSearch ? null : await calibrationProbes(stores.chunks, embeddings);
  // the graph is finished (and the worker holding it gone) before the postings are laid out: the
  // two never take memory at once
  const graphResult = await graph.finish(probes?.flat ?? new Float32Array(0), DEFAULT_HYBRID.candidates);
  const columns = bm25Builder.finish();
  // the frequencies go to their own file first; the impacts then take their memory
  Object.assign(written, await writeFiles(dir, [[BM25_TF, bytes(columns.postTf)]]));
  const tfFile = written[BM25_TF];
  let at = dir; // where the frequencies are read from: the directory moves when the build commits
  const bm25 = Bm25Index.fromColumnsInPlace(columns, options.bm25 ?? DEFAULT_BM25, () => readVerifiedSync(at, BM25_TF, tfFile));
  Object.assign(written, await writeFiles(dir, bm25Files(bm25)));
  const vectors = await VectorIndex.load(dir, embeddings, graphResult.efSearch);
  opened(() => {
    stores.close();
    vectors.close();
  });
  const efSearch = probes
    ? (
        await fusedEfSearch({
          bm25,
          vectors,
          ...stores,
          probes: probes.texts.map((text, i) => ({ text, vector: probes.vectors[i]! })),
          upTo: graphResult.efSearch,
          exact: graphResult.exact,
        })
      ).efSearch
    : graphResult.efSearch;
  const relocate = (moved: string) => {
    at = moved;
  };
  return { ...stores, bm25, vectors, efSearch, written, relocate };
}
