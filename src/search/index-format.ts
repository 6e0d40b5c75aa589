/**
 * What an index is on disk. DATA_DIR holds `CURRENT` and one directory per build:
 *
 *   CURRENT              "index-<buildId>\nmanifest sha256:<hex>\n" (replaced atomically)
 *   index-<buildId>/     manifest.json, articles.jsonl + articles.idx (byte offset of each line),
 *                        catalog.jsonl (listing fields), chunks.bin (int32 columns: article,
 *                        ordinal, start, end — offsets into the body, not text), chunk-hashes.bin,
 *                        bm25.json + bm25.bin (+ bm25-tf.bin, read only to publish to Postgres),
 *                        vectors.f32, hnsw/
 *
 * The manifest records the size and SHA-256 of every other file of its directory, and CURRENT
 * records the manifest's: a reader trusts nothing it has not checked against that chain.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Article, ChunkOptions, IngestWarning } from "../ingest/index.js";
import type { Bm25Index, Bm25Params } from "./bm25-index.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import type { FileChecksum } from "./index-files.js";
import type { ArticleStore, ChunkStore } from "./index-stores.js";
import type { HnswParams, VectorIndex } from "./vector-index.js";

/**
 * 3: per-file checksums in the manifest, the manifest's in CURRENT, skipped files recorded; 4: publication
 * dates (meta.date, date_source) and headline-first layouts; 5: chunks and article offsets as binary
 * columns, articles read on demand, the catalog apart, the newest date in the manifest; 6: postings
 * carry their impact (score before the idf) in bm25.bin, the packed frequencies in bm25-tf.bin.
 */
export const INDEX_FORMAT = 6;
/** `chunk-hashes.bin` and `vectors.f32` are laid out alike since this format: a rebuild reuses their vectors. */
export const VECTORS_SINCE_FORMAT = 5;
/** The keyword index's packed term frequencies: not needed to search, checked when read. */
export const BM25_TF = "bm25-tf.bin";
export const CURRENT = "CURRENT";
export const MANIFEST = "manifest.json";

export interface ManifestFile {
  path: string;
  hash: string;
  size: number;
  mtimeMs: number;
  encoding: string;
  articles: number;
  chunks: number;
  /** Its metadata sidecar as it was read (path, size, modification time). */
  sidecar?: { path: string; size: number; mtimeMs: number };
}

/** A corpus file that could not be used (its warning says why), as it was when skipped. */
export interface SkippedFile {
  path: string;
  size: number;
  mtimeMs: number;
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
  skipped: SkippedFile[];
  warnings: IngestWarning[];
  /** Size and SHA-256 of every other file in the index directory, by relative path. */
  checksums: Record<string, FileChecksum>;
  /** The newest publication date (ISO) of the articles, null when none is dated. */
  newestDate: string | null;
}

/**
 * The manifest as `manifest.json` holds it: everything but the corpus file list, which `files.json`
 * holds (checksummed here); at a million chunks the list is ~100 MB, and serving never needs it.
 */
export type IndexManifest = Omit<Manifest, "files" | "skipped">;
export const FILE_LIST = "files.json";

/** The two parts a manifest is written as. */
export function splitManifest(m: Manifest): { head: IndexManifest; list: Pick<Manifest, "files" | "skipped"> } {
  const { files, skipped, ...head } = m;
  return { head, list: { files, skipped } };
}

export interface SearchIndex {
  dir: string;
  manifest: IndexManifest;
  articles: ArticleStore;
  chunks: ChunkStore;
  bm25: Bm25Index;
  vectors: VectorIndex;
  embeddings: IdentifiedEmbeddings;
  /** Releases its open files (a replaced index, once the questions on it are done). */
  close(): void;
}

/** Text the keyword index searches as the chunk's title field: headline block and byline. */
export const chunkTitle = (a: Article): string => [a.kicker, a.title, a.subtitle, a.byline].filter(Boolean).join(" ");

export interface CurrentPointer {
  dir: string;
  name: string;
  /** SHA-256 of manifest.json, or null in a pointer written by an older version. */
  manifestSha256: string | null;
}

export const currentPointerText = (name: string, manifestSha256: string): string => `${name}\nmanifest sha256:${manifestSha256}\n`;

/** What CURRENT points at, or null when there is no (readable) pointer. */
export async function readCurrent(dataDir: string): Promise<CurrentPointer | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dataDir, CURRENT), "utf8");
  } catch {
    return null;
  }
  const [first = "", second = ""] = text.split("\n");
  const name = first.trim();
  if (!/^index-[\w-]+$/.test(name)) return null;
  const hash = /^manifest sha256:([0-9a-f]{64})$/.exec(second.trim());
  return { dir: path.join(dataDir, name), name, manifestSha256: hash ? hash[1]! : null };
}

/** The directory the CURRENT pointer names, or null when there is no index. */
export async function currentIndexDir(dataDir: string): Promise<string | null> {
  return (await readCurrent(dataDir))?.dir ?? null;
}

/** The current manifest as written, with its file list (unchecked: for freshness and diffs, never for serving). */
export async function readManifest(dataDir: string): Promise<Manifest | null> {
  const dir = await currentIndexDir(dataDir);
  if (!dir) return null;
  try {
    const head = JSON.parse(await fs.readFile(path.join(dir, MANIFEST), "utf8")) as IndexManifest;
    const list = JSON.parse(await fs.readFile(path.join(dir, FILE_LIST), "utf8")) as Pick<Manifest, "files" | "skipped">;
    return { ...head, files: list.files, skipped: list.skipped };
  } catch {
    return null;
  }
}

/** The current manifest without its file list (unchecked), or null. */
export async function readManifestHead(dataDir: string): Promise<IndexManifest | null> {
  const dir = await currentIndexDir(dataDir);
  if (!dir) return null;
  try {
    return JSON.parse(await fs.readFile(path.join(dir, MANIFEST), "utf8")) as IndexManifest;
  } catch {
    return null;
  }
}
