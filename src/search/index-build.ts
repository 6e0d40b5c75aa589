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
import { type ChunkOptions, DEFAULT_CHUNK_OPTIONS, type IngestWarning } from "../ingest/index.js";
import { Bm25Builder, type Bm25Params, DEFAULT_BM25 } from "./bm25-index.js";
import { type BuildProgress, chunkCount, EMBED_BATCH, previousVectors, type StreamedCorpus, streamCorpus } from "./build-phases.js";
import { finishIndexes, sealDirectory } from "./build-finish.js";
import { createDeferredGraph } from "./graph-deferred.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import { type FileChecksum, replaceFileAtomic, syncDir, writeDurable } from "./index-files.js";
import {
  CURRENT,
  currentPointerText,
  FILE_LIST,
  INDEX_FORMAT,
  MANIFEST,
  type Manifest,
  readManifest,
  type SearchIndex,
  splitManifest,
} from "./index-format.js";
import { acquireLock } from "./index-lock.js";
import { DEFAULT_HNSW, type HnswParams } from "./vector-index.js";

export { type BuildProgress, EMBED_BATCH, forEachInOrder, READ_CONCURRENCY, WORKER_MIN_CHUNKS } from "./build-phases.js";

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

/** Writes the column files and the keyword index into dir durably; returns their checksums. */
const newBuildId = (): string =>
  `${new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, "")
    .slice(0, 14)}-${randomBytes(3).toString("hex")}`;

function manifestOf(
  options: BuildOptions,
  build: { buildId: string; started: number; efSearch: number; checksums: Record<string, FileChecksum>; warnings: IngestWarning[] },
  streamed: StreamedCorpus,
): Manifest {
  const { embeddings } = options;
  const chunks = chunkCount(streamed.columns);
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
      files: streamed.files.length,
      articles: streamed.articles,
      notes: streamed.notes,
      chunks,
      reusedVectors: chunks - streamed.embedded,
    },
    files: streamed.files,
    skipped: streamed.skipped,
    warnings: build.warnings,
    checksums: build.checksums,
    newestDate: streamed.newestDate,
  };
}

/** The commit: manifest written and fsynced, the directory renamed into place, then CURRENT swapped. */
async function commit(
  dataDir: string,
  tmpDir: string,
  manifest: Manifest,
  checkpoint: (p: BuildCheckpoint) => void | Promise<void>,
): Promise<string> {
  const { head, list } = splitManifest(manifest);
  // the file list's checksum goes into the manifest (the caller's object too)
  manifest.checksums[FILE_LIST] = await writeDurable(path.join(tmpDir, FILE_LIST), [JSON.stringify(list)]);
  const written = await writeDurable(path.join(tmpDir, MANIFEST), [JSON.stringify(head, null, 1)]);
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
  let closeParts = () => {};
  try {
    const warnings: IngestWarning[] = [];
    const warn = (w: IngestWarning) => {
      warnings.push(w);
      options.onWarning?.(w);
    };
    await fs.mkdir(tmpDir, { recursive: true });
    const hnsw = options.hnsw ?? DEFAULT_HNSW;
    const bm25Builder = new Bm25Builder();
    const graph = createDeferredGraph({ dir: tmpDir, dimensions: embeddings.dimensions, params: hnsw }, options.parallelGraph !== false);
    const reuse = await previousVectors(dataDir, embeddings, warn);
    let streamed: StreamedCorpus;
    try {
      streamed = await streamCorpus({
        corpusDir,
        dir: tmpDir,
        chunking: options.chunking ?? DEFAULT_CHUNK_OPTIONS,
        embeddings,
        batch: options.embedBatchSize ?? EMBED_BATCH,
        bm25: bm25Builder,
        graph,
        reuse,
        warn,
        progress,
        checkpoint: () => checkpoint("scan"),
        ocrCacheDir: path.join(dataDir, "ocr-cache"),
      });
      await checkpoint("read");
      await checkpoint("embed");
    } catch (err) {
      await graph.abort();
      throw err;
    } finally {
      reuse.close();
    }
    progress({ phase: "index", done: 0, total: chunkCount(streamed.columns) });
    const parts = await finishIndexes(tmpDir, streamed, bm25Builder, graph, { ...options, hnsw }, (close) => (closeParts = close)).catch(
      async (err: unknown) => {
        await graph.abort(); // a worker still holding the graph goes too
        throw err;
      },
    );
    await checkpoint("index");
    progress({ phase: "write", done: 0, total: 1 });
    const checksums = await sealDirectory(tmpDir, parts.written);
    await checkpoint("write");
    const manifest = manifestOf(options, { buildId, started, efSearch: parts.efSearch, checksums, warnings }, streamed);
    const previous = await readManifest(dataDir);
    const dir = await commit(dataDir, tmpDir, manifest, checkpoint);
    parts.relocate(dir);
    progress({ phase: "done", done: 1, total: 1 });
    const { articles, chunks, bm25, vectors } = parts;
    const head = splitManifest(manifest).head;
    const index: SearchIndex = { dir, manifest: head, articles, chunks, bm25, vectors, embeddings, close: closeParts };
    return { manifest, diff: diffManifests(previous, manifest), index };
  } catch (err) {
    closeParts();
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
