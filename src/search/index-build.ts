/**
 * Building an index: read and segment the corpus, embed (reusing verified vectors of the previous
 * build), build BM25 and the HNSW graph, write every file durably into a temporary directory,
 * rename it into place and swap CURRENT. A crash or an error at any point leaves the previous
 * index serving; the lock keeps two builds from interleaving.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { IndexBuildError, IndexBusyError } from "../errors.js";
import {
  type Article,
  type Chunk,
  chunkArticle,
  type ChunkOptions,
  type CorpusFile,
  DEFAULT_CHUNK_OPTIONS,
  type IngestWarning,
  listCorpus,
  loadFile,
  sha256,
} from "../ingest/index.js";
import { Bm25Index, type Bm25Params, DEFAULT_BM25 } from "./bm25-index.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import {
  type FileChecksum,
  checksumFile,
  listFiles,
  readJsonLines,
  replaceFileAtomic,
  syncDir,
  syncFile,
  verifyFiles,
  writeDurable,
  writeJsonLines,
} from "./index-files.js";
import {
  CURRENT,
  INDEX_FORMAT,
  MANIFEST,
  type Manifest,
  type ManifestFile,
  type SearchIndex,
  type SkippedFile,
  type StoredChunk,
  chunkTitle,
  currentPointerText,
  readCurrent,
  readManifest,
} from "./index-format.js";
import { acquireLock } from "./index-lock.js";
import { YIELD_EVERY, yieldPoint } from "./yield-point.js";
import { DEFAULT_HNSW, type HnswParams, VectorIndex } from "./vector-index.js";

export interface BuildProgress {
  phase: "scan" | "read" | "embed" | "index" | "write" | "done";
  done: number;
  total: number;
}

/**
 * Points where a build can be interrupted: after each phase, after the new index directory is
 * renamed into place (not yet current), and after the CURRENT pointer is swapped (old directories
 * not yet removed).
 */
export const BUILD_CHECKPOINTS = ["scan", "read", "embed", "index", "write", "renamed", "swapped"] as const;
export type BuildCheckpoint = (typeof BUILD_CHECKPOINTS)[number];

export interface BuildOptions {
  corpusDir: string;
  dataDir: string;
  embeddings: IdentifiedEmbeddings;
  hnsw?: HnswParams;
  bm25?: Bm25Params;
  chunking?: ChunkOptions;
  onProgress?: (p: BuildProgress) => void;
  onWarning?: (w: IngestWarning) => void;
  /** Test hook: called between phases; throwing (or dying) there simulates a crash mid-build. */
  checkpoint?: (point: BuildCheckpoint) => void | Promise<void>;
  embedBatchSize?: number;
  /**
   * Build large HNSW graphs in a worker thread beside BM25 (default true). A build that already
   * runs off the serving thread turns this off, leaving the other core to answer questions.
   */
  parallelGraph?: boolean;
}

export interface BuildDiff {
  added: string[];
  changed: string[];
  removed: string[];
}

export interface BuildResult {
  manifest: Manifest;
  diff: BuildDiff;
  index: SearchIndex;
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
async function calibrationQueries(chunks: Chunk[], embeddings: IdentifiedEmbeddings): Promise<Float32Array> {
  const n = Math.min(CALIBRATION_QUERIES, chunks.length);
  const step = chunks.length / Math.max(1, n);
  const probes = Array.from({ length: n }, (_, i) => {
    const chars = Array.from(chunks[Math.floor(i * step)]!.text);
    const from = Math.max(0, Math.floor(chars.length / 2) - 6);
    return chars.slice(from, from + 12).join("");
  });
  const out = new Float32Array(n * embeddings.dimensions);
  const vectors = await Promise.all(probes.map((p) => embeddings.embedQuery(p)));
  for (const [i, v] of vectors.entries()) out.set(v, i * embeddings.dimensions);
  return out;
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

/** Writes the index files into dir durably and returns the checksum of every file there. */
async function writeIndexFiles(
  dir: string,
  articles: Article[],
  chunks: Chunk[],
  hashes: string[],
  bm25: Bm25Index,
  vectors: VectorIndex,
): Promise<Record<string, FileChecksum>> {
  const { binary: bm25Bin, ...bm25Head } = bm25.serialize();
  const written: Record<string, FileChecksum> = {};
  const put = async (name: string, p: Promise<FileChecksum>) => void (written[name] = await p);
  // every writer finishes (or fails) before this returns: none may still be writing into the
  // directory while a failed build removes it
  const results = await Promise.allSettled([
    put("articles.jsonl", writeJsonLines(path.join(dir, "articles.jsonl"), articles)),
    put(
      "chunks.jsonl",
      writeJsonLines(
        path.join(dir, "chunks.jsonl"),
        chunks.map(({ text: _text, ...c }, i): StoredChunk => ({ ...c, hash: hashes[i]! })),
      ),
    ),
    put("bm25.json", writeDurable(path.join(dir, "bm25.json"), [JSON.stringify(bm25Head)])),
    put("bm25.bin", writeDurable(path.join(dir, "bm25.bin"), [bm25Bin])),
    vectors.save(dir),
  ]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  // hnswlib and LangChain write their own files: flush and checksum them here
  for (const name of await listFiles(dir)) {
    if (written[name]) continue;
    await syncFile(path.join(dir, name));
    written[name] = await checksumFile(path.join(dir, name));
  }
  for (const sub of new Set(Object.keys(written).map((n) => path.dirname(n)))) await syncDir(path.join(dir, sub));
  return written;
}

/**
 * Builds the index for corpusDir into dataDir and swaps it in. On any failure the previous
 * index keeps serving and an IndexBuildError wrapping the cause is thrown.
 */
export async function buildIndex(options: BuildOptions): Promise<BuildResult> {
  const { corpusDir, dataDir, embeddings } = options;
  const progress = options.onProgress ?? (() => {});
  const checkpoint = options.checkpoint ?? (() => {});
  const hnsw = options.hnsw ?? DEFAULT_HNSW;
  const bm25Params = options.bm25 ?? DEFAULT_BM25;
  const chunking = options.chunking ?? DEFAULT_CHUNK_OPTIONS;
  const started = performance.now();
  const release = await acquireLock(dataDir);
  const buildId = `${new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, "")
    .slice(0, 14)}-${randomBytes(3).toString("hex")}`;
  const tmpDir = path.join(dataDir, `.tmp-index-${buildId}`);
  try {
    const warnings: IngestWarning[] = [];
    const warn = (w: IngestWarning) => {
      warnings.push(w);
      options.onWarning?.(w);
    };
    progress({ phase: "scan", done: 0, total: 0 });
    try {
      await fs.access(corpusDir);
    } catch (err) {
      throw new IndexBuildError(`corpus directory ${corpusDir} does not exist`, { cause: err });
    }
    const listed: CorpusFile[] = await listCorpus(corpusDir, warn);
    await checkpoint("scan");
    const files: ManifestFile[] = [];
    const skipped: SkippedFile[] = [];
    const articles: Article[] = [];
    const chunks: Chunk[] = [];
    // Read and segment with a few files in flight (reading is I/O-bound); results keep corpus order.
    let done = 0;
    const loadedFiles = await mapLimit(listed, READ_CONCURRENCY, async (f) => {
      const loaded = await loadFile(corpusDir, f, warn);
      yieldPoint();
      progress({ phase: "read", done: ++done, total: listed.length });
      return loaded;
    });
    for (const [i, loaded] of loadedFiles.entries()) {
      const f = listed[i]!;
      if (!loaded) {
        skipped.push({ path: f.path, size: f.size, mtimeMs: f.mtimeMs });
        continue;
      }
      let n = 0;
      if (i % YIELD_EVERY === 0) yieldPoint();
      for (const a of loaded.articles) {
        const cs = chunkArticle(a, chunking);
        n += cs.length;
        articles.push(a);
        chunks.push(...cs);
      }
      files.push({
        path: f.path,
        hash: loaded.hash,
        size: loaded.size,
        mtimeMs: f.mtimeMs,
        encoding: loaded.encoding,
        articles: loaded.articles.length,
        chunks: n,
      });
    }
    progress({ phase: "read", done: listed.length, total: listed.length });
    await checkpoint("read");

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
    const batch = options.embedBatchSize ?? EMBED_BATCH;
    for (let s = 0; s < todo.length; s += batch) {
      progress({ phase: "embed", done: s, total: todo.length });
      yieldPoint();
      const ids = todo.slice(s, s + batch);
      const embedded = await embeddings.embedDocuments(ids.map((i) => chunks[i]!.text));
      ids.forEach((ci, k) => {
        const v = embedded[k];
        if (!v || v.length !== dim) throw new IndexBuildError(`embedding returned ${v?.length ?? 0} dimensions, expected ${dim}`);
        vectors.set(v, ci * dim);
      });
    }
    progress({ phase: "embed", done: todo.length, total: todo.length });
    await checkpoint("embed");

    progress({ phase: "index", done: 0, total: chunks.length });
    const byId = new Map(articles.map((a) => [a.id, a]));
    // efSearch: fixed, or the smallest that reaches the target recall on query-like probes
    const probes = hnsw.efSearch ? new Float32Array(0) : await calibrationQueries(chunks, embeddings);
    await fs.mkdir(tmpDir, { recursive: true });
    // Large corpora: the HNSW graph is built in a worker thread while this one builds BM25.
    const graph =
      chunks.length >= WORKER_MIN_CHUNKS && options.parallelGraph !== false
        ? VectorIndex.buildInWorker(vectors, embeddings, hnsw, probes, tmpDir)
        : VectorIndex.build(vectors, embeddings, hnsw).then(async (index) => ({
            index,
            efSearch: hnsw.efSearch || index.calibrateEfSearch(probes).efSearch,
          }));
    const bm25 = Bm25Index.build(
      chunks.map((c) => ({ body: c.text, title: chunkTitle(byId.get(c.articleId)!) })),
      bm25Params,
    );
    const { index: vectorIndex, efSearch } = await graph;
    await checkpoint("index");

    progress({ phase: "write", done: 0, total: 1 });
    const checksums = await writeIndexFiles(tmpDir, articles, chunks, hashes, bm25, vectorIndex);
    await checkpoint("write");
    const manifest: Manifest = {
      format: INDEX_FORMAT,
      buildId,
      builtAt: new Date().toISOString(),
      buildMs: Math.round(performance.now() - started),
      corpusDir: path.resolve(corpusDir),
      embedding: { id: embeddings.id, dimensions: embeddings.dimensions },
      hnsw: { ...hnsw, efSearch },
      bm25: bm25Params,
      chunking,
      counts: {
        files: files.length,
        articles: articles.filter((a) => a.kind === "article").length,
        notes: articles.filter((a) => a.kind === "note").length,
        chunks: chunks.length,
        reusedVectors: chunks.length - todo.length,
      },
      files,
      skipped,
      warnings,
      checksums,
    };
    const written = await writeDurable(path.join(tmpDir, MANIFEST), [JSON.stringify(manifest, null, 1)]);
    await syncDir(tmpDir);

    const previous = await readManifest(dataDir);
    const name = `index-${buildId}`;
    const finalDir = path.join(dataDir, name);
    await fs.rename(tmpDir, finalDir);
    await syncDir(dataDir);
    await checkpoint("renamed");
    await replaceFileAtomic(path.join(dataDir, CURRENT), currentPointerText(name, written.sha256));
    await checkpoint("swapped");
    await removeStale(dataDir, name);
    progress({ phase: "done", done: 1, total: 1 });
    const index: SearchIndex = { dir: finalDir, manifest, articles, articleById: byId, chunks, bm25, vectors: vectorIndex, embeddings };
    return { manifest, diff: diffManifests(previous, manifest), index };
  } catch (err) {
    await fs.rm(tmpDir, { recursive: true, force: true }).catch(() => {});
    if (err instanceof IndexBuildError || err instanceof IndexBusyError) throw err;
    throw new IndexBuildError(`reindex failed, the previous index keeps serving: ${describeBuildError(err)}`, { cause: err });
  } finally {
    await release();
  }
}

/** A build error as an admin would put it ("no space left on the disk (ENOSPC)"). */
function describeBuildError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  // hnswlib's own writer throws without a code
  if (code === "ENOSPC" || (!code && /ENOSPC|no space left/i.test((err as Error).message)))
    return "no space left on the disk (ENOSPC); free some space and reindex";
  if (code === "EDQUOT") return "disk quota exceeded (EDQUOT); free some space and reindex";
  if (code === "EROFS") return "the data directory is read-only (EROFS)";
  return (err as Error).message;
}

/** Removes index directories other than `keep` (and temporary ones left by crashes). */
export async function removeStale(dataDir: string, keep: string): Promise<void> {
  for (const name of await fs.readdir(dataDir)) {
    if (name !== keep && /^(index-|\.tmp-index-|CURRENT\..*\.tmp$)/.test(name))
      await fs.rm(path.join(dataDir, name), { recursive: true, force: true }).catch(() => {});
  }
}

export function diffManifests(before: Manifest | null, after: Manifest): BuildDiff {
  const old = new Map((before?.files ?? []).map((f) => [f.path, f.hash]));
  const now = new Map(after.files.map((f) => [f.path, f.hash]));
  return {
    added: [...now.keys()].filter((p) => !old.has(p)),
    changed: [...now.keys()].filter((p) => old.has(p) && old.get(p) !== now.get(p)),
    removed: [...old.keys()].filter((p) => !now.has(p)),
  };
}
