import { cpSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CORPUS } from "./paths.js";

/** A scratch copy of the seed corpus (or of `from`) and an empty data dir. */
export function scratchCorpus(from = CORPUS): { corpusDir: string; dataDir: string; root: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), "citebot-test-"));
  const corpusDir = path.join(root, "corpus");
  cpSync(from, corpusDir, { recursive: true });
  return { corpusDir, dataDir: path.join(root, "data"), root };
}

/** An answer service over a real index of a scratch copy of the seed corpus (or of `from`; default options). */
export async function seedService(from = CORPUS) {
  const { createAnswerService } = await import("../../src/answer/answer-service.js");
  const { HashEmbeddings } = await import("../../src/search/hash-embeddings.js");
  const { buildIndex } = await import("../../src/search/index-store.js");
  const { localRetriever } = await import("../../src/search/index.js");
  const { corpusDir, dataDir } = scratchCorpus(from);
  const { index } = await buildIndex({ corpusDir, dataDir, embeddings: new HashEmbeddings() });
  return createAnswerService({ retriever: localRetriever(() => index) });
}

/** An extractive answer for formatting tests: these citations and terms, the rest fixed. */
export function extractiveAnswer(
  citations: import("../../src/answer/index.js").Citation[],
  terms: string[],
  answer: string,
): import("../../src/answer/index.js").Answer {
  return {
    question: "q",
    answer,
    abstained: false,
    coverage: 1,
    citations,
    terms,
    mode: "extractive",
    timings: { total_ms: 1, retrieve_ms: 1 },
  };
}

/** A gold article of a page (seed-articles.json, test/fixtures/layouts/…/articles.json): headline fields and the body's first and last words. */
export interface GoldArticle {
  title: string | null;
  alt_titles?: string[];
  kicker?: string;
  subtitle?: string;
  byline: string | null;
  starts: string;
  ends: string;
}

/** Text with all whitespace removed (gold strings are compared that way). */
export const squash = (s: string | null | undefined): string => (s ?? "").replace(/\s+/g, "");
