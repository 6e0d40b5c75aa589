/**
 * `npm run bench -- [--quick] [--out bench/results.md]`: index build and query latency on the seed
 * corpus and (when ../shared/eval is present) the CMRC 2018 trial set, on this machine.
 * A first version: peers, synthetic 10k/100k corpora and HNSW recall are issue #7.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createAnswerService } from "../src/answer/answer-service.js";
import { readQaJsonl, squadToCorpus } from "../src/eval/eval-sets.js";
import { HashEmbeddings } from "../src/search/hash-embeddings.js";
import { HybridRetriever } from "../src/search/hybrid-retriever.js";
import { buildIndex } from "../src/search/index-store.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const out = args.includes("--out") ? args[args.indexOf("--out") + 1]! : path.join(root, "bench", "results.md");

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const dirSize = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? dirSize(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size), 0);

async function measure(name: string, corpusDir: string, questions: string[]) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "citebot-bench-"));
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const { index } = await buildIndex({ corpusDir, dataDir, embeddings: new HashEmbeddings() });
  const buildS = (performance.now() - t0) / 1000;
  const rss = process.memoryUsage().rss;
  const service = createAnswerService({ getIndex: () => index });
  const retriever = new HybridRetriever(index);
  const reps = quick ? 1 : 3;
  for (const q of questions.slice(0, 20)) await service.ask(q); // warm-up
  const full: number[] = [];
  const retrieval: number[] = [];
  for (let r = 0; r < reps; r++) {
    for (const q of questions) {
      let t = performance.now();
      await retriever.retrieve(q, 30);
      retrieval.push(performance.now() - t);
      t = performance.now();
      await service.ask(q);
      full.push(performance.now() - t);
    }
  }
  // Cold start: a fresh process loading the built index and answering one question.
  const t1 = performance.now();
  execFileSync(process.execPath, ["--import", "tsx", "src/cli.ts", "ask", "--json", "--corpus", corpusDir, "--data", dataDir, questions[0]!], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const coldS = (performance.now() - t1) / 1000;
  return {
    name,
    chunks: index.chunks.length,
    buildS,
    chunksPerS: index.chunks.length / buildS,
    rssMb: Math.max(rss, rssBefore) / 1048576,
    sizeMb: dirSize(index.dir) / 1048576,
    full: [pct(full, 50), pct(full, 95), pct(full, 99)],
    retrieval: [pct(retrieval, 50), pct(retrieval, 95), pct(retrieval, 99)],
    coldS,
  };
}

const rows = [];
const seeds = await readQaJsonl(path.join(root, "test/fixtures/eval/seeds-dev.jsonl"));
rows.push(await measure("seed corpus", path.join(root, "corpus"), seeds.map((q) => q.question)));
const cmrc = path.resolve(root, "..", "shared", "eval", "cmrc2018_trial.json");
if (existsSync(cmrc)) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "citebot-bench-cmrc-"));
  const items = await squadToCorpus(cmrc, path.join(dir, "corpus"));
  rows.push(await measure("CMRC 2018 trial", path.join(dir, "corpus"), items.map((q) => q.question)));
} else process.stderr.write("bench: ../shared/eval/cmrc2018_trial.json absent, CMRC row skipped\n");

const f = (x: number, d = 2) => x.toFixed(d);
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}${quick ? " (quick)" : ""}.`,
  "",
  "| corpus | chunks | build s | chunks/s | RSS MB | index MB | ask p50/p95/p99 ms | retrieval p50/p95/p99 ms | cold start to first answer s |",
  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ...rows.map((r) => `| ${r.name} | ${r.chunks} | ${f(r.buildS)} | ${f(r.chunksPerS, 0)} | ${f(r.rssMb, 0)} | ${f(r.sizeMb)} | ${r.full.map((x) => f(x)).join(" / ")} | ${r.retrieval.map((x) => f(x)).join(" / ")} | ${f(r.coldS)} |`),
];
writeFileSync(out, `# Benchmark\n\n${table.join("\n")}\n`);
process.stdout.write(`${table.join("\n")}\n`);

