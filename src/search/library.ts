/**
 * The library: the serving index plus the operations admins run on it (reindex, add and
 * remove documents). A reindex builds a new index on disk while the old one keeps serving,
 * then swaps it in; only one runs at a time.
 */
import { createHash, randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { DocumentRejectedError, IndexBusyError } from "../errors.js";
import { type Article, decodeText, DOCUMENT_EXTENSIONS, type IngestWarning, MAX_FILE_BYTES } from "../ingest/index.js";
import { buildIndexInWorker, prewarmBuildWorker } from "./build-in-worker.js";
import type { EmbeddingsConfig } from "./embeddings.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import type { ActivityGauge } from "./yield-point.js";
import { type BuildDiff, type BuildOptions, type BuildProgress, type SearchIndex, buildIndex } from "./index-store.js";

export interface LibraryInfo {
  files: number;
  articles: number;
  notes: number;
  chunks: number;
  builtAt: string;
  buildMs: number;
  embedding: string;
  warnings: IngestWarning[];
}

export interface ReindexReport {
  diff: BuildDiff;
  files: number;
  articles: number;
  chunks: number;
  seconds: number;
  warnings: IngestWarning[];
}

export interface ArticleSummary {
  key: string;
  source: string;
  title: string | null;
  byline: string | null;
  kind: Article["kind"];
}

export interface Library {
  readonly corpusDir: string;
  /** The index answering questions now. */
  current(): SearchIndex;
  info(): LibraryInfo;
  reindexing(): boolean;
  /** Rebuilds from the corpus and swaps the new index in; throws IndexBusyError while one runs. */
  reindex(onProgress?: (p: BuildProgress) => void): Promise<ReindexReport>;
  articles(): ArticleSummary[];
  /** Short stable key of an article (fits in Telegram callback data). */
  articleKey(articleId: string): string;
  article(key: string): Article | undefined;
  /** Validates and writes a document into the corpus (no reindex). Returns its corpus path. */
  addDocument(fileName: string, data: Uint8Array): Promise<{ file: string; replaced: boolean }>;
  /** Deletes a document of the corpus (no reindex). */
  removeDocument(fileName: string): Promise<{ file: string }>;
}

export interface LibraryOptions {
  corpusDir: string;
  dataDir: string;
  embeddings: IdentifiedEmbeddings;
  index: SearchIndex;
  /** Largest document accepted by addDocument. */
  maxDocumentBytes?: number;
  onWarning?: (w: IngestWarning) => void;
  /** Test hook passed to buildIndex (the build then runs in this thread). */
  checkpoint?: BuildOptions["checkpoint"];
  /**
   * How to make the embedding in another thread: given, a reindex runs in a worker thread and
   * questions keep being answered at full speed meanwhile; without it, in this thread.
   */
  embeddingsConfig?: EmbeddingsConfig;
  /** Questions in flight, counted by the answering side: a worker reindex gives way to them. */
  activity?: ActivityGauge;
}

export const articleKey = (articleId: string): string => createHash("sha1").update(articleId).digest("base64url").slice(0, 12);

/**
 * A safe corpus file name from a user-supplied one: the last path component only, no leading
 * dots, letters/digits/`._-` and spaces kept, anything else `_`; it must end in a document
 * extension. Returns null when nothing usable is left.
 */
export function sanitizeFileName(name: string): string | null {
  const base = name.normalize("NFKC").split(/[/\\]/).pop() ?? "";
  const cleaned = base
    .replace(/[^\p{L}\p{N}._ -]/gu, "_")
    .replace(/\s+/g, " ")
    .replace(/^[.\s_-]+/, "")
    .trim();
  if (!cleaned || !/[\p{L}\p{N}]/u.test(cleaned.replace(/\.[^.]*$/, ""))) return null;
  return fitNameBytes(cleaned, MAX_NAME_BYTES);
}

/** File systems allow 255 bytes per name; leave room for the temporary prefix used while writing. */
export const MAX_NAME_BYTES = 200;

/** Shortens the stem (whole characters) so that the UTF-8 name fits in `max` bytes; the extension stays. */
function fitNameBytes(name: string, max: number): string {
  if (Buffer.byteLength(name) <= max) return name;
  const ext = path.extname(name).slice(0, 16);
  const stem = Array.from(name.slice(0, name.length - path.extname(name).length));
  while (stem.length && Buffer.byteLength(stem.join("") + ext) > max) stem.pop();
  return stem.join("").trim() + ext;
}

export function createLibrary(options: LibraryOptions): Library {
  const { corpusDir, dataDir, embeddings } = options;
  const maxBytes = options.maxDocumentBytes ?? MAX_FILE_BYTES;
  let index = options.index;
  let running = false;
  // the build thread loads its modules now, not in the middle of the first reindex
  if (options.embeddingsConfig && !options.checkpoint) prewarmBuildWorker().catch(() => {});
  let keys = new Map<string, Article>();
  const rekey = () => {
    keys = new Map(index.articles.map((a) => [articleKey(a.id), a]));
  };
  rekey();

  const resolveInCorpus = (fileName: string): { file: string; abs: string } => {
    const file = sanitizeFileName(fileName);
    if (!file) throw new DocumentRejectedError("name", `"${fileName}" is not a usable file name`);
    if (!DOCUMENT_EXTENSIONS.includes(path.extname(file).toLowerCase())) {
      throw new DocumentRejectedError("type", `only ${DOCUMENT_EXTENSIONS.join(", ")} documents are accepted`);
    }
    const root = path.resolve(corpusDir);
    const abs = path.resolve(root, file);
    if (path.dirname(abs) !== root) throw new DocumentRejectedError("name", `"${fileName}" would leave the corpus directory`);
    return { file, abs };
  };

  return {
    corpusDir,
    current: () => index,
    info: () => {
      const m = index.manifest;
      return {
        files: m.counts.files,
        articles: m.counts.articles,
        notes: m.counts.notes,
        chunks: m.counts.chunks,
        builtAt: m.builtAt,
        buildMs: m.buildMs,
        embedding: m.embedding.id,
        warnings: m.warnings,
      };
    },
    reindexing: () => running,
    async reindex(onProgress) {
      if (running) throw new IndexBusyError("a reindex is already running");
      running = true;
      const t0 = performance.now();
      try {
        const common = { corpusDir, dataDir, embeddings, onProgress, onWarning: options.onWarning };
        const built =
          options.embeddingsConfig && !options.checkpoint
            ? await buildIndexInWorker({ ...common, embeddingsConfig: options.embeddingsConfig, activity: options.activity?.buffer })
            : await buildIndex({ ...common, checkpoint: options.checkpoint });
        index = built.index;
        rekey();
        const c = built.manifest.counts;
        return {
          diff: built.diff,
          files: c.files,
          articles: c.articles,
          chunks: c.chunks,
          seconds: (performance.now() - t0) / 1000,
          warnings: built.manifest.warnings,
        };
      } finally {
        running = false;
      }
    },
    articles: () =>
      index.articles.map((a) => ({ key: articleKey(a.id), source: a.source, title: a.title, byline: a.byline, kind: a.kind })),
    articleKey,
    article: (key) => keys.get(key),
    async addDocument(fileName, data) {
      const { file, abs } = resolveInCorpus(fileName);
      if (data.length > maxBytes) throw new DocumentRejectedError("size", `${file} is ${data.length} bytes; the limit is ${maxBytes}`);
      const decoded = decodeText(data);
      if (!decoded.ok) throw new DocumentRejectedError(decoded.reason, `${file}: ${decoded.message}`);
      const replaced = await fs.stat(abs).then(
        () => true,
        () => false,
      );
      await fs.mkdir(path.dirname(abs), { recursive: true });
      // Hidden temporary name: a concurrent corpus scan skips it; rename is atomic.
      const tmp = path.join(path.dirname(abs), `.upload-${randomBytes(4).toString("hex")}.tmp`);
      try {
        await fs.writeFile(tmp, data);
        await fs.rename(tmp, abs);
      } catch (err) {
        await fs.rm(tmp, { force: true }).catch(() => {});
        throw err;
      }
      return { file, replaced };
    },
    async removeDocument(fileName) {
      const { file, abs } = resolveInCorpus(fileName);
      try {
        await fs.unlink(abs);
      } catch (err) {
        throw new DocumentRejectedError("missing", `${file} is not in the corpus`, { cause: err });
      }
      return { file };
    },
  };
}
