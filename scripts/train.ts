/**
 * `npm run train`: fits the answer-sentence ranker (src/answer/models/sentence-ranker.json) on
 * public data — the CMRC 2018 trial set in ../shared/eval (CC BY-SA 4.0, read from there, never
 * copied) and the seed questions over corpus/ — with grouped k-fold cross-validation printed
 * (questions of one context or source file stay in one fold, so no fold sees its test passages).
 * A training example is a candidate sentence; it is positive when it holds a gold answer.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { composeAnswerLine } from "../src/answer/answer-line.js";
import { trainAnswerability } from "./train-answerability.js";
import { excerptText } from "../src/answer/excerpt.js";
import { featureVector, fitListwise, type RankerModel, scoreWith } from "../src/answer/ranker.js";
import { DEFAULT_RERANK, RERANKED, rankSentences, termWeights, type Candidate } from "../src/answer/scoring.js";
import { normalizeForMatch, type QaItem, readQaJsonl, squadToCorpus } from "../src/eval/index.js";
import { HashEmbeddings } from "../src/search/hash-embeddings.js";
import { buildIndex } from "../src/search/index-store.js";
import { localRetriever } from "../src/search/index.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const SHARED = path.resolve(ROOT, "../shared/eval");
const FOLDS = 5;
/** Candidates per question the model learns from (the answer line is chosen among these). */
const CANDIDATES = RERANKED;

interface Question {
  question: string;
  terms: string[];
  set: string;
  group: string;
  gold: string[];
  candidates: Candidate[];
}

async function collect(items: QaItem[], corpusDir: string, groupOf: (it: QaItem) => string): Promise<Question[]> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "citebot-train-"));
  try {
    const { index } = await buildIndex({ corpusDir, dataDir: scratch, embeddings: new HashEmbeddings() });
    const r = localRetriever(() => index)();
    const out: Question[] = [];
    for (const it of items) {
      const gold = (it.answers ?? []).map(normalizeForMatch).filter(Boolean);
      if (!gold.length || !it.question.trim()) continue;
      const got = await r.retrieve(it.question, CANDIDATES);
      const weights = termWeights(r.stats, got.terms, it.question);
      if (!weights.length || !got.hits.length) continue;
      out.push({
        question: it.question,
        terms: weights.map((w) => w.term),
        set: corpusDir,
        group: groupOf(it),
        gold,
        candidates: rankSentences(got.hits, weights, it.question, DEFAULT_RERANK, true).slice(0, CANDIDATES),
      });
    }
    return out;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The candidate's own sentence (with its ；-joined clauses and the fact): what the model learns to find. */
const sentenceOf = (q: Question, c: Candidate) => {
  const line = composeAnswerLine(q.question, c, [], q.terms);
  return normalizeForMatch(`${line.span ?? ""}${excerptText(c.hit.article, line.core.start, line.core.end)}`);
};
/** The whole answer line it makes (what users read first, and what the eval checks). */
const lineOf = (q: Question, c: Candidate) => normalizeForMatch(composeAnswerLine(q.question, c, [], q.terms).text);
const holds = (c: Candidate, q: Question) => q.gold.some((g) => sentenceOf(q, c).includes(g));
const lineHolds = (c: Candidate, q: Question) => q.gold.some((g) => lineOf(q, c).includes(g));

/** Share of questions whose best candidate (by `score`) gives an answer line holding a gold answer. */
/** Shares of questions whose best candidate (by `score`) holds a gold answer: in its sentence, and in its answer line. */
function accuracy(qs: Question[], score: (c: Candidate) => number): { sentence: number; line: number } {
  let sentence = 0;
  let line = 0;
  for (const q of qs) {
    const best = q.candidates.reduce((a, b) => (score(b) > score(a) ? b : a));
    if (holds(best, q)) sentence++;
    if (lineHolds(best, q)) line++;
  }
  return { sentence: sentence / Math.max(1, qs.length), line: line / Math.max(1, qs.length) };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function fitModel(qs: Question[]): RankerModel {
  // each set weighs the same in total, so 36 newspaper questions are not drowned by 1,000 encyclopedic ones
  const sizes = new Map<string, number>();
  for (const q of qs) sizes.set(q.set, (sizes.get(q.set) ?? 0) + 1);
  const largest = Math.max(...sizes.values());
  const lists = qs
    .flatMap((q) => Array.from({ length: Math.max(1, Math.round(largest / sizes.get(q.set)! / 2)) }, () => q))
    .map((q) => q.candidates.map((c) => ({ x: featureVector(c.features), y: holds(c, q) ? 1 : 0 })))
    // nothing to learn where no candidate holds the answer, or every one does
    .filter((l) => l.some((r) => r.y) && l.some((r) => !r.y));
  return fitListwise(lists);
}

function handRanked(qs: Question[]): void {
  for (const q of qs) for (const [i, c] of q.candidates.entries()) c.features.handRank = 1 / (1 + i);
}

async function main(): Promise<void> {
  const sets: Array<{ name: string; questions: Question[] }> = [];
  const cmrc = path.join(SHARED, "cmrc2018_trial.json");
  if (existsSync(cmrc)) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "citebot-cmrc-"));
    const items = await squadToCorpus(cmrc, dir);
    sets.push({ name: "CMRC 2018 trial", questions: await collect(items, dir, (it) => it.id.replace(/_QUERY_\d+$/, "")) });
    rmSync(dir, { recursive: true, force: true });
  } else process.stdout.write(`skipping CMRC: ${cmrc} is absent (it is read from ../shared, never vendored)\n`);
  const seeds = path.join(SHARED, "seeds-dev.jsonl");
  if (existsSync(seeds)) {
    const items = (await readQaJsonl(seeds)).filter((it) => it.answerable !== false);
    sets.push({ name: "seed questions", questions: await collect(items, path.join(ROOT, "corpus"), (it) => it.sources?.[0] ?? it.id) });
  }
  const all = sets.flatMap((s) => s.questions);
  if (!all.length) throw new Error("no training data: ../shared/eval is absent");
  for (const q of all) handRanked([q]);

  // grouped k-fold: a context's (or file's) questions all land in one fold
  const groups = [...new Set(all.map((q) => q.group))].sort();
  const foldOf = new Map(groups.map((g, i) => [g, i % FOLDS]));
  process.stdout.write(
    `${all.length} questions, ${groups.length} groups, ${FOLDS}-fold cross-validation (answer line holds the gold answer)\n\n`,
  );
  process.stdout.write(
    "held-out fold: the chosen sentence / the answer line holds the gold answer\n\n| fold | hand-tuned sentence | learned sentence | hand-tuned line | learned line |\n| --- | --- | --- | --- | --- |\n",
  );
  const sums = { hs: 0, ls: 0, hl: 0, ll: 0 };
  for (let k = 0; k < FOLDS; k++) {
    const train = all.filter((q) => foldOf.get(q.group) !== k);
    const test = all.filter((q) => foldOf.get(q.group) === k);
    const m = fitModel(train);
    const hand = accuracy(test, (c) => c.features.handScore);
    const learned = accuracy(test, (c) => scoreWith(m, featureVector(c.features)));
    sums.hs += hand.sentence * test.length;
    sums.ls += learned.sentence * test.length;
    sums.hl += hand.line * test.length;
    sums.ll += learned.line * test.length;
    process.stdout.write(`| ${k + 1} | ${pct(hand.sentence)} | ${pct(learned.sentence)} | ${pct(hand.line)} | ${pct(learned.line)} |\n`);
  }
  const n = all.length;
  process.stdout.write(`| all | ${pct(sums.hs / n)} | ${pct(sums.ls / n)} | ${pct(sums.hl / n)} | ${pct(sums.ll / n)} |\n\n`);

  const model = fitModel(all);
  for (const s of sets) {
    const a = accuracy(s.questions, (c) => scoreWith(model, featureVector(c.features)));
    process.stdout.write(`${s.name} (fitted on everything, for reference): sentence ${pct(a.sentence)}, line ${pct(a.line)}\n`);
  }
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  const out = {
    ...model,
    mean: model.mean.map(round),
    std: model.std.map(round),
    weights: model.weights.map(round),
    bias: round(model.bias),
  };
  writeFileSync(path.join(ROOT, "src/answer/models/sentence-ranker.json"), `${JSON.stringify(out, null, 1)}\n`);
  process.stdout.write("wrote src/answer/models/sentence-ranker.json\n");
  await trainAnswerability(ROOT, SHARED, model);
}

await main();
