/**
 * `npm run bench -- [--sizes 10k,100k] [--quick] [--out bench/results.md]`: on this machine, in one
 * run, reproducible from a fixed seed — the seed corpus, the CMRC 2018 trial set and synthetic
 * corpora of the given sizes (bench/synthetic.ts), each measured in its own process
 * (bench/measure-corpus.ts): build, per-index build, query latency, quality, peers, HNSW recall,
 * cold start. Writes a Markdown report and an SVG chart of latency against corpus size.
 * --quick: the seed corpus, CMRC and a 2k synthetic corpus, one pass, for CI (under a minute).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readQaJsonl, squadToCorpus } from "../src/eval/eval-sets.js";
import { HashEmbeddings } from "../src/search/hash-embeddings.js";
import { renderChart } from "./chart.js";
import { benchOcr, benchPdf } from "./pdf.js";
import { type Context, syntheticPath, writeSyntheticCorpus } from "./synthetic.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const quick = args.includes("--quick");
const out = opt("out") ?? path.join(root, "bench", quick ? "results-quick.md" : "results.md");
const parseSize = (s: string) => Math.round(Number.parseFloat(s) * (/k$/i.test(s) ? 1000 : /m$/i.test(s) ? 1_000_000 : 1));
const sizes = (opt("sizes") ?? (quick ? "2k" : "10k,100k")).split(",").filter(Boolean).map(parseSize);
const work = mkdtempSync(path.join(os.tmpdir(), "citebot-bench-run-"));
const started = performance.now();

interface Row {
  name: string;
  chunks: number;
  build: {
    s: number;
    peakRssMb: number;
    chunksPerS: number;
    keywordS: number;
    vectorS: number;
    totalMb: number;
    keywordMb: number;
    vectorMb: number;
  };
  hnsw: { m: number; efConstruction: number; efSearch: number; dimensions: number; recall: number };
  ask: number[];
  /** The full ask measured in the build's own process (how it was measured before): p50 / p95 / p99. */
  askInBuildProcess?: number[];
  retrieval: number[];
  coldS: number;
  quality: { ours: { hit1: number; top3: number } | null; oursRetrieval: { hit1: number; top3: number } | null };
  peers: Array<{ name: string; buildS: number; p50: number; p95: number; quality: { hit1: number; top3: number } | null }>;
  questions: number;
}

function measure(name: string, corpusDir: string, questions: object[], peers = true): Row {
  const qfile = path.join(work, `${name.replace(/\W+/g, "-")}.questions.json`);
  writeFileSync(qfile, JSON.stringify(questions));
  process.stderr.write(`bench: ${name}…\n`);
  const stdout = execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "bench/measure-corpus.ts",
      "--name",
      name,
      "--corpus",
      corpusDir,
      "--questions",
      qfile,
      ...(quick ? ["--quick"] : []),
      ...(peers ? [] : ["--no-peers"]),
    ],
    { cwd: root, env: { ...process.env, LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20 },
  ).toString();
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Row;
}

const rows: Row[] = [];
const seeds = await readQaJsonl(path.join(root, "test/fixtures/eval/seeds-dev.jsonl"));
rows.push(
  measure(
    "seed corpus",
    path.join(root, "corpus"),
    seeds.map((q) => ({ question: q.question, answers: q.answers, sources: q.sources })),
  ),
);

const cmrcFile = path.resolve(root, "..", "shared", "eval", "cmrc2018_trial.json");
let contexts: Context[];
let cmrcQuestions: Array<{ question: string; answers: string[]; sources: string[] }> = [];
if (existsSync(cmrcFile)) {
  const items = await squadToCorpus(cmrcFile, path.join(work, "cmrc"));
  cmrcQuestions = items.map((q) => ({ question: q.question, answers: q.answers, sources: q.sources }));
  rows.push(measure("CMRC 2018 trial", path.join(work, "cmrc"), cmrcQuestions));
  const squad = JSON.parse(readFileSync(cmrcFile, "utf8")) as { data: Array<{ title: string; paragraphs: Array<{ context: string }> }> };
  contexts = squad.data.flatMap((a) => a.paragraphs.map((p) => ({ title: a.title, context: p.context })));
} else {
  process.stderr.write(
    "bench: ../shared/eval/cmrc2018_trial.json is absent: no CMRC row; synthetic corpora are built from the seed corpus instead\n",
  );
  const { buildIndex } = await import("../src/search/index-store.js");
  const seedIndex = (
    await buildIndex({ corpusDir: path.join(root, "corpus"), dataDir: path.join(work, "seed-data"), embeddings: new HashEmbeddings() })
  ).index;
  contexts = seedIndex.articles.all().map((a) => ({ title: a.title ?? a.source, context: a.body }));
}
// The synthetic corpora hold the original contexts as their first documents (bench/synthetic.ts),
// so the CMRC questions keep their gold: the answer in the top 3 is comparable across systems;
// Hit@1 by source is harsh there, as distractor documents repeat the very sentences.
const synthQuestions = cmrcQuestions.length
  ? cmrcQuestions.map((q) => ({ ...q, sources: q.sources.map((s) => syntheticPath(Number(/\d+/.exec(s)![0]))) }))
  : seeds.map((q) => ({ question: q.question, answers: [], sources: [] }));
for (const size of sizes) {
  const dir = path.join(work, `synthetic-${size}`);
  writeSyntheticCorpus(contexts, size, dir);
  const label = size >= 1_000_000 ? `${size / 1_000_000}M` : size >= 1000 ? `${size / 1000}k` : `${size}`;
  rows.push(measure(`synthetic ${label}`, dir, synthQuestions, size < 300_000));
  rmSync(dir, { recursive: true, force: true });
}

process.stderr.write("bench: PDF pages…\n");
const pdf = await benchPdf(root, quick ? 1 : 4);
process.stderr.write("bench: OCR of page images…\n");
const ocr = await benchOcr(root, quick ? 2 : 4);

// ---------- report ----------
const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "–");
const pc = (x: number | undefined) => (x === undefined ? "–" : `${(100 * x).toFixed(1)} %`);
const lines: string[] = [];
lines.push(
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}${quick ? " (--quick)" : ""}; whole run ${f(seconds(started), 0)} s.`,
  "",
  "### Build",
  "",
  "| corpus | chunks | whole index build s | chunks/s | peak RSS MB | keyword index alone s | vector index alone s (HNSW M/efC, dims) | index on disk MB (keyword / vector) |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.chunks} | ${f(r.build.s)} | ${f(r.build.chunksPerS, 0)} | ${f(r.build.peakRssMb, 0)} | ${f(r.build.keywordS)} | ${f(r.build.vectorS)} (M${r.hnsw.m}/efC${r.hnsw.efConstruction}, d${r.hnsw.dimensions}) | ${f(r.build.totalMb, 1)} (${f(r.build.keywordMb, 1)} / ${f(r.build.vectorMb, 1)}) |`,
  ),
  "",
  "### Query (warm) and HNSW",
  "",
  "Latency is measured in a fresh process that only loads the index and asks, as the bot serves (`bench/measure-queries.ts`); the last column is the full ask measured as before, in the process that built the index, with the build's leftovers on its heap.",
  "",
  "| corpus | questions | full ask p50 / p95 / p99 ms | retrieval p50 / p95 / p99 ms | cold start to first answer s | efSearch (calibrated) | HNSW recall@10 vs exact | full ask p50 / p95 / p99 in the build process ms |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.questions} | ${r.ask.map((x) => f(x)).join(" / ")} | ${r.retrieval.map((x) => f(x)).join(" / ")} | ${f(r.coldS)} | ${r.hnsw.efSearch} | ${f(r.hnsw.recall, 3)} | ${r.askInBuildProcess?.map((x) => f(x)).join(" / ") ?? "–"} |`,
  ),
  "",
  "### Peers (same chunks, same questions)",
  "",
  "| corpus | system | build s | p50 / p95 ms | Hit@1 | answer in top 3 | our full ask p95 ÷ peer p95 | our retrieval p95 ÷ peer p95 |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |",
);
for (const r of rows) {
  lines.push(
    `| ${r.name} | **citebot** full ask (excerpts) | ${f(r.build.s)} | ${f(r.ask[0]!)} / ${f(r.ask[1]!)} | ${pc(r.quality.ours?.hit1)} | ${pc(r.quality.ours?.top3)} | 1 | – |`,
  );
  lines.push(
    `| ${r.name} | **citebot** retrieval (chunks) | – | ${f(r.retrieval[0]!)} / ${f(r.retrieval[1]!)} | ${pc(r.quality.oursRetrieval?.hit1)} | ${pc(r.quality.oursRetrieval?.top3)} | – | 1 |`,
  );
  for (const p of r.peers)
    lines.push(
      `| ${r.name} | ${p.name} | ${f(p.buildS)} | ${f(p.p50)} / ${f(p.p95)} | ${pc(p.quality?.hit1)} | ${pc(p.quality?.top3)} | ${f(r.ask[1]! / p.p95)} | ${f(r.retrieval[1]! / p.p95)} |`,
    );
}
lines.push(
  "",
  "### PDF pages (text layer)",
  "",
  "| pages | PDF KB | read (text layer → page text) pages/s | read + segment (→ articles) pages/s | articles | render 150 dpi (clipping) s/page |",
  "| --- | --- | --- | --- | --- | --- |",
  `| ${pdf.pages} | ${f(pdf.bytes / 1024, 0)} | ${f(pdf.readPagesPerS, 1)} | ${f(pdf.articlesPagesPerS, 1)} | ${pdf.articles} | ${f(pdf.renderSecondsPerPage, 2)} |`,
  "",
  "### Page images (OCR, 150 dpi, 1240 px wide)",
  "",
  "| pages | seconds per page (each) | slowest | target ≤ 15 s |",
  "| --- | --- | --- | --- |",
  `| ${ocr.pages} | ${ocr.secondsPerPage.map((s) => f(s, 1)).join(" / ")} | ${f(Math.max(...ocr.secondsPerPage), 1)} | ${Math.max(...ocr.secondsPerPage) <= 15 ? "met" : "missed"} |`,
);
const withPeers = rows.filter((r) => r.peers.length > 0);
const biggest = withPeers.at(-1) ?? rows.at(-1)!;
const ms = biggest.peers.find((p) => p.name.startsWith("MiniSearch"));
const seed = rows[0]!;
const near = (n: number) => rows.find((r) => r.name.startsWith("synthetic") && r.chunks >= n * 0.9 && r.chunks <= n * 1.1);
const [k100, m1] = [near(100_000), near(1_000_000)];
const met = (ok: boolean) => (ok ? "met" : "missed");
lines.push("", "### Targets", "");
if (k100)
  lines.push(
    `- full ask p95 ≤ 3 ms at ${k100.chunks} chunks: ${f(k100.ask[1]!)} ms — ${
      k100.ask[1]! <= 3
        ? "met"
        : `missed by ${f(k100.ask[1]! - 3)} ms: retrieval is ${f(k100.retrieval[1]!)} ms of it at p95 (HNSW at the calibrated efSearch ${k100.hnsw.efSearch} plus BM25 over postings of up to ${k100.chunks} chunks; README "Speed" says more)`
    }.`,
    `- build ≤ 60 s and peak RSS ≤ 1 GB at ${k100.chunks} chunks: ${f(k100.build.s, 1)} s, ${f(k100.build.peakRssMb, 0)} MB — ${met(k100.build.s <= 60 && k100.build.peakRssMb <= 1024)}.`,
  );
if (m1)
  lines.push(
    `- ${m1.chunks} chunks: build ≤ 10 min: ${f(m1.build.s / 60, 1)} min — ${met(m1.build.s <= 600)}; peak RSS ≤ 3 GB: ${f(m1.build.peakRssMb / 1024, 2)} GB — ${met(m1.build.peakRssMb <= 3072)}; cold start to first answer ≤ 5 s: ${f(m1.coldS)} s — ${met(m1.coldS <= 5)}; full ask p95 ≤ 10 ms: ${f(m1.ask[1]!)} ms — ${met(m1.ask[1]! <= 10)}.`,
  );
lines.push(
  `- ≥ 10× faster than MiniSearch at equal or better quality (largest corpus with peers): our retrieval is ${ms ? f(ms.p95 / biggest.retrieval[1]!, 1) : "–"}× faster at p95, our full ask ${ms ? f(ms.p95 / biggest.ask[1]!, 1) : "–"}×; answer in top 3 ${pc(biggest.quality.ours?.top3)} against ${pc(ms?.quality?.top3)}, Hit@1 ${pc(biggest.quality.ours?.hit1)} against ${pc(ms?.quality?.hit1)} — ${
    ms && ms.p95 / biggest.ask[1]! >= 10 && (biggest.quality.ours?.top3 ?? 0) >= (ms.quality?.top3 ?? 0) ? "met" : "not met"
  }.`,
  `- cold start to first answer on the seed corpus ≤ 1.5 s: ${f(seed.coldS)} s — ${seed.coldS <= 1.5 ? "met" : `missed by ${f(seed.coldS - 1.5)} s`}.`,
);
const md = `# Benchmark\n\n${lines.join("\n")}\n\n![latency against corpus size](${quick ? "latency-quick.svg" : "latency.svg"})\n`;
writeFileSync(out, md);
writeFileSync(path.join(path.dirname(out), quick ? "latency-quick.svg" : "latency.svg"), renderChart(rows));
process.stdout.write(md);

function seconds(t0: number) {
  return (performance.now() - t0) / 1000;
}
