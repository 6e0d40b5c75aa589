/**
 * The archive as the bot (and any other front end) sees it: questions in, answers out; articles
 * by the key a citation carries; the list of articles; index facts; and the admin operations.
 * Front ends never reach the index, the corpus files or the ingest types behind it.
 */
import type { BuildProgress, Clipping, Library, LibraryInfo, ReindexReport } from "../search/index.js";
import type { AnswerOptions, AnswerService } from "./answer-service.js";
import type { Answer, SourceMeta } from "./types.js";

/** A whole article, as a reader sees it. */
export interface ArticleView {
  key: string;
  source: string;
  kind: "article" | "note";
  title: string | null;
  kicker: string | null;
  subtitle: string | null;
  byline: string | null;
  body: string;
  meta: SourceMeta;
}

export type ArticleListing = Pick<ArticleView, "key" | "source" | "kind" | "title" | "byline"> & { date: string | null };

/** Index facts (counts, build time, embedding, warnings). */
export type ArchiveInfo = LibraryInfo;
/** What a reindex changed. */
export type ReindexSummary = ReindexReport;
export type ReindexProgress = BuildProgress;

export interface Archive {
  ask(question: string, options?: AnswerOptions): Promise<Answer>;
  /** The key of the article a citation names (short and stable: fits in callback data). */
  articleKey(articleId: string): string;
  article(key: string): ArticleView | undefined;
  articles(): ArticleListing[];
  info(): ArchiveInfo;
  /** Rebuilds from the corpus and swaps the new index in; throws IndexBusyError while one runs. */
  reindex(onProgress?: (p: ReindexProgress) => void): Promise<ReindexSummary>;
  /** Validates and writes a document into the corpus (no reindex); DocumentRejectedError says why not. */
  addDocument(fileName: string, data: Uint8Array): Promise<{ file: string; replaced: boolean }>;
  removeDocument(fileName: string): Promise<{ file: string }>;
  /** The corpus name an upload or /remove would use, and whether that file exists. */
  findDocument(fileName: string): Promise<{ file: string; exists: boolean }>;
  /** The clipping image of an article of a page image or PDF page, an excerpt marked; null for text files. */
  clipping(key: string, start: number, end: number): Promise<Clipping | null>;
}

export function createArchive(options: { service: AnswerService; library: Library }): Archive {
  const { service, library } = options;
  const view = (key: string): ArticleView | undefined => {
    const a = library.article(key);
    return (
      a && {
        key,
        source: a.source,
        kind: a.kind,
        title: a.title,
        kicker: a.kicker,
        subtitle: a.subtitle,
        byline: a.byline,
        body: a.body,
        meta: a.meta,
      }
    );
  };
  return {
    ask: (question, o) => service.ask(question, o),
    articleKey: (id) => library.articleKey(id),
    article: view,
    articles: () => library.articles(),
    info: () => library.info(),
    reindex: (onProgress) => library.reindex(onProgress),
    addDocument: (name, data) => library.addDocument(name, data),
    removeDocument: (name) => library.removeDocument(name),
    findDocument: (name) => library.findDocument(name),
    clipping: (key, start, end) => library.clipping(key, start, end),
  };
}
