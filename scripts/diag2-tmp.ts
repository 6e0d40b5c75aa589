import { readQaJsonl, normalizeForMatch } from "../src/eval/index.js";
import { HashEmbeddings } from "../src/search/hash-embeddings.js";
import { ensureIndex, localRetriever } from "../src/search/index.js";
import { createAnswerService } from "../src/answer/index.js";
const items = await readQaJsonl("/work/shared/eval/seeds-dev.jsonl");
const { index } = await ensureIndex({ corpusDir: "corpus", dataDir: "/tmp/seeddata", embeddings: new HashEmbeddings() });
const svc = createAnswerService({ retriever: localRetriever(() => index) });
for (const it of items) {
  if (it.answerable === false) continue;
  const a = await svc.ask(it.question);
  const ok = (it.answers ?? []).some((g) => normalizeForMatch(a.answer).includes(normalizeForMatch(g)));
  if (!ok) console.log(it.question, "|", it.answers, "→", a.answer);
}
