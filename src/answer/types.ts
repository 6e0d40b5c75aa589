import type { DocMeta } from "../ingest/index.js";

/** Where a source was published (publication, date, page, url…), as its metadata states. */
export type SourceMeta = DocMeta;

export interface Citation {
  /** 1-based number shown to the user. */
  n: number;
  /** Source file, relative to the corpus directory. */
  source: string;
  title: string | null;
  kicker: string | null;
  subtitle: string | null;
  byline: string | null;
  /** Verbatim text from the source (whitespace aside); "…" joins two verbatim parts. */
  excerpt: string;
  score: number;
  meta: SourceMeta;
  articleId: string;
  chunkId: string;
  /** Excerpt position in the article body [start, end). */
  start: number;
  end: number;
  /** Excerpt position in the decoded source text [start, end). */
  sourceStart: number;
  sourceEnd: number;
  /**
   * The citation checks out: extractive excerpts are verbatim by construction; in LLM mode a
   * citation is listed only when a sentence citing it passed the grounding check.
   */
  verified: boolean;
  /** The citation holds the answer line's sentence (or its fact). */
  supportsAnswer?: boolean;
}

export interface Answer {
  question: string;
  /** The answer line: the fact first when the question asks for one, then the verbatim sentence with `[n]`; a polite not-found message when abstained. */
  answer: string;
  /** The fact alone, verbatim (`21.2万场`, `吴峰宇`), or null when the question asks for none or it was not found. */
  answerSpan?: string | null;
  /** With a fact: the sentence stating it, with `[n]` — shorter than `answer`, for a chat to show under the fact. */
  answerSentence?: string;
  /** With a time in the question (or asking about the present): the publication date (ISO) of the article the line comes from, which the line names. */
  answerDate?: string;
  abstained: boolean;
  /** Why it abstained ("empty" question, "no-terms", "low-coverage", "unlikely" by the answerability model, "empty-index"), when it did. */
  reason?: string;
  /** Share of the question's informative weight that the best passage covers (0–1). */
  coverage: number;
  citations: Citation[];
  /** The question's informative terms (normalised), for highlighting. */
  terms: string[];
  /** Who wrote `answer`: the extractive sentence, or an LLM whose sentences passed the grounding check. */
  mode: "extractive" | "llm";
  /** When an LLM is configured: its model, sentences dropped by the grounding check, and why it was not used. */
  llm?: { model: string; dropped: number; fallback?: "error" | "timeout" | "ungrounded"; error?: string };
  timings: { total_ms: number; retrieve_ms: number; llm_ms?: number };
  /**
   * A question in another language, answered through an LLM translation: the Chinese question
   * searched, and the answer line in the asker's language (absent when it failed the number
   * check, "ungrounded", or the call failed, "error"). `answer` stays the verbatim Chinese line.
   */
  translation?: { model: string; question: string; answer?: string; dropped?: "ungrounded" | "error" };
}
