/**
 * The index lifecycle's public face: build (index-build.ts), load with every file checked
 * against its checksum, freshness against the corpus, and tidying what crashed builds left.
 * See index-format.ts for the layout of DATA_DIR.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { IndexBusyError, IndexMismatchError, IndexMissingError } from "../errors.js";
import { listCorpus, sha256 } from "../ingest/index.js";
import { Bm25Index, type SerializedBm25 } from "./bm25-index.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import { removeStale } from "./index-build.js";
import { IndexCorruptError, readVerified, readVerifiedSync, verifyFiles } from "./index-files.js";
import { BM25_TF, INDEX_FORMAT, type IndexManifest, MANIFEST, type Manifest, type SearchIndex, readCurrent } from "./index-format.js";
import { openStores } from "./index-stores.js";
import { LEGACY_LOCK, acquireLock } from "./index-lock.js";
import { VectorIndex } from "./vector-index.js";

export * from "./index-build.js";
export * from "./index-format.js";
export * from "./index-stores.js";
export { IndexCorruptError } from "./index-files.js";
export { acquireLock, isLocked } from "./index-lock.js";

/** Is the index in dataDir built from exactly the files now in corpusDir, with this embedding? */
export async function checkFreshness(
  corpusDir: string,
  manifest: Manifest | null,
  embeddings: IdentifiedEmbeddings,
): Promise<{ fresh: boolean; reason: string; mismatch?: boolean }> {
  if (!manifest) return { fresh: false, reason: "no index yet" };
  if (manifest.format !== INDEX_FORMAT) return { fresh: false, reason: "index format changed" };
  if (manifest.embedding.id !== embeddings.id)
    return { fresh: false, mismatch: true, reason: `index was built with embedding ${manifest.embedding.id}` };
  if (path.resolve(manifest.corpusDir) !== path.resolve(corpusDir)) return { fresh: false, reason: "index was built from another corpus" };
  const files = await listCorpus(corpusDir);
  const known = new Map(manifest.files.map((f) => [f.path, f]));
  const skipped = new Map(manifest.skipped.map((f) => [f.path, f]));
  for (const f of files) {
    const m = known.get(f.path);
    if (!m) {
      // a file skipped last time counts as unchanged only while it stays as it was then
      const s = skipped.get(f.path);
      if (s && s.size === f.size && s.mtimeMs === f.mtimeMs) continue;
      return { fresh: false, reason: s ? `changed file ${f.path} (skipped before)` : `new file ${f.path}` };
    }
    const side = f.sidecar && f.sidecarStat ? { path: f.sidecar, ...f.sidecarStat } : undefined;
    if (side?.path !== m.sidecar?.path || side?.size !== m.sidecar?.size || side?.mtimeMs !== m.sidecar?.mtimeMs)
      return { fresh: false, reason: `changed metadata of ${f.path}` };
    if (m.size !== f.size || m.mtimeMs !== f.mtimeMs) {
      const hash = sha256(await fs.readFile(path.join(corpusDir, f.path)).catch(() => Buffer.alloc(0)));
      if (hash !== m.hash) return { fresh: false, reason: `changed file ${f.path}` };
    }
  }
  const present = new Set(files.map((f) => f.path));
  for (const m of manifest.files) if (!present.has(m.path)) return { fresh: false, reason: `removed file ${m.path}` };
  return { fresh: true, reason: "up to date" };
}

/** Reads and checks the manifest CURRENT points at: its SHA-256 must be the one CURRENT records. */
async function checkedManifest(dataDir: string): Promise<{ dir: string; manifest: IndexManifest }> {
  const current = await readCurrent(dataDir);
  if (!current) throw new IndexMissingError(`no index in ${dataDir}: run \`npm run index\``);
  let raw: Buffer;
  try {
    raw = await fs.readFile(path.join(current.dir, MANIFEST));
  } catch (err) {
    throw new IndexCorruptError(MANIFEST, `the index in ${current.dir} has no readable manifest`, { cause: err });
  }
  if (current.manifestSha256 === null) {
    // older versions wrote no checksum; in this format a pointer without one is damaged
    if (/"format":\s*(\d+)/.exec(raw.toString("utf8"))?.[1] === String(INDEX_FORMAT))
      throw new IndexCorruptError("CURRENT", `${dataDir}/CURRENT names no manifest checksum (damaged on disk)`);
    throw new IndexMismatchError(`the index in ${dataDir} was written by an older version (no checksums): reindex with \`npm run index\``);
  }
  if (sha256(raw) !== current.manifestSha256)
    throw new IndexCorruptError(MANIFEST, `the manifest in ${current.dir} does not match its checksum (damaged on disk)`);
  return { dir: current.dir, manifest: JSON.parse(raw.toString("utf8")) as IndexManifest };
}

export interface LoadOptions {
  /**
   * Article and vector files up to this size are read into memory; larger ones are read on demand
   * (default 256 MB; tests set 0 to exercise the on-demand path on a small corpus).
   */
  inMemoryMaxBytes?: number;
  /**
   * Check every file's SHA-256 before parsing (default true). Only a caller that has just had the
   * same files checked (the build worker reads them back after writing) turns it off.
   */
  verify?: boolean;
}

/** Loads the index once, checking every file first (but the frequencies, checked when read). */
async function loadOnce(dataDir: string, embeddings: IdentifiedEmbeddings, options: LoadOptions): Promise<SearchIndex> {
  const { dir, manifest } = await checkedManifest(dataDir);
  if (manifest.format !== INDEX_FORMAT) {
    throw new IndexMismatchError(
      `the index in ${dataDir} has format ${manifest.format}, this version reads ${INDEX_FORMAT}: reindex with \`npm run index\``,
    );
  }
  if (manifest.embedding.id !== embeddings.id || manifest.embedding.dimensions !== embeddings.dimensions) {
    throw new IndexMismatchError(
      `the index in ${dataDir} was built with embedding "${manifest.embedding.id}" (${manifest.embedding.dimensions} dimensions) ` +
        `but "${embeddings.id}" (${embeddings.dimensions}) is configured: reindex with \`npm run index\``,
    );
  }
  // the keyword index is checked as it is read (one read); its frequencies, not needed to search,
  // when the Postgres publisher reads them
  const wholeReads = ["bm25.json", "bm25.bin"];
  const check = options.verify !== false;
  const read = (name: string) => (check ? readVerified(dir, name, manifest.checksums[name]) : fs.readFile(path.join(dir, name)));
  const others = Object.keys(manifest.checksums).filter((n) => n !== BM25_TF && !wholeReads.includes(n));
  const alongside = wholeReads.reduce((n, f) => n + (manifest.checksums[f]?.size ?? 0), 0);
  // the other files are checked (on two threads when large) while the keyword index is read and checked
  const [, bm25Head, bm25Bin] = await Promise.all([
    check ? verifyFiles(dir, manifest.checksums, others, { alongside }) : undefined,
    read("bm25.json").then((b) => JSON.parse(b.toString("utf8")) as Omit<SerializedBm25, "binary">),
    read("bm25.bin"),
  ]);
  const stores = await openStores(dir, options.inMemoryMaxBytes);
  let vectors: VectorIndex;
  try {
    vectors = await VectorIndex.load(dir, embeddings, manifest.hnsw.efSearch, options.inMemoryMaxBytes);
  } catch (err) {
    stores.close();
    throw err;
  }
  const close = () => {
    stores.close();
    vectors.close();
  };
  const { chunks, articles } = stores;
  const articleCount = manifest.counts.articles + manifest.counts.notes;
  if (chunks.length !== manifest.counts.chunks || vectors.size !== chunks.length || articles.length !== articleCount) {
    close();
    throw new IndexCorruptError(
      "chunks.bin",
      `the index holds ${chunks.length} chunks, ${vectors.size} vectors and ${articles.length} articles; its manifest says ${manifest.counts.chunks} and ${articleCount}`,
    );
  }
  return {
    dir,
    manifest,
    articles,
    chunks,
    bm25: Bm25Index.deserialize({ ...bm25Head, binary: bm25Bin }, () => readVerifiedSync(dir, BM25_TF, manifest.checksums[BM25_TF])),
    vectors,
    embeddings,
    close,
  };
}

/**
 * Loads the current index, refusing one built with another embedding (IndexMismatchError) and
 * one whose files do not match their checksums (IndexCorruptError). A build that swaps CURRENT
 * and removes the old directory while this reads is not an error: it reads the new one.
 */
export async function loadIndex(dataDir: string, embeddings: IdentifiedEmbeddings, options: LoadOptions = {}): Promise<SearchIndex> {
  for (let attempt = 0; ; attempt++) {
    const before = (await readCurrent(dataDir))?.name;
    try {
      return await loadOnce(dataDir, embeddings, options);
    } catch (err) {
      const after = (await readCurrent(dataDir))?.name;
      if (attempt < 3 && before !== after) continue;
      throw err;
    }
  }
}

/**
 * Removes what a crashed build left behind (old index directories, temporary ones, a legacy pid
 * lock), only when no build is running: it takes the lock first and skips when busy.
 */
export async function tidyDataDir(dataDir: string): Promise<void> {
  const current = await readCurrent(dataDir);
  if (!current) return;
  let release: () => Promise<void>;
  try {
    release = await acquireLock(dataDir);
  } catch (err) {
    if (err instanceof IndexBusyError) return;
    throw err;
  }
  try {
    await removeStale(dataDir, current.name);
    await fs.rm(path.join(dataDir, LEGACY_LOCK), { force: true });
  } finally {
    await release();
  }
}
