/** Questions over a corpus of page images: the index built (its OCR read from the data directory's cache) and the eval run. */
import path from "node:path";
import { createAnswerService } from "../../src/answer/index.js";
import { type QaItem, runEval } from "../../src/eval/index.js";
import { HashEmbeddings } from "../../src/search/hash-embeddings.js";
import { localRetriever } from "../../src/search/index.js";
import { buildIndex } from "../../src/search/index-store.js";

export async function evalOverImages(corpusDir: string, dataDir: string, items: QaItem[]) {
  const { index } = await buildIndex({ corpusDir, dataDir, embeddings: new HashEmbeddings() });
  const service = createAnswerService({ retriever: localRetriever(() => index) });
  return (await runEval(service, items, corpusDir, 3, undefined, path.join(dataDir, "ocr-cache"))).summary;
}
