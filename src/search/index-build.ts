/**
 * Building an index: read and segment the corpus, embed (reusing verified vectors of the previous
 * build), build BM25 and the HNSW graph, write every file durably into a temporary directory,
 * rename it into place and swap CURRENT. A crash or an error at any point leaves the previous
 * index serving; the lock keeps two builds from interleaving. The phases are in build-phases.ts.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { IndexBuildError, IndexBusyError } from "../errors.js";
import { type Article, type Chunk, type ChunkOptions, DEFAULT_CHUNK_OPTIONS, type IngestWarning } from "../ingest/index.js";
import { type Bm25Index, type Bm25Params, DEFAULT_BM25 } from "./bm25-index.js";
import { type BuildProgress, buildIndexes, type CorpusRead, EMBED_BATCH, embedChunks, readCorpus } from "./build-phases.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import {
  checksumFile,
  type FileChecksum,
  listFiles,
  replaceFileAtomic,
  syncDir,
  syncFile,
  writeDurable,
  writeJsonLines,
} from "./index-files.js";
import {
  CURRENT,
  currentPointerText,
  INDEX_FORMAT,
  MANIFEST,
  type Manifest,
  readManifest,
  type SearchIndex,
  type StoredChunk,
} from "./index-format.js";
import { acquireLock } from "./index-lock.js";
import { DEFAULT_HNSW, type HnswParams, type VectorIndex } from "./vector-index.js";

export { type BuildProgress, EMBED_BATCH, mapLimit, READ_CONCURRENCY, WORKER_MIN_CHUNKS } from "./build-phases.js";

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

const newBuildId = (): string =>
  `${new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, "")
    .slice(0, 14)}-${randomBytes(3).toString("hex")}`;

function manifestOf(
  options: BuildOptions,
  build: {
    buildId: string;
    started: number;
    efSearch: number;
    embedded: number;
    checksums: Record<string, FileChecksum>;
    warnings: IngestWarning[];
  },
  read: CorpusRead,
): Manifest {
  const { embeddings } = options;
  return {
    format: INDEX_FORMAT,
    buildId: build.buildId,
    builtAt: new Date().toISOString(),
    buildMs: Math.round(performance.now() - build.started),
    corpusDir: path.resolve(options.corpusDir),
    embedding: { id: embeddings.id, dimensions: embeddings.dimensions },
    hnsw: { ...(options.hnsw ?? DEFAULT_HNSW), efSearch: build.efSearch },
    bm25: options.bm25 ?? DEFAULT_BM25,
    chunking: options.chunking ?? DEFAULT_CHUNK_OPTIONS,
    counts: {
      files: read.files.length,
      articles: read.articles.filter((a) => a.kind === "article").length,
      notes: read.articles.filter((a) => a.kind === "note").length,
      chunks: read.chunks.length,
      reusedVectors: read.chunks.length - build.embedded,
    },
    files: read.files,
    skipped: read.skipped,
    warnings: build.warnings,
    checksums: build.checksums,
  };
}

/** The commit: manifest written and fsynced, the directory renamed into place, then CURRENT swapped. */
async function commit(
  dataDir: string,
  tmpDir: string,
  manifest: Manifest,
  checkpoint: (p: BuildCheckpoint) => void | Promise<void>,
): Promise<string> {
  const written = await writeDurable(path.join(tmpDir, MANIFEST), [JSON.stringify(manifest, null, 1)]);
  await syncDir(tmpDir);
  const name = `index-${manifest.buildId}`;
  const finalDir = path.join(dataDir, name);
  await fs.rename(tmpDir, finalDir);
  await syncDir(dataDir);
  await checkpoint("renamed");
  await replaceFileAtomic(path.join(dataDir, CURRENT), currentPointerText(name, written.sha256));
  await checkpoint("swapped");
  await removeStale(dataDir, name);
  return finalDir;
}

/**
 * Builds the index for corpusDir into dataDir and swaps it in. On any failure the previous
 * index keeps serving and an IndexBuildError wrapping the cause is thrown.
 */
export async function buildIndex(options: BuildOptions): Promise<BuildResult> {
  const { corpusDir, dataDir, embeddings } = options;
  const progress = options.onProgress ?? (() => {});
  const checkpoint = options.checkpoint ?? (() => {});
  const started = performance.now();
  const release = await acquireLock(dataDir);
  const buildId = newBuildId();
  const tmpDir = path.join(dataDir, `.tmp-index-${buildId}`);
  try {
    const warnings: IngestWarning[] = [];
    const warn = (w: IngestWarning) => {
      warnings.push(w);
      options.onWarning?.(w);
    };
    const read = await readCorpus(
      corpusDir,
      options.chunking ?? DEFAULT_CHUNK_OPTIONS,
      warn,
      progress,
      () => checkpoint("scan"),
      path.join(dataDir, "ocr-cache"),
    );
    await checkpoint("read");
    const { vectors, hashes, embedded } = await embedChunks(
      dataDir,
      read.chunks,
      embeddings,
      options.embedBatchSize ?? EMBED_BATCH,
      warn,
      progress,
    );
    await checkpoint("embed");
    progress({ phase: "index", done: 0, total: read.chunks.length });
    const hnsw = options.hnsw ?? DEFAULT_HNSW;
    const built = await buildIndexes(read, vectors, embeddings, {
      hnsw,
      bm25: options.bm25 ?? DEFAULT_BM25,
      parallelGraph: options.parallelGraph !== false,
      tmpDir,
    });
    await checkpoint("index");
    progress({ phase: "write", done: 0, total: 1 });
    const checksums = await writeIndexFiles(tmpDir, read.articles, read.chunks, hashes, built.bm25, built.vectorIndex);
    await checkpoint("write");
    const manifest = manifestOf(options, { buildId, started, efSearch: built.efSearch, embedded, checksums, warnings }, read);
    const previous = await readManifest(dataDir);
    const dir = await commit(dataDir, tmpDir, manifest, checkpoint);
    progress({ phase: "done", done: 1, total: 1 });
    const articleById = new Map(read.articles.map((a) => [a.id, a]));
    const index: SearchIndex = {
      dir,
      manifest,
      articles: read.articles,
      articleById,
      chunks: read.chunks,
      bm25: built.bm25,
      vectors: built.vectorIndex,
      embeddings,
    };
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
