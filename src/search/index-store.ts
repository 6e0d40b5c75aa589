/**
 * The on-disk index: built into a temporary directory, then swapped in atomically by
 * rewriting the `CURRENT` pointer (write + rename), so a crash at any point leaves the
 * previous index serving. A lock file keeps two builds from interleaving.
 *
 * Layout of DATA_DIR:  CURRENT → "index-<buildId>"; index-<buildId>/{manifest.json,
 * articles.jsonl, chunks.jsonl (offsets into the article body, not text), bm25.json + bm25.bin,
 * vectors.f32, hnsw/}; .lock while building. Large files are streamed (JSON Lines, binary) so
 * that no single string holds a whole 100k-chunk index.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, promises as fs } from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { finished } from "node:stream/promises";
import { IndexBuildError, IndexBusyError, IndexMismatchError, IndexMissingError } from "../errors.js";
import { type ChunkOptions, DEFAULT_CHUNK_OPTIONS, chunkArticle } from "../ingest/chunk.js";
import { type CorpusFile, listCorpus, loadFile, sha256 } from "../ingest/corpus.js";
import type { Article, Chunk, IngestWarning } from "../ingest/types.js";
import { Bm25Index, type Bm25Params, DEFAULT_BM25, type SerializedBm25 } from "./bm25-index.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import { DEFAULT_HNSW, type HnswParams, VectorIndex } from "./vector-index.js";

export const INDEX_FORMAT = 2;

export interface ManifestFile {
  path: string;
  hash: string;
  size: number;
  mtimeMs: number;
  encoding: string;
  articles: number;
  chunks: number;
}

export interface Manifest {
  format: number;
  buildId: string;
  builtAt: string;
  buildMs: number;
  corpusDir: string;
  embedding: { id: string; dimensions: number };
  hnsw: HnswParams;
  bm25: Bm25Params;
  chunking: ChunkOptions;
  counts: { files: number; articles: number; notes: number; chunks: number; reusedVectors: number };
  files: ManifestFile[];
  warnings: IngestWarning[];
}

export interface SearchIndex {
  dir: string;
  manifest: Manifest;
  articles: Article[];
  articleById: Map<string, Article>;
  chunks: Chunk[];
  bm25: Bm25Index;
  vectors: VectorIndex;
  embeddings: IdentifiedEmbeddings;
}

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

const CURRENT = "CURRENT";
/** Corpus files read at once while building. */
export const READ_CONCURRENCY = 16;
/** From this many chunks on, the HNSW graph is built in a worker thread, beside BM25. */
export const WORKER_MIN_CHUNKS = 20_000;

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
const LOCK = ".lock";

/** Text the keyword index searches as the chunk's title field: headline block and byline. */
export const chunkTitle = (a: Article): string => [a.kicker, a.title, a.subtitle, a.byline].filter(Boolean).join(" ");

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await fs.readFile(file, "utf8")) as T;
}

async function writeFileAtomic(file: string, data: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fh = await fs.open(tmp, "w");
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, file);
}

/** The directory the CURRENT pointer names, or null when there is no index. */
export async function currentIndexDir(dataDir: string): Promise<string | null> {
  try {
    const name = (await fs.readFile(path.join(dataDir, CURRENT), "utf8")).trim();
    if (!/^index-[\w-]+$/.test(name)) return null;
    return path.join(dataDir, name);
  } catch {
    return null;
  }
}

export async function readManifest(dataDir: string): Promise<Manifest | null> {
  const dir = await currentIndexDir(dataDir);
  if (!dir) return null;
  try {
    return await readJson<Manifest>(path.join(dir, "manifest.json"));
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the build lock; a lock left by a dead process is taken over. */
export async function acquireLock(dataDir: string): Promise<() => Promise<void>> {
  await fs.mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await fs.open(file, "wx");
      await fh.writeFile(String(process.pid));
      await fh.close();
      return async () => {
        await fs.rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number((await fs.readFile(file, "utf8").catch(() => "")).trim());
      if (pid && pid !== process.pid && isAlive(pid)) throw new IndexBusyError(`another reindex (pid ${pid}) is running; try again when it has finished`);
      await fs.rm(file, { force: true });
    }
  }
  throw new IndexBusyError("could not take the index lock");
}

/** Is the index in dataDir built from exactly the files now in corpusDir, with this embedding? */
export async function checkFreshness(
  corpusDir: string,
  manifest: Manifest | null,
  embeddings: IdentifiedEmbeddings,
): Promise<{ fresh: boolean; reason: string; mismatch?: boolean }> {
  if (!manifest) return { fresh: false, reason: "no index yet" };
  if (manifest.format !== INDEX_FORMAT) return { fresh: false, reason: "index format changed" };
  if (manifest.embedding.id !== embeddings.id) return { fresh: false, mismatch: true, reason: `index was built with embedding ${manifest.embedding.id}` };
  if (path.resolve(manifest.corpusDir) !== path.resolve(corpusDir)) return { fresh: false, reason: "index was built from another corpus" };
  const files = await listCorpus(corpusDir);
  const known = new Map(manifest.files.map((f) => [f.path, f]));
  const skipped = new Set(manifest.warnings.map((w) => w.file));
  for (const f of files) {
    const m = known.get(f.path);
    if (!m) {
      if (skipped.has(f.path)) continue;
      return { fresh: false, reason: `new file ${f.path}` };
    }
    if (m.size !== f.size || m.mtimeMs !== f.mtimeMs) {
      const hash = sha256(await fs.readFile(path.join(corpusDir, f.path)).catch(() => Buffer.alloc(0)));
      if (hash !== m.hash) return { fresh: false, reason: `changed file ${f.path}` };
    }
  }
  const present = new Set(files.map((f) => f.path));
  for (const m of manifest.files) if (!present.has(m.path)) return { fresh: false, reason: `removed file ${m.path}` };
  return { fresh: true, reason: "up to date" };
}

/** Loads the current index, refusing one built with another embedding. */
export async function loadIndex(dataDir: string, embeddings: IdentifiedEmbeddings): Promise<SearchIndex> {
  const dir = await currentIndexDir(dataDir);
  if (!dir) throw new IndexMissingError(`no index in ${dataDir}: run \`npm run index\``);
  let manifest: Manifest;
  try {
    manifest = await readJson<Manifest>(path.join(dir, "manifest.json"));
  } catch (err) {
    throw new IndexMissingError(`the index in ${dir} is unreadable: run \`npm run index\``, { cause: err });
  }
  if (manifest.format !== INDEX_FORMAT) {
    throw new IndexMismatchError(`the index in ${dataDir} has format ${manifest.format}, this version reads ${INDEX_FORMAT}: reindex with \`npm run index\``);
  }
  if (manifest.embedding.id !== embeddings.id || manifest.embedding.dimensions !== embeddings.dimensions) {
    throw new IndexMismatchError(
      `the index in ${dataDir} was built with embedding "${manifest.embedding.id}" (${manifest.embedding.dimensions} dimensions) ` +
        `but "${embeddings.id}" (${embeddings.dimensions}) is configured: reindex with \`npm run index\``,
    );
  }
  const [articles, stored, bm25Head, bm25Bin] = await Promise.all([
    readJsonLines<Article>(path.join(dir, "articles.jsonl")),
    readJsonLines<StoredChunk>(path.join(dir, "chunks.jsonl")),
    readJson<Omit<SerializedBm25, "binary">>(path.join(dir, "bm25.json")),
    fs.readFile(path.join(dir, "bm25.bin")),
  ]);
  const articleById = new Map(articles.map((a) => [a.id, a]));
  const vectors = await VectorIndex.load(dir, embeddings, manifest.hnsw.efSearch);
  return {
    dir,
    manifest,
    articles,
    articleById,
    chunks: stored.map((c) => withText(c, articleById)),
    bm25: Bm25Index.deserialize({ ...bm25Head, binary: bm25Bin }),
    vectors,
    embeddings,
  };
}

/** A chunk as stored: offsets into its article body and a hash of its text (for vector reuse). */
type StoredChunk = Omit<Chunk, "text"> & { hash: string };

/** The chunk's text is a slice of its article body (V8 shares the memory of such slices). */
const withText = (c: StoredChunk, articles: Map<string, Article>): Chunk => {
  const { hash: _hash, ...rest } = c;
  return { ...rest, text: articles.get(c.articleId)!.body.slice(c.start, c.end) };
};

const textHash = (text: string) => sha256(text).slice(0, 24);

async function readJsonLines<T>(file: string): Promise<T[]> {
  const out: T[] = [];
  const rl = readline.createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  for await (const line of rl) if (line) out.push(JSON.parse(line) as T);
  return out;
}

async function writeJsonLines<T>(file: string, items: Iterable<T>): Promise<void> {
  const out = createWriteStream(file, { encoding: "utf8" });
  for (const item of items) {
    if (!out.write(`${JSON.stringify(item)}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  out.end();
  await finished(out);
}

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
  vectors.forEach((v, i) => out.set(v, i * embeddings.dimensions));
  return out;
}

/** Vectors of the previous build, by chunk text hash, so unchanged chunks are not embedded again. */
async function previousVectors(dataDir: string, embeddings: IdentifiedEmbeddings): Promise<Map<string, Float32Array>> {
  const cache = new Map<string, Float32Array>();
  try {
    const dir = await currentIndexDir(dataDir);
    if (!dir) return cache;
    const manifest = await readJson<Manifest>(path.join(dir, "manifest.json"));
    if (manifest.embedding.id !== embeddings.id) return cache;
    if (manifest.format !== INDEX_FORMAT) return cache;
    const chunks = await readJsonLines<StoredChunk>(path.join(dir, "chunks.jsonl"));
    const raw = await fs.readFile(path.join(dir, "vectors.f32"));
    const all = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    const dim = manifest.embedding.dimensions;
    chunks.forEach((c, i) => cache.set(c.hash, all.slice(i * dim, (i + 1) * dim)));
  } catch {
    /* no usable previous build: embed everything */
  }
  return cache;
}

/**
 * Builds the index for corpusDir into dataDir and swaps it in. On any failure the previous
 * index keeps serving and an IndexBuildError wrapping the cause is thrown.
 */
export async function buildIndex(options: BuildOptions): Promise<BuildResult> {
  const { corpusDir, dataDir, embeddings } = options;
  const progress = options.onProgress ?? (() => {});
  const warn = options.onWarning ?? (() => {});
  const checkpoint = options.checkpoint ?? (() => {});
  const hnsw = options.hnsw ?? DEFAULT_HNSW;
  const bm25Params = options.bm25 ?? DEFAULT_BM25;
  const chunking = options.chunking ?? DEFAULT_CHUNK_OPTIONS;
  const started = performance.now();
  const release = await acquireLock(dataDir);
  const buildId = `${new Date().toISOString().replace(/[-:.TZ]/g, "").slice(0, 14)}-${randomBytes(3).toString("hex")}`;
  const tmpDir = path.join(dataDir, `.tmp-index-${buildId}`);
  try {
    const warnings: IngestWarning[] = [];
    const onWarn = (w: IngestWarning) => {
      warnings.push(w);
      warn(w);
    };
    progress({ phase: "scan", done: 0, total: 0 });
    try {
      await fs.access(corpusDir);
    } catch (err) {
      throw new IndexBuildError(`corpus directory ${corpusDir} does not exist`, { cause: err });
    }
    const listed: CorpusFile[] = await listCorpus(corpusDir, onWarn);
    await checkpoint("scan");
    const files: ManifestFile[] = [];
    const articles: Article[] = [];
    const chunks: Chunk[] = [];
    // Read and segment with a few files in flight (reading is I/O-bound); results keep corpus order.
    let done = 0;
    const loadedFiles = await mapLimit(listed, READ_CONCURRENCY, async (f) => {
      const loaded = await loadFile(corpusDir, f, onWarn);
      progress({ phase: "read", done: ++done, total: listed.length });
      return loaded;
    });
    for (const [i, loaded] of loadedFiles.entries()) {
      if (!loaded) continue;
      const f = listed[i]!;
      let n = 0;
      for (const a of loaded.articles) {
        const cs = chunkArticle(a, chunking);
        n += cs.length;
        articles.push(a);
        chunks.push(...cs);
      }
      files.push({ path: f.path, hash: loaded.hash, size: loaded.size, mtimeMs: f.mtimeMs, encoding: loaded.encoding, articles: loaded.articles.length, chunks: n });
    }
    progress({ phase: "read", done: listed.length, total: listed.length });
    await checkpoint("read");

    const cache = await previousVectors(dataDir, embeddings);
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
    const batch = options.embedBatchSize ?? 256;
    for (let s = 0; s < todo.length; s += batch) {
      progress({ phase: "embed", done: s, total: todo.length });
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
      chunks.length >= WORKER_MIN_CHUNKS
        ? VectorIndex.buildInWorker(vectors, embeddings, hnsw, probes, tmpDir)
        : VectorIndex.build(vectors, embeddings, hnsw).then(async (index) => ({ index, efSearch: hnsw.efSearch || index.calibrateEfSearch(probes).efSearch }));
    const bm25 = Bm25Index.build(chunks.map((c) => ({ body: c.text, title: chunkTitle(byId.get(c.articleId)!) })), bm25Params);
    const { index: vectorIndex, efSearch } = await graph;
    await checkpoint("index");

    progress({ phase: "write", done: 0, total: 1 });
    const manifest: Manifest = {
      format: INDEX_FORMAT,
      buildId,
      builtAt: new Date().toISOString(),
      buildMs: 0,
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
      warnings,
    };
    const { binary: bm25Bin, ...bm25Head } = bm25.serialize();
    await Promise.all([
      writeJsonLines(path.join(tmpDir, "articles.jsonl"), articles),
      writeJsonLines(
        path.join(tmpDir, "chunks.jsonl"),
        chunks.map(({ text: _text, ...c }, i): StoredChunk => ({ ...c, hash: hashes[i]! })),
      ),
      fs.writeFile(path.join(tmpDir, "bm25.json"), JSON.stringify(bm25Head)),
      fs.writeFile(path.join(tmpDir, "bm25.bin"), bm25Bin),
      vectorIndex.save(tmpDir),
    ]);
    await checkpoint("write");
    manifest.buildMs = Math.round(performance.now() - started);
    await fs.writeFile(path.join(tmpDir, "manifest.json"), JSON.stringify(manifest, null, 1));

    const previous = await readManifest(dataDir);
    const finalDir = path.join(dataDir, `index-${buildId}`);
    await fs.rename(tmpDir, finalDir);
    await checkpoint("renamed");
    await writeFileAtomic(path.join(dataDir, CURRENT), `index-${buildId}\n`);
    await checkpoint("swapped");
    await removeStale(dataDir, `index-${buildId}`);
    progress({ phase: "done", done: 1, total: 1 });
    const index: SearchIndex = {
      dir: finalDir,
      manifest,
      articles,
      articleById: byId,
      chunks,
      bm25,
      vectors: vectorIndex,
      embeddings,
    };
    return { manifest, diff: diffManifests(previous, manifest), index };
  } catch (err) {
    await fs.rm(tmpDir, { recursive: true, force: true }).catch(() => {});
    if (err instanceof IndexBuildError || err instanceof IndexBusyError) throw err;
    throw new IndexBuildError(`reindex failed, the previous index keeps serving: ${(err as Error).message}`, { cause: err });
  } finally {
    await release();
  }
}

/**
 * Removes what a crashed build left behind (old index directories, temporary ones, a dead
 * process's lock), only when no build is running: it takes the lock first and skips when busy.
 */
export async function tidyDataDir(dataDir: string): Promise<void> {
  const current = await currentIndexDir(dataDir);
  if (!current) return;
  let release: () => Promise<void>;
  try {
    release = await acquireLock(dataDir);
  } catch (err) {
    if (err instanceof IndexBusyError) return;
    throw err;
  }
  try {
    await removeStale(dataDir, path.basename(current));
  } finally {
    await release();
  }
}

/** Removes index directories other than the current one (and temporary ones left by crashes). */
async function removeStale(dataDir: string, keep: string): Promise<void> {
  for (const name of await fs.readdir(dataDir)) {
    if (name !== keep && /^(index-|\.tmp-index-)/.test(name)) await fs.rm(path.join(dataDir, name), { recursive: true, force: true }).catch(() => {});
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
