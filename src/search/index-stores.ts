/**
 * Articles and chunks of an index without a JS object per chunk. On disk: `articles.jsonl` (one
 * article per line) with `articles.idx` (the byte offset of every line), `catalog.jsonl` (id and
 * listing fields per article, read only when a listing or a lookup by id is asked for), and
 * `chunks.bin` (four int32 columns: article, ordinal, start, end). An article is read and parsed
 * when asked for (a small cache keeps the recent ones); a chunk's text is its article body's slice.
 */
import { closeSync, promises as fs, openSync, readFileSync, readSync } from "node:fs";
import path from "node:path";
import type { Article, ArticleKind, Chunk } from "../ingest/index.js";

/** The listing fields of an article, as `catalog.jsonl` holds them. */
export interface CatalogEntry {
  id: string;
  source: string;
  title: string | null;
  byline: string | null;
  kind: ArticleKind;
  date: string | null;
}

export const catalogEntry = (a: Article): CatalogEntry => ({
  id: a.id,
  source: a.source,
  title: a.title,
  byline: a.byline,
  kind: a.kind,
  date: a.meta.date ?? null,
});

export interface ArticleStore {
  readonly length: number;
  get(i: number): Article;
  /** Position of the article with this id, or undefined. */
  indexOf(id: string): number | undefined;
  /** Listing fields of every article, in index order (read once, on first use). */
  catalog(): readonly CatalogEntry[];
  /** Every article (reads them all: for publishing, tools and tests, not for serving). */
  all(): Article[];
}

export interface ChunkStore {
  readonly length: number;
  get(doc: number): Chunk;
  /** Position of the chunk's article in the article store. */
  articleOf(doc: number): number;
}

/** Chunk columns: article position, ordinal, body start, body end. */
export const CHUNK_COLUMNS = 4;

export const chunkId = (articleId: string, ordinal: number): string => `${articleId}-${ordinal}`;

/** Articles held in memory (a build's, or a test's). */
export function memoryArticles(articles: Article[]): ArticleStore {
  let ids: Map<string, number> | undefined;
  let entries: CatalogEntry[] | undefined;
  return {
    length: articles.length,
    get: (i) => articles[i]!,
    indexOf(id) {
      ids ??= new Map(articles.map((a, i) => [a.id, i]));
      return ids.get(id);
    },
    catalog: () => (entries ??= articles.map(catalogEntry)),
    all: () => articles,
  };
}

/** Chunk objects kept at most when articles are read on demand (each holds its article's body). */
export const CHUNK_CACHE = 16_384;

/**
 * Chunks from their columns over an article store. A chunk is made once and kept (the answer
 * layer caches normalised text by object): every one when the articles are in memory anyway, the
 * recently used ones otherwise.
 */
export function columnChunks(columns: Int32Array, articles: ArticleStore, keepAll = true): ChunkStore {
  const n = columns.length / CHUNK_COLUMNS;
  const kept = new Map<number, Chunk>();
  const make = (doc: number): Chunk => {
    const o = doc * CHUNK_COLUMNS;
    const article = articles.get(columns[o]!);
    const [ordinal, start, end] = [columns[o + 1]!, columns[o + 2]!, columns[o + 3]!];
    return { id: chunkId(article.id, ordinal), articleId: article.id, ordinal, start, end, text: article.body.slice(start, end) };
  };
  return {
    length: n,
    articleOf: (doc) => columns[doc * CHUNK_COLUMNS]!,
    get(doc) {
      let c = kept.get(doc);
      if (c) {
        if (!keepAll) {
          kept.delete(doc);
          kept.set(doc, c);
        }
        return c;
      }
      c = make(doc);
      kept.set(doc, c);
      if (!keepAll && kept.size > CHUNK_CACHE) kept.delete(kept.keys().next().value!);
      return c;
    },
  };
}

/** Articles parsed in a store's cache at most. */
export const ARTICLE_CACHE = 4096;

/**
 * Articles read from `articles.jsonl` on demand through one open file descriptor. `close` releases
 * it (a replaced index is closed once the questions in flight on it are done).
 */
export function fileArticles(file: string, offsets: Float64Array, readCatalog: () => CatalogEntry[]): ArticleStore & { close(): void } {
  let fd: number | null = openSync(file, "r");
  const cache = new Map<number, Article>();
  let entries: CatalogEntry[] | undefined;
  let ids: Map<string, number> | undefined;
  let buf = Buffer.alloc(1 << 16);
  const read = (i: number): Article => {
    if (fd === null) throw new Error(`${file} was closed (the index was replaced)`);
    const [from, to] = [offsets[i]!, offsets[i + 1]!];
    const len = to - from;
    if (len > buf.length) buf = Buffer.alloc(len);
    let got = 0;
    while (got < len) {
      const n = readSync(fd, buf, got, len - got, from + got);
      if (n === 0) throw new Error(`${file} ends before article ${i}`);
      got += n;
    }
    return JSON.parse(buf.toString("utf8", 0, len)) as Article;
  };
  const store = {
    length: offsets.length - 1,
    get(i: number): Article {
      let a = cache.get(i);
      if (a) {
        // most recently used last
        cache.delete(i);
        cache.set(i, a);
        return a;
      }
      a = read(i);
      cache.set(i, a);
      if (cache.size > ARTICLE_CACHE) cache.delete(cache.keys().next().value!);
      return a;
    },
    catalog: () => (entries ??= readCatalog()),
    indexOf(id: string) {
      ids ??= new Map(store.catalog().map((e, i) => [e.id, i]));
      return ids.get(id);
    },
    all: () => Array.from({ length: store.length }, (_, i) => read(i)),
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
      cache.clear();
    },
  };
  return store;
}

/** A typed view of a file's bytes (copied once when the buffer is not aligned for it). */
export function typedView<T extends Int32Array | Float64Array>(
  buf: Buffer,
  make: { new (b: ArrayBuffer, o: number, n: number): T; BYTES_PER_ELEMENT: number },
): T {
  const size = make.BYTES_PER_ELEMENT;
  if (buf.byteOffset % size === 0) return new make(buf.buffer as ArrayBuffer, buf.byteOffset, buf.byteLength / size);
  const copy = new ArrayBuffer(buf.byteLength);
  new Uint8Array(copy).set(buf);
  return new make(copy, 0, buf.byteLength / size);
}

/**
 * Up to this size articles.jsonl is parsed whole at load (as fast to answer from as before, and a
 * 100k-chunk archive's is ~70 MB); above it articles are read on demand.
 */
export const ARTICLES_IN_MEMORY_MAX_BYTES = 256 << 20;

/** The article and chunk stores of an index directory (its files already checked). */
export async function openStores(
  dir: string,
  inMemoryMaxBytes = ARTICLES_IN_MEMORY_MAX_BYTES,
): Promise<{ articles: ArticleStore; chunks: ChunkStore; close(): void }> {
  const [idx, cols] = await Promise.all([fs.readFile(path.join(dir, "articles.idx")), fs.readFile(path.join(dir, "chunks.bin"))]);
  const offsets = typedView(idx, Float64Array);
  if ((offsets.at(-1) ?? 0) <= inMemoryMaxBytes) {
    const text = await fs.readFile(path.join(dir, "articles.jsonl"), "utf8");
    const articles = memoryArticles(
      text
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Article),
    );
    return { articles, chunks: columnChunks(typedView(cols, Int32Array), articles), close: () => {} };
  }
  // the catalog is read through its own descriptor: the directory may be renamed before it is
  let catalogFd: number | null = openSync(path.join(dir, "catalog.jsonl"), "r");
  const readCatalog = (): CatalogEntry[] => {
    if (catalogFd === null) throw new Error(`the catalog of ${dir} was closed (the index was replaced)`);
    const text = readFileSync(catalogFd, "utf8");
    closeSync(catalogFd);
    catalogFd = null;
    return text
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as CatalogEntry);
  };
  const articles = fileArticles(path.join(dir, "articles.jsonl"), offsets, readCatalog);
  return {
    articles,
    chunks: columnChunks(typedView(cols, Int32Array), articles, false),
    close() {
      articles.close();
      if (catalogFd !== null) closeSync(catalogFd);
      catalogFd = null;
    },
  };
}
