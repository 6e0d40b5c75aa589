/** Optional per-file metadata carried into every citation. */
export interface DocMeta {
  publication?: string;
  date?: string;
  page?: string;
  url?: string;
  [key: string]: string | undefined;
}

/**
 * A run of body characters that map one-to-one onto a contiguous run of the
 * decoded source text: body[bodyStart + i] === source[srcStart + i] for i < length.
 */
export interface OffsetSpan {
  bodyStart: number;
  srcStart: number;
  length: number;
}

export type ArticleKind = "article" | "note";

export interface Article {
  /** Stable id: derived from the source path and the article's position and text. */
  id: string;
  /** Path relative to the corpus directory, with forward slashes. */
  source: string;
  /** "note" holds page furniture (banners, captions, ads) so that it stays searchable. */
  kind: ArticleKind;
  ordinal: number;
  title: string | null;
  kicker: string | null;
  subtitle: string | null;
  byline: string | null;
  /** Cleaned body: hard line breaks repaired, paragraphs separated by "\n". */
  body: string;
  /** Maps body characters back to the decoded source (UTF-16 code units); "\n" separators are unmapped. */
  spans: OffsetSpan[];
  /** Body offsets where source text was dropped (column-overlap repetitions): excerpts show "…" there. */
  cuts: number[];
  meta: DocMeta;
}

export interface Chunk {
  id: string;
  articleId: string;
  /** Position of the chunk inside its article. */
  ordinal: number;
  text: string;
  /** Body offsets [start, end) of the chunk inside its article body. */
  start: number;
  end: number;
}

export interface IngestWarning {
  file: string;
  message: string;
}
