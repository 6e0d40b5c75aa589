/**
 * `node --import tsx bench/postgres.ts [--sizes 10k,100k] [--questions N] [--out FILE]`: the
 * Postgres backend beside the embedded one on the same synthetic corpora (bench/synthetic.ts) and
 * the CMRC questions — publish time, ask and retrieval p50/p95, answer in the top 3 — on PGlite over
 * the wire protocol (pglite-socket: a single-threaded WebAssembly Postgres, so a floor, not what a
 * server does), or on the server BENCH_DATABASE_URL names. Not part of CI.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createAnswerService } from "../src/answer/index.js";
import { squadToCorpus } from "../src/eval/eval-sets.js";
import { normalizeForMatch } from "../src/eval/run-eval.js";
import { buildIndex, createPgPool, HashEmbeddings, loadIndex, localRetriever, openPgLibrary, type Retriever } from "../src/search/index.js";
import { startTestPg } from "../test/helpers/pg-server.js";
import { syntheticPath, writeSyntheticCorpus } from "./synthetic.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const parseSize = (s: string) => Math.round(Number.parseFloat(s) * (/k$/i.test(s) ? 1000 : /m$/i.test(s) ? 1_000_000 : 1));
const sizes = (opt("sizes") ?? "10k,100k").split(",").map(parseSize);
/** Questions timed per corpus (the first N of the CMRC trial). */
const limit = Number(opt("questions") ?? 1000);
const out = opt("out") ?? path.join(root, "bench", "postgres-results.md");
const cmrc = path.resolve(root, "..", "shared", "eval", "cmrc2018_trial.json");
if (!existsSync(cmrc)) throw new Error(`${cmrc} is absent: the bench's questions come from it`);
const work = mkdtempSync(path.join(os.tmpdir(), "citebot-bench-pg-"));
const items = (await squadToCorpus(cmrc, path.join(work, "cmrc"))).slice(0, limit);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const f = (x: number, d = 1) => x.toFixed(d);

async function timed(retriever: () => Retriever, questions: typeof items) {
  const service = createAnswerService({ retriever });
  for (const q of questions.slice(0, 30)) await service.ask(q.question); // warm
  const ask: number[] = [];
  const retrieval: number[] = [];
  let top3 = 0;
  for (const q of questions) {
    let t = performance.now();
    await retriever().retrieve(q.question, 30);
    retrieval.push(performance.now() - t);
    t = performance.now();
    const a = await service.ask(q.question);
    ask.push(performance.now() - t);
    if (q.answers.some((x) => a.citations.slice(0, 3).some((c) => normalizeForMatch(c.excerpt).includes(normalizeForMatch(x))))) top3++;
  }
  return { ask, retrieval, top3: top3 / questions.length };
}

const rows: string[] = [];
const squad = JSON.parse(readFileSync(cmrc, "utf8")) as { data: Array<{ title: string; paragraphs: Array<{ context: string }> }> };
const ctx = squad.data.flatMap((d) => d.paragraphs.map((p) => ({ title: d.title, context: p.context })));
for (const size of sizes) {
  const dir = path.join(work, `synthetic-${size}`);
  writeSyntheticCorpus(ctx, size, dir);
  const questions = items.map((q) => ({ ...q, sources: q.sources.map((s) => syntheticPath(Number(/\d+/.exec(s)![0]))) }));
  const embeddings = new HashEmbeddings();
  let t = performance.now();
  await buildIndex({ corpusDir: dir, dataDir: path.join(work, `local-${size}`), embeddings });
  const buildS = (performance.now() - t) / 1000;
  // served as the bot serves it: loaded from disk (not the build's objects)
  const index = await loadIndex(path.join(work, `local-${size}`), embeddings);
  const local = await timed(() => localRetriever(() => index)(), questions);
  const db = process.env.BENCH_DATABASE_URL ? null : await startTestPg();
  const pool = createPgPool(process.env.BENCH_DATABASE_URL ?? db!.url);
  t = performance.now();
  const library = await openPgLibrary({ pool, corpusDir: dir, dataDir: path.join(work, `local-${size}`), embeddings });
  const publishS = (performance.now() - t) / 1000;
  const remote = await timed(library.retriever, questions);
  await library.close();
  await pool.end();
  await db?.stop();
  const label = size >= 1000 ? `${size / 1000}k` : String(size);
  rows.push(
    `| ${label} (${index.chunks.length} chunks) | embedded | build ${f(buildS)} s | ${f(pct(local.retrieval, 50), 2)} / ${f(pct(local.retrieval, 95), 2)} | ${f(pct(local.ask, 50), 2)} / ${f(pct(local.ask, 95), 2)} | ${f(100 * local.top3)} % |`,
    `| | Postgres (${db ? "PGlite" : "server"}) | publish ${f(publishS)} s | ${f(pct(remote.retrieval, 50), 2)} / ${f(pct(remote.retrieval, 95), 2)} | ${f(pct(remote.ask, 50), 2)} / ${f(pct(remote.ask, 95), 2)} | ${f(100 * remote.top3)} % |`,
  );
  process.stderr.write(`${rows.at(-2)}\n${rows.at(-1)}\n`);
}
const report = [
  "# Postgres backend beside the embedded index",
  "",
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}; ${items.length} CMRC questions per corpus; \`node --import tsx bench/postgres.ts\`.`,
  "",
  "| corpus | backend | index | retrieval p50 / p95 ms | full ask p50 / p95 ms | answer in top 3 |",
  "| --- | --- | --- | --- | --- | --- |",
  ...rows,
  "",
].join("\n");
writeFileSync(out, report);
process.stdout.write(report);
