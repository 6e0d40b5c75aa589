import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { squadToCorpus, normalizeForMatch } from "../src/eval/index.js";
import { HashEmbeddings } from "../src/search/hash-embeddings.js";
import { buildIndex } from "../src/search/index-store.js";
import { localRetriever } from "../src/search/index.js";
import { createAnswerService } from "../src/answer/index.js";
const dir = mkdtempSync(path.join(os.tmpdir(), "diag-"));
const items = await squadToCorpus("/work/shared/eval/cmrc2018_trial.json", path.join(dir, "corpus"));
const { index } = await buildIndex({
  corpusDir: path.join(dir, "corpus"),
  dataDir: path.join(dir, "data"),
  embeddings: new HashEmbeddings(),
});
const svc = createAnswerService({ retriever: localRetriever(() => index) });
let shown = 0;
const reasons = new Map<string, number>();
for (const it of items) {
  const gold = (it.answers ?? []).map(normalizeForMatch).filter(Boolean);
  if (!gold.length || !it.question.trim()) continue;
  const a = await svc.ask(it.question);
  const line = normalizeForMatch(a.answer);
  if (gold.some((g) => line.includes(g))) continue;
  const inTop = a.citations.some((c) => gold.some((g) => normalizeForMatch(c.excerpt).includes(g)));
  const long = gold.every((g) => g.length > 60);
  const k = long ? "gold>60" : inTop ? "in excerpts" : "not in excerpts";
  reasons.set(k, (reasons.get(k) ?? 0) + 1);
  if (k === "in excerpts" && shown++ < 30 && shown > 8)
    console.log(it.question, "| gold:", it.answers?.[0]?.slice(0, 40), "| line:", a.answer);
}
console.log(reasons);
