/**
 * Warm query latency as a serving process sees it: a fresh process that only loads the index
 * (as the bot does) and asks, so nothing the build left on the heap is collected during the
 * measurement. Prints one JSON object: the full ask path's and retrieval's latencies in ms.
 *
 *   tsx bench/measure-queries.ts --data DIR --questions FILE.json [--reps N]
 */
import { readFileSync } from "node:fs";
import { createAnswerService } from "../src/answer/answer-service.js";
import { formatAnswer } from "../src/bot/answer-card.js";
import { createI18n } from "../src/bot/create-bot.js";
import { HashEmbeddings } from "../src/search/hash-embeddings.js";
import { HybridRetriever } from "../src/search/hybrid-retriever.js";
import { loadIndex } from "../src/search/index-store.js";
import { localRetriever } from "../src/search/index.js";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const questions = (JSON.parse(readFileSync(arg("questions")!, "utf8")) as Array<{ question: string }>)
  .map((q) => q.question)
  .filter((q) => q.trim());
const reps = Number(arg("reps") ?? 2);
const index = await loadIndex(arg("data")!, new HashEmbeddings());
const service = createAnswerService({ retriever: localRetriever(() => index) });
const retriever = new HybridRetriever(index);
const i18n = createI18n();
const t = (key: string, vars?: Record<string, string | number>) => i18n.t("zh", key, vars);
for (const q of questions.slice(0, 50)) formatAnswer(await service.ask(q), t);
const full: number[] = [];
const retrieval: number[] = [];
for (let r = 0; r < reps; r++) {
  for (const q of questions) {
    let s = performance.now();
    await retriever.retrieve(q, 30);
    retrieval.push(performance.now() - s);
    s = performance.now();
    formatAnswer(await service.ask(q), t); // retrieve + extract + format
    full.push(performance.now() - s);
  }
}
index.close();
process.stdout.write(`${JSON.stringify({ full, retrieval })}\n`);
