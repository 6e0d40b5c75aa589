/**
 * One corpus, measured in a fresh process (so peak RSS is this corpus's): the build (the same
 * buildIndex the `index` command runs), the keyword and vector indexes alone, warm query latency
 * of the full ask path and of retrieval (in a fresh process that only loads and asks, as the bot
 * serves: bench/measure-queries.ts; the full ask also in this one, as measured before), quality on questions with gold answers, the peers, HNSW
 * recall@10 against exact search, and cold start to first answer. Prints one JSON object.
 *
 *   tsx bench/measure-corpus.ts --name NAME --corpus DIR --questions FILE.json [--quick] [--no-peers]
 *   FILE.json: [{ question, answers: string[], sources: string[] }]
 */
import { localRetriever } from "../src/search/index.js";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createAnswerService } from "../src/answer/answer-service.js";
import { createI18n } from "../src/bot/create-bot.js";
import { formatAnswer } from "../src/bot/answer-card.js";
import { normalizeForMatch } from "../src/eval/run-eval.js";
import { Bm25Index } from "../src/search/bm25-index.js";
import { HashEmbeddings } from "../src/search/hash-embeddings.js";
import { HybridRetriever } from "../src/search/hybrid-retriever.js";
import { buildIndex, chunkTitle, loadIndex, type SearchIndex } from "../src/search/index-store.js";
import { DEFAULT_HNSW, VectorIndex, type VectorRows } from "../src/search/vector-index.js";
import { type Peer, bruteForcePeer, flexSearchPeer, miniSearchPeer } from "./peers.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const name = arg("name")!;
const corpusDir = arg("corpus")!;
const quick = process.argv.includes("--quick");
const withPeers = !process.argv.includes("--no-peers");
const items = JSON.parse(readFileSync(arg("questions")!, "utf8")) as Array<{ question: string; answers: string[]; sources: string[] }>;
const questions = items.map((q) => q.question).filter((q) => q.trim());
const graded = items.filter((q) => q.question.trim() && q.answers.length > 0);

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const dirSize = (p: string): number =>
  statSync(p).isDirectory() ? readdirSync(p).reduce((n, e) => n + dirSize(path.join(p, e)), 0) : statSync(p).size;
const mb = (bytes: number) => bytes / 1048576;
const seconds = (t0: number) => (performance.now() - t0) / 1000;
const embeddings = new HashEmbeddings();
/** From this many chunks on, the peers and the separate index builds are skipped (hours at a million). */
const LARGE = 300_000;

// 1. The build, as `npm run index` does it, in this fresh process.
const dataDir = mkdtempSync(path.join(os.tmpdir(), "citebot-bench-"));
let t0 = performance.now();
const built = await buildIndex({ corpusDir, dataDir, embeddings });
const build = { s: seconds(t0), peakRssMb: process.resourceUsage().maxRSS / 1024, chunks: built.index.chunks.length };
process.stderr.write(`bench: ${name} built in ${build.s.toFixed(1)} s, peak RSS ${build.peakRssMb.toFixed(0)} MB\n`);
const files = (suffix: RegExp) =>
  readdirSync(built.index.dir)
    .filter((f) => suffix.test(f))
    .reduce((n, f) => n + dirSize(path.join(built.index.dir, f)), 0);
const sizes = { totalMb: mb(dirSize(built.index.dir)), keywordMb: mb(files(/^bm25/)), vectorMb: mb(files(/^(hnsw|vectors\.f32)$/)) };

// 2. Each index alone (not at a million chunks: the build above already times them together).
const large = built.index.chunks.length > LARGE;
const allRows = (rows: VectorRows): Float32Array => {
  const flat = new Float32Array(rows.size * rows.dimensions);
  rows.forEachBlock((block, first) => flat.set(block, first * rows.dimensions));
  return flat;
};
const chunksOf = (ix: SearchIndex) => Array.from({ length: ix.chunks.length }, (_, i) => ix.chunks.get(i));
const chunks = large ? [] : chunksOf(built.index);
const titles = chunks.map((_, i) => chunkTitle(built.index.articles.get(built.index.chunks.articleOf(i))));
let keywordS = Number.NaN;
let vectorS = Number.NaN;
if (!large) {
  t0 = performance.now();
  Bm25Index.build(chunks.map((c, i) => ({ body: c.text, title: titles[i]! })));
  keywordS = seconds(t0);
  const flat = allRows(built.index.vectors.rows);
  t0 = performance.now();
  VectorIndex.build(flat, embeddings, DEFAULT_HNSW);
  vectorS = seconds(t0);
}
built.index.close();

// 3. Warm queries: in a fresh process that only loads the index and asks, as the bot serves (the
// headline figures), and, as measured before, in this process beside what the build left behind.
const index = await loadIndex(dataDir, embeddings);
const service = createAnswerService({ retriever: localRetriever(() => index) });
const retriever = new HybridRetriever(index);
const i18n = createI18n();
const t = (key: string, vars?: Record<string, string | number>) => i18n.t("zh", key, vars);
const reps = quick ? 1 : 2;
const serving = JSON.parse(
  execFileSync(
    process.execPath,
    ["--import", "tsx", "bench/measure-queries.ts", "--data", dataDir, "--questions", arg("questions")!, "--reps", String(reps)],
    { cwd: root, env: { ...process.env, LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 26 },
  )
    .toString()
    .trim()
    .split("\n")
    .at(-1)!,
) as { full: number[]; retrieval: number[] };
for (const q of questions.slice(0, 50)) formatAnswer(await service.ask(q), t);
const inBuild: number[] = [];
for (let r = 0; r < reps; r++) {
  for (const q of questions) {
    const s = performance.now();
    formatAnswer(await service.ask(q), t);
    inBuild.push(performance.now() - s);
  }
}
const { full, retrieval } = serving;

// 4. Quality where the questions have gold answers: Hit@1 by source, answer in the top 3.
const inTop3 = (texts: string[], answers: string[]) =>
  answers.some((a) => texts.slice(0, 3).some((x) => normalizeForMatch(x).includes(normalizeForMatch(a))));
async function quality(top: (q: string) => Promise<{ sources: string[]; texts: string[] }>) {
  let hit1 = 0;
  let top3 = 0;
  for (const q of graded) {
    const r = await top(q.question);
    if (q.sources.includes(r.sources[0] ?? "")) hit1++;
    if (inTop3(r.texts, q.answers)) top3++;
  }
  return graded.length ? { hit1: hit1 / graded.length, top3: top3 / graded.length } : null;
}
const sourceOf = (doc: number) => index.articles.get(index.chunks.articleOf(doc)).source;
const ours = await quality(async (q) => {
  const a = await service.ask(q);
  return { sources: a.citations.map((c) => c.source), texts: a.citations.map((c) => c.excerpt) };
});
const oursRetrieval = await quality(async (q) => {
  const { hits } = await retriever.retrieve(q, 3);
  return { sources: hits.map((h) => h.article.source), texts: hits.map((h) => h.chunk.text) };
});

// 5. Peers on the same chunks and questions.
const peers: Array<{ name: string; buildS: number; p50: number; p95: number; quality: { hit1: number; top3: number } | null }> = [];
if (withPeers && !large) {
  const list: Array<() => Peer> = [
    () => miniSearchPeer(chunks, titles),
    () => flexSearchPeer(chunks, titles),
    () => bruteForcePeer(allRows(index.vectors.rows), embeddings),
  ];
  for (const make of list) {
    const peer = make();
    const lat: number[] = [];
    for (const q of questions) {
      const s = performance.now();
      await peer.search(q, 10);
      lat.push(performance.now() - s);
    }
    const qual = await quality(async (q) => {
      const docs = await peer.search(q, 3);
      return { sources: docs.map(sourceOf), texts: docs.map((d) => index.chunks.get(d).text) };
    });
    peers.push({ name: peer.name, buildS: peer.buildS, p50: pct(lat, 50), p95: pct(lat, 95), quality: qual });
  }
}

// 6. HNSW recall@10 against exact search, on the questions' query vectors.
const probeQs = questions.slice(0, quick ? 50 : 200);
const probeVectors = await Promise.all(probeQs.map((q) => embeddings.embedQuery(q)));
const exactLists = index.vectors.rows.exactTop(Float32Array.from(probeVectors.flat()), 10);
let found = 0;
for (const [i, v] of probeVectors.entries()) {
  const exact = new Set(exactLists[i]);
  const got = await index.vectors.search(v, 10);
  found += got.filter((h) => exact.has(h.doc)).length;
}
const recall = found / (10 * probeQs.length);

// 7. Cold start: a new process loads the index and answers one question.
const cold: number[] = [];
for (let r = 0; r < (quick ? 1 : 3); r++) {
  const s = performance.now();
  execFileSync(
    process.execPath,
    ["--import", "tsx", "src/cli.ts", "ask", "--json", "--corpus", corpusDir, "--data", dataDir, questions[0]!],
    {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: "warn" },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  cold.push(seconds(s));
}

process.stdout.write(
  `${JSON.stringify({
    name,
    chunks: build.chunks,
    build: { ...build, chunksPerS: build.chunks / build.s, keywordS, vectorS, ...sizes },
    hnsw: { ...index.manifest.hnsw, dimensions: index.manifest.embedding.dimensions, recall },
    ask: [pct(full, 50), pct(full, 95), pct(full, 99)],
    askInBuildProcess: [pct(inBuild, 50), pct(inBuild, 95), pct(inBuild, 99)],
    retrieval: [pct(retrieval, 50), pct(retrieval, 95), pct(retrieval, 99)],
    coldS: pct(cold, 50),
    quality: { ours, oursRetrieval },
    peers,
    questions: questions.length,
  })}\n`,
);
index.close();
rmSync(dataDir, { recursive: true, force: true });
