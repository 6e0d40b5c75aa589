/**
 * The library: the serving index plus the operations admins run on it (reindex, add and
 * remove documents). A reindex builds a new index on disk while the old one keeps serving,
 * then swaps it in; only one runs at a time.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { IndexBusyError } from "../errors.js";
import { type Article, clippingImage, type IngestWarning, MAX_FILE_BYTES } from "../ingest/index.js";
import { buildIndexInWorker, prewarmBuildWorker } from "./build-in-worker.js";
import type { EmbeddingsConfig } from "./embeddings.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import type { ActivityGauge } from "./yield-point.js";
import { type CorpusDocuments, createCorpusDocuments } from "./corpus-documents.js";
import { type EnsureIndexOptions, ensureIndex } from "./ensure-index.js";
import {
  type BuildDiff,
  type BuildOptions,
  type BuildProgress,
  type BuildResult,
  type IndexManifest,
  type SearchIndex,
  buildIndex,
} from "./index-store.js";
import { type ArticleStore, memoryArticles } from "./index-stores.js";
import { localRetriever, type Retriever } from "./retrieval.js";

/** A clipping image (PNG) and whether the text it stands for was read by OCR. */
export interface Clipping {
  png: Uint8Array;
  ocr: boolean;
}

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
  /** Publication date, when the article's metadata states one. */
  date: string | null;
}

export interface Library extends CorpusDocuments {
  /** The retrieval backend answering questions now (a reindex swaps it). */
  retriever(): Retriever;
  info(): LibraryInfo;
  /** Rebuilds from the corpus and swaps the new index in; throws IndexBusyError while one runs. */
  reindex(onProgress?: (p: BuildProgress) => void): Promise<ReindexReport>;
  articles(): ArticleSummary[];
  /** Short stable key of an article (fits in Telegram callback data). */
  articleKey(articleId: string): string;
  article(key: string): Article | undefined;
  /**
   * The clipping image (PNG) of an article of a page image or PDF page, its excerpt [start, end)
   * marked, and whether its text was read by OCR; null for text files.
   */
  clipping(key: string, start: number, end: number): Promise<Clipping | null>;
  /** Stops watching for other replicas' reindexes (database backend); nothing to do locally. */
  close(): Promise<void>;
}

/** The embedded backend's library, which also hands out its index. */
export interface LocalLibrary extends Library {
  /** The index answering questions now. */
  current(): SearchIndex;
}

/** Articles by key and as a listing, and their clippings: the same over every backend. */
export function createCatalog(corpusDir: string, dataDir: string) {
  let store: ArticleStore = memoryArticles([]);
  // built on first use: a million-article archive answers questions before anyone lists it
  let keys: Map<string, number> | null = null;
  const byKey = (key: string): Article | undefined => {
    keys ??= new Map(store.catalog().map((e, i) => [articleKey(e.id), i]));
    const i = keys.get(key);
    return i === undefined ? undefined : store.get(i);
  };
  return {
    set(articles: ArticleStore) {
      store = articles;
      keys = null;
    },
    articles: (): ArticleSummary[] =>
      store
        .catalog()
        .map((e) => ({ key: articleKey(e.id), source: e.source, title: e.title, byline: e.byline, kind: e.kind, date: e.date })),
    articleKey,
    article: byKey,
    async clipping(key: string, start: number, end: number): Promise<Clipping | null> {
      const a = byKey(key);
      const png = a ? await clippingImage(corpusDir, a, start, end, path.join(dataDir, "ocr-cache")) : null;
      return png ? { png, ocr: a?.meta.ocr === "true" } : null;
    },
  };
}

/** How long a replaced index keeps its files open for the questions still running on it. */
export const RETIRE_MS = 60_000;

/** Closes a replaced index once the questions in flight on it are surely done. */
export function retireIndex(index: SearchIndex): void {
  setTimeout(() => index.close(), RETIRE_MS).unref();
}

/** LibraryInfo from a manifest. */
export function manifestInfo(m: IndexManifest): LibraryInfo {
  const { files, articles, notes, chunks } = m.counts;
  return { files, articles, notes, chunks, builtAt: m.builtAt, buildMs: m.buildMs, embedding: m.embedding.id, warnings: m.warnings };
}

export function reindexReport(built: BuildResult, t0: number): ReindexReport {
  const c = built.manifest.counts;
  return {
    diff: built.diff,
    files: c.files,
    articles: c.articles,
    chunks: c.chunks,
    seconds: (performance.now() - t0) / 1000,
    warnings: built.manifest.warnings,
  };
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
 * The one owner of the index: checks (or builds) the index for the corpus, then serves it and
 * runs reindexes and document changes. Created once, in main.ts (or by the CLI).
 */
export async function openLibrary(
  options: Omit<LibraryOptions, "index"> & Pick<EnsureIndexOptions, "onBuild" | "onProgress" | "syncCheckMaxFiles">,
): Promise<{ library: LocalLibrary; built: boolean }> {
  const { index, built, checkLater } = await ensureIndex(options);
  const library = createLibrary({ ...options, index });
  // a large archive answers at once; if the check behind finds it stale, it is rebuilt meanwhile
  checkLater?.()
    .then(async (reason) => {
      if (!reason) return;
      options.onBuild?.(reason);
      await library.reindex(options.onProgress);
    })
    .catch((err: unknown) =>
      options.onWarning?.({ file: ".", message: `the index could not be brought up to date: ${(err as Error).message}` }),
    );
  return { library, built: built !== null };
}

export function createLibrary(options: LibraryOptions): LocalLibrary {
  const { corpusDir, dataDir, embeddings } = options;
  const maxBytes = options.maxDocumentBytes ?? MAX_FILE_BYTES;
  let index = options.index;
  let running = false;
  // the build thread loads its modules now, not in the middle of the first reindex
  if (options.embeddingsConfig && !options.checkpoint) prewarmBuildWorker().catch(() => {});
  const documents = createCorpusDocuments(corpusDir, maxBytes);
  const catalog = createCatalog(corpusDir, dataDir);
  catalog.set(index.articles);
  const retriever = localRetriever(() => index);

  return {
    current: () => index,
    retriever,
    info: () => manifestInfo(index.manifest),
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
        retireIndex(index);
        index = built.index;
        catalog.set(index.articles);
        return reindexReport(built, t0);
      } finally {
        running = false;
      }
    },
    articles: catalog.articles,
    articleKey,
    article: catalog.article,
    clipping: catalog.clipping,
    close: async () => index.close(),
    ...documents,
  };
}
