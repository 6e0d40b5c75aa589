/**
 * The phases of a build, as named steps: read the corpus into articles and chunks, embed the
 * chunks (reusing verified vectors of the previous build), build the keyword and vector indexes,
 * write and commit. index-build.ts runs them in order.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { IndexBuildError } from "../errors.js";
import {
  type Article,
  type Chunk,
  type ChunkOptions,
  type CorpusFile,
  chunkArticle,
  type IngestWarning,
  listCorpus,
  loadFile,
  sha256,
} from "../ingest/index.js";
import { Bm25Index, type Bm25Params } from "./bm25-index.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import { readJsonLines, verifyFiles } from "./index-files.js";
import {
  INDEX_FORMAT,
  MANIFEST,
  type Manifest,
  type ManifestFile,
  type SkippedFile,
  type StoredChunk,
  chunkTitle,
  readCurrent,
} from "./index-format.js";
import { fusedEfSearch } from "./fused-calibration.js";
import { type HnswParams, VectorIndex } from "./vector-index.js";
import { YIELD_EVERY, yieldPoint } from "./yield-point.js";

export interface BuildProgress {
  phase: "scan" | "read" | "embed" | "index" | "write" | "publish" | "done";
  done: number;
  total: number;
}

/** Corpus files read at once while building. */
export const READ_CONCURRENCY = 16;
/** From this many chunks on, the HNSW graph is built in a worker thread, beside BM25. */
export const WORKER_MIN_CHUNKS = 20_000;
/** Chunks embedded per call. */
export const EMBED_BATCH = 256;

/** Maps with at most `limit` calls in flight, results in input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const textHash = (text: string) => sha256(text).slice(0, 24);

/**
 * Probes for efSearch calibration, shaped like questions: 12 characters from the middle of up to
 * 200 chunks spread over the corpus, embedded as queries.
 */
export const CALIBRATION_QUERIES = 200;
async function calibrationQueries(
  chunks: Chunk[],
  embeddings: IdentifiedEmbeddings,
): Promise<{ texts: string[]; vectors: number[][]; flat: Float32Array }> {
  const n = Math.min(CALIBRATION_QUERIES, chunks.length);
  const step = chunks.length / Math.max(1, n);
  const texts = Array.from({ length: n }, (_, i) => {
    const chars = Array.from(chunks[Math.floor(i * step)]!.text);
    const from = Math.max(0, Math.floor(chars.length / 2) - 6);
    return chars.slice(from, from + 12).join("");
  });
  const flat = new Float32Array(n * embeddings.dimensions);
  const vectors = await Promise.all(texts.map((p) => embeddings.embedQuery(p)));
  for (const [i, v] of vectors.entries()) flat.set(v, i * embeddings.dimensions);
  return { texts, vectors, flat };
}

/**
 * Vectors of the previous build, by chunk text hash, so unchanged chunks are not embedded again.
 * Only a build whose manifest matches CURRENT and whose chunks and vectors match their checksums
 * is reused: a damaged file means embedding everything again, never copying garbage forward.
 */
async function previousVectors(
  dataDir: string,
  embeddings: IdentifiedEmbeddings,
  warn: (w: IngestWarning) => void,
): Promise<Map<string, Float32Array>> {
  const cache = new Map<string, Float32Array>();
  const current = await readCurrent(dataDir);
  if (!current?.manifestSha256) return cache;
  try {
    const raw = await fs.readFile(path.join(current.dir, MANIFEST));
    if (sha256(raw) !== current.manifestSha256) throw new Error("manifest.json does not match CURRENT");
    const manifest = JSON.parse(raw.toString("utf8")) as Manifest;
    if (manifest.format !== INDEX_FORMAT || manifest.embedding.id !== embeddings.id) return cache;
    await verifyFiles(current.dir, manifest.checksums, ["chunks.jsonl", "vectors.f32"]);
    const chunks = await readJsonLines<StoredChunk>(path.join(current.dir, "chunks.jsonl"));
    const bytes = await fs.readFile(path.join(current.dir, "vectors.f32"));
    const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const dim = manifest.embedding.dimensions;
    if (all.length !== chunks.length * dim) throw new Error("vectors.f32 does not hold one vector per chunk");
    for (const [i, c] of chunks.entries()) cache.set(c.hash, all.slice(i * dim, (i + 1) * dim));
  } catch (err) {
    warn({ file: path.basename(current.dir), message: `previous vectors not reused (${(err as Error).message}); embedding every chunk` });
    cache.clear();
  }
  return cache;
}

export interface CorpusRead {
  files: ManifestFile[];
  skipped: SkippedFile[];
  articles: Article[];
  chunks: Chunk[];
}

/** Phases "scan" and "read": every document listed, read, segmented into articles and chunked (corpus order kept). */
export async function readCorpus(
  corpusDir: string,
  chunking: ChunkOptions,
  warn: (w: IngestWarning) => void,
  progress: (p: BuildProgress) => void,
  checkpoint: () => void | Promise<void>,
  /** OCR results by content hash (in the data directory: they outlive index generations). */
  ocrCacheDir?: string,
): Promise<CorpusRead> {
  progress({ phase: "scan", done: 0, total: 0 });
  try {
    await fs.access(corpusDir);
  } catch (err) {
    throw new IndexBuildError(`corpus directory ${corpusDir} does not exist`, { cause: err });
  }
  const listed: CorpusFile[] = await listCorpus(corpusDir, warn);
  await checkpoint();
  const out: CorpusRead = { files: [], skipped: [], articles: [], chunks: [] };
  // Read and segment with a few files in flight (reading is I/O-bound); results keep corpus order.
  let done = 0;
  const loadedFiles = await mapLimit(listed, READ_CONCURRENCY, async (f) => {
    const loaded = await loadFile(corpusDir, f, warn, { ocrCacheDir });
    yieldPoint();
    progress({ phase: "read", done: ++done, total: listed.length });
    return loaded;
  });
  for (const [i, loaded] of loadedFiles.entries()) {
    const f = listed[i]!;
    if (!loaded) {
      out.skipped.push({ path: f.path, size: f.size, mtimeMs: f.mtimeMs });
      continue;
    }
    let n = 0;
    if (i % YIELD_EVERY === 0) yieldPoint();
    for (const a of loaded.articles) {
      const cs = chunkArticle(a, chunking);
      n += cs.length;
      out.articles.push(a);
      out.chunks.push(...cs);
    }
    out.files.push({
      path: f.path,
      hash: loaded.hash,
      size: loaded.size,
      mtimeMs: f.mtimeMs,
      encoding: loaded.encoding,
      articles: loaded.articles.length,
      chunks: n,
      ...(f.sidecar && f.sidecarStat ? { sidecar: { path: f.sidecar, ...f.sidecarStat } } : {}),
    });
  }
  progress({ phase: "read", done: listed.length, total: listed.length });
  return out;
}

/** Phase "embed": one vector per chunk, row-major; unchanged chunks keep their previous vectors. */
export async function embedChunks(
  dataDir: string,
  chunks: Chunk[],
  embeddings: IdentifiedEmbeddings,
  batch: number,
  warn: (w: IngestWarning) => void,
  progress: (p: BuildProgress) => void,
): Promise<{ vectors: Float32Array; hashes: string[]; embedded: number }> {
  const cache = await previousVectors(dataDir, embeddings, warn);
  const dim = embeddings.dimensions;
  const vectors = new Float32Array(chunks.length * dim);
  const hashes = chunks.map((c) => textHash(c.text));
  const todo: number[] = [];
  hashes.forEach((h, i) => {
    const hit = cache.get(h);
    if (hit) vectors.set(hit, i * dim);
    else todo.push(i);
  });
  cache.clear();
  for (let s = 0; s < todo.length; s += batch) {
    progress({ phase: "embed", done: s, total: todo.length });
    yieldPoint();
    const ids = todo.slice(s, s + batch);
    const embedded = await embeddings.embedDocuments(ids.map((i) => chunks[i]!.text));
    ids.forEach((ci, k) => {
      const v = embedded[k];
      if (v?.length !== dim) throw new IndexBuildError(`embedding returned ${v?.length ?? 0} dimensions, expected ${dim}`);
      vectors.set(v, ci * dim);
    });
  }
  progress({ phase: "embed", done: todo.length, total: todo.length });
  return { vectors, hashes, embedded: todo.length };
}

/** Phase "index": BM25 here while the HNSW graph is built (in a worker from WORKER_MIN_CHUNKS on, unless `parallelGraph` is off). */
export async function buildIndexes(
  read: CorpusRead,
  vectors: Float32Array,
  embeddings: IdentifiedEmbeddings,
  params: { hnsw: HnswParams; bm25: Bm25Params; parallelGraph: boolean; tmpDir: string },
): Promise<{ bm25: Bm25Index; vectorIndex: VectorIndex; efSearch: number }> {
  const { hnsw, tmpDir } = params;
  const byId = new Map(read.articles.map((a) => [a.id, a]));
  // efSearch: fixed, or the smallest that reaches the target recall on query-like probes
  const calibration = hnsw.efSearch ? null : await calibrationQueries(read.chunks, embeddings);
  const probes = calibration?.flat ?? new Float32Array(0);
  await fs.mkdir(tmpDir, { recursive: true });
  const graph =
    read.chunks.length >= WORKER_MIN_CHUNKS && params.parallelGraph
      ? VectorIndex.buildInWorker(vectors, embeddings, hnsw, probes, tmpDir)
      : VectorIndex.build(vectors, embeddings, hnsw).then(async (index) => ({
          index,
          efSearch: hnsw.efSearch || index.calibrateEfSearch(probes).efSearch,
        }));
  const bm25 = Bm25Index.build(
    read.chunks.map((c) => ({ body: c.text, title: chunkTitle(byId.get(c.articleId)!) })),
    params.bm25,
  );
  const { index: vectorIndex, efSearch: recallEf } = await graph;
  // then lowered to what the fused ranking needs (fused-calibration.ts)
  const efSearch = calibration
    ? (
        await fusedEfSearch({
          bm25,
          vectors: vectorIndex,
          chunks: read.chunks,
          articleById: byId,
          probes: calibration.texts.map((text, i) => ({ text, vector: calibration.vectors[i]! })),
          upTo: recallEf,
        })
      ).efSearch
    : recallEf;
  return { bm25, vectorIndex, efSearch };
}
