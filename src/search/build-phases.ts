/**
 * The phases of a build as one stream: every corpus file is read, segmented and chunked in corpus
 * order, and each article and chunk goes straight out — the article to `articles.jsonl`, the chunk's
 * columns to memory (16 bytes), its text to the BM25 builder and its vector (reused from the previous
 * build when the text is unchanged, else embedded in batches) to the graph builder. Nothing holds the
 * corpus's text, so a million chunks build in a few GB. index-build.ts runs it, then writes and commits.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { IndexBuildError } from "../errors.js";
import {
  type Article,
  type ChunkOptions,
  type CorpusFile,
  chunkArticle,
  type IngestWarning,
  isIsoDate,
  listCorpus,
  loadFile,
  sha256,
} from "../ingest/index.js";
import { GrowableInt32 } from "./bm25-util.js";
import type { Bm25Builder } from "./bm25-index.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import { createDurableWriter, type DurableWriter, type FileChecksum } from "./index-files.js";
import { type ManifestFile, type SkippedFile, chunkTitle } from "./index-format.js";
import { CHUNK_COLUMNS, catalogEntry, type ChunkStore } from "./index-stores.js";
import type { GraphBuilder } from "./graph-builder.js";
import { type VectorReuse, noReuse } from "./vector-reuse.js";
import { yieldPoint } from "./yield-point.js";

export { previousVectors, type VectorReuse } from "./vector-reuse.js";

export interface BuildProgress {
  phase: "scan" | "read" | "embed" | "index" | "write" | "publish" | "done";
  done: number;
  total: number;
}

/** Corpus files read at once while building. */
export const READ_CONCURRENCY = 16;
/** From this many chunks on, the HNSW graph is built in a worker thread, beside everything else. */
export const WORKER_MIN_CHUNKS = 20_000;
/** Chunks embedded per call. */
export const EMBED_BATCH = 256;

/** Loads up to `limit` items ahead and consumes the results one at a time, in input order. */
export async function forEachInOrder<T, R>(
  items: T[],
  limit: number,
  load: (item: T, i: number) => Promise<R>,
  consume: (result: R, i: number) => void | Promise<void>,
): Promise<void> {
  const ahead = new Map<number, Promise<R>>();
  let started = 0;
  for (let i = 0; i < items.length; i++) {
    for (; started < items.length && started < i + limit; started++) {
      const p = load(items[started]!, started);
      p.catch(() => {}); // awaited in turn below; not an unhandled rejection meanwhile
      ahead.set(started, p);
    }
    const result = await ahead.get(i)!;
    ahead.delete(i);
    await consume(result, i);
  }
}

export const textHash = (text: string) => sha256(text).slice(0, 24);

export interface StreamedCorpus {
  files: ManifestFile[];
  skipped: SkippedFile[];
  articles: number;
  notes: number;
  /** Chunk columns (CHUNK_COLUMNS int32 per chunk). */
  columns: Int32Array;
  /** Text hash of every chunk (vector reuse by the next build). */
  hashes: string[];
  /** Byte offset of every line of articles.jsonl, and its end. */
  articleOffsets: Float64Array;
  embedded: number;
  newestDate: string | null;
  checksums: Record<string, FileChecksum>;
}

export interface StreamOptions {
  corpusDir: string;
  /** The new index's directory (articles.jsonl and catalog.jsonl are written there). */
  dir: string;
  chunking: ChunkOptions;
  embeddings: IdentifiedEmbeddings;
  batch: number;
  bm25: Bm25Builder;
  /** Where the chunks' rows go, in chunk order (graph-builder.ts). */
  graph: GraphBuilder;
  reuse?: VectorReuse;
  warn: (w: IngestWarning) => void;
  progress: (p: BuildProgress) => void;
  checkpoint: () => void | Promise<void>;
  /** OCR results by content hash (in the data directory: they outlive index generations). */
  ocrCacheDir?: string;
}

/** Embeds pending chunks in order and hands full batches of rows to the graph. */
function createVectorStream(o: StreamOptions) {
  const dim = o.embeddings.dimensions;
  const reuse = o.reuse ?? noReuse;
  let rows = new Float32Array(o.batch * dim);
  let texts: Array<string | null> = [];
  let embedded = 0;
  const flush = async () => {
    if (texts.length === 0) return;
    const todo = texts.flatMap((t, i) => (t === null ? [] : [i]));
    if (todo.length) {
      const vectors = await o.embeddings.embedDocuments(todo.map((i) => texts[i]!));
      todo.forEach((row, k) => {
        const v = vectors[k];
        if (v?.length !== dim) throw new IndexBuildError(`embedding returned ${v?.length ?? 0} dimensions, expected ${dim}`);
        rows.set(v, row * dim);
      });
      embedded += todo.length;
    }
    const full = texts.length === o.batch ? rows : rows.slice(0, texts.length * dim);
    texts = [];
    rows = new Float32Array(o.batch * dim);
    await o.graph.add(full);
  };
  return {
    async push(text: string, hash: string) {
      const old = reuse.get(hash);
      if (old) rows.set(old, texts.length * dim);
      texts.push(old ? null : text);
      if (texts.length === o.batch) await flush();
    },
    flush,
    embedded: () => embedded,
  };
}

/** Where each article goes: its line in articles.jsonl and catalog.jsonl, its chunks to the builders. */
async function createArticleSink(o: StreamOptions) {
  const columns = new GrowableInt32();
  const hashes: string[] = [];
  const offsets: number[] = [0];
  const articlesOut: DurableWriter = await createDurableWriter(path.join(o.dir, "articles.jsonl"));
  const catalogOut: DurableWriter = await createDurableWriter(path.join(o.dir, "catalog.jsonl"));
  const vectors = createVectorStream(o);
  const counts = { articles: 0, notes: 0, newestDate: null as string | null };
  return {
    counts,
    async add(a: Article): Promise<number> {
      const position = offsets.length - 1;
      await articlesOut.write(`${JSON.stringify(a)}\n`);
      offsets.push(articlesOut.size);
      await catalogOut.write(`${JSON.stringify(catalogEntry(a))}\n`);
      if (a.kind === "article") counts.articles++;
      else counts.notes++;
      const date = a.meta.date;
      if (isIsoDate(date) && (counts.newestDate === null || date > counts.newestDate)) counts.newestDate = date;
      const title = chunkTitle(a);
      const chunks = chunkArticle(a, o.chunking);
      for (const c of chunks) {
        for (const v of [position, c.ordinal, c.start, c.end]) columns.push(v);
        const hash = textHash(c.text);
        hashes.push(hash);
        o.bm25.add(c.text, title);
        await vectors.push(c.text, hash);
      }
      return chunks.length;
    },
    async finish() {
      await vectors.flush();
      const checksums = { "articles.jsonl": await articlesOut.close(), "catalog.jsonl": await catalogOut.close() };
      return { columns: columns.trimmed(), hashes, articleOffsets: Float64Array.from(offsets), embedded: vectors.embedded(), checksums };
    },
    abort: () => Promise.all([articlesOut.abort(), catalogOut.abort()]),
  };
}

/** Reads the whole corpus through the builders; returns what the manifest and the column files need. */
export async function streamCorpus(o: StreamOptions): Promise<StreamedCorpus> {
  o.progress({ phase: "scan", done: 0, total: 0 });
  try {
    await fs.access(o.corpusDir);
  } catch (err) {
    throw new IndexBuildError(`corpus directory ${o.corpusDir} does not exist`, { cause: err });
  }
  const listed: CorpusFile[] = await listCorpus(o.corpusDir, o.warn);
  await o.checkpoint();
  const files: ManifestFile[] = [];
  const skipped: SkippedFile[] = [];
  const sink = await createArticleSink(o);
  try {
    let done = 0;
    await forEachInOrder(
      listed,
      READ_CONCURRENCY,
      async (f) => {
        const loaded = await loadFile(o.corpusDir, f, o.warn, { ocrCacheDir: o.ocrCacheDir });
        yieldPoint();
        return loaded;
      },
      async (loaded, i) => {
        const f = listed[i]!;
        o.progress({ phase: "read", done: ++done, total: listed.length });
        if (!loaded) return void skipped.push({ path: f.path, size: f.size, mtimeMs: f.mtimeMs });
        let n = 0;
        for (const a of loaded.articles) n += await sink.add(a);
        const sidecar = f.sidecar && f.sidecarStat ? { sidecar: { path: f.sidecar, ...f.sidecarStat } } : {};
        const { hash, size, encoding } = loaded;
        files.push({ path: f.path, hash, size, mtimeMs: f.mtimeMs, encoding, articles: loaded.articles.length, chunks: n, ...sidecar });
      },
    );
    const finished = await sink.finish();
    o.progress({ phase: "read", done: listed.length, total: listed.length });
    return { files, skipped, ...sink.counts, ...finished };
  } catch (err) {
    await sink.abort();
    throw err;
  }
}

/** The number of chunks in columns. */
export const chunkCount = (columns: Int32Array): number => columns.length / CHUNK_COLUMNS;

/**
 * Probes for efSearch calibration, shaped like questions: 12 characters from the middle of up to
 * 200 chunks spread over the corpus, embedded as queries.
 */
export const CALIBRATION_QUERIES = 200;
export async function calibrationProbes(
  chunks: ChunkStore,
  embeddings: IdentifiedEmbeddings,
): Promise<{ texts: string[]; vectors: number[][]; flat: Float32Array }> {
  const n = Math.min(CALIBRATION_QUERIES, chunks.length);
  const step = chunks.length / Math.max(1, n);
  const texts = Array.from({ length: n }, (_, i) => {
    const chars = Array.from(chunks.get(Math.floor(i * step)).text);
    const from = Math.max(0, Math.floor(chars.length / 2) - 6);
    return chars.slice(from, from + 12).join("");
  });
  const flat = new Float32Array(n * embeddings.dimensions);
  const vectors = await Promise.all(texts.map((p) => embeddings.embedQuery(p)));
  for (const [i, v] of vectors.entries()) flat.set(v, i * embeddings.dimensions);
  return { texts, vectors, flat };
}
