/**
 * Command line: `index`, `ask`, `eval`. stdout carries only results; logs go to stderr.
 *   npm run index -- [--corpus DIR] [--data DIR]
 *   npm run ask -- [--corpus DIR] [--data DIR] [--top-k N] [--json] [--batch FILE] "问题"
 */
import {
  buildIndex,
  type BuildProgress,
  createEmbeddings,
  createPgPool,
  ensureIndex,
  localRetriever,
  openPgLibrary,
  reindexPostgres,
  type Retriever,
} from "./search/index.js";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { type Answer, createAnswerService, formatAnswerText, type LlmAnswerer, llmFromConfig } from "./answer/index.js";
import { type Config, loadConfig } from "./config.js";
import { CitebotError } from "./errors.js";
import { faultCheckpoint, pgFaultCheckpoint } from "./faults.js";
import { stopWhenOrphaned } from "./process-watch.js";
import { createLogger, type Logger } from "./logger.js";
import { formatReport, type QaItem, readQaJsonl, runEval, squadToCorpus } from "./eval/index.js";

interface CommonOptions {
  corpus?: string;
  data?: string;
}

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 20) throw new InvalidArgumentError("expected a whole number from 1 to 20");
  return n;
};

function settings(opts: CommonOptions): { config: Config; corpusDir: string; dataDir: string; log: Logger } {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  return { config, corpusDir: opts.corpus ?? config.CORPUS_DIR, dataDir: opts.data ?? config.DATA_DIR, log };
}

function progressReporter(): { onProgress: (p: BuildProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { onProgress: () => {}, stop: () => {} };
  let last = "";
  return {
    onProgress: (p) => {
      const line = `${p.phase}${p.total ? ` ${p.done}/${p.total}` : ""}`;
      if (line !== last) process.stderr.write(`\r\x1b[K  indexing: ${line}`);
      last = line;
    },
    stop: () => process.stderr.write("\r\x1b[K"),
  };
}

async function runIndex(opts: CommonOptions): Promise<void> {
  const { config, corpusDir, dataDir, log } = settings(opts);
  const reporter = progressReporter();
  const embeddings = await createEmbeddings(config);
  const onWarning = (w: { file: string; message: string }) => log.warn({ file: w.file }, w.message);
  if (config.DATABASE_URL) {
    // a new generation in Postgres (the running replicas pick it up)
    const pool = createPgPool(config.DATABASE_URL, config.DATABASE_POOL_MAX);
    try {
      const { report: r, generation } = await reindexPostgres({
        pool,
        corpusDir,
        dataDir,
        embeddings,
        onWarning,
        onProgress: reporter.onProgress,
        leaseMs: config.DATABASE_LEASE_MS,
        checkpoint: pgFaultCheckpoint(process.env.CITEBOT_FAULT),
      }).finally(reporter.stop);
      process.stdout.write(
        `indexed ${r.files} files, ${r.articles} articles, ${r.chunks} chunks in ${r.seconds.toFixed(2)} s into Postgres generation ${generation}` +
          ` (added ${r.diff.added.length}, changed ${r.diff.changed.length}, removed ${r.diff.removed.length})\n`,
      );
    } finally {
      await pool.end();
    }
    return;
  }
  const result = await buildIndex({
    corpusDir,
    dataDir,
    embeddings,
    onProgress: reporter.onProgress,
    onWarning,
    checkpoint: faultCheckpoint(process.env.CITEBOT_FAULT),
  }).finally(reporter.stop);
  const { counts, buildMs } = result.manifest;
  const { added, changed, removed } = result.diff;
  process.stdout.write(
    `indexed ${counts.files} files, ${counts.articles} articles (+${counts.notes} page notes), ${counts.chunks} chunks in ${(buildMs / 1000).toFixed(2)} s` +
      ` (added ${added.length}, changed ${changed.length}, removed ${removed.length}; re-embedded ${counts.chunks - counts.reusedVectors})\n`,
  );
}

/** Citations an eval run asks for (ranks down to 10 are measured). */
const EVAL_CITATIONS = 10;

interface AskOptions extends CommonOptions {
  topK?: number;
  llm?: boolean;
  json?: boolean;
  batch?: string;
}

/** One question per line, blank ones included (they get the "empty question" answer), so output line N answers input line N. */
export function batchLines(text: string): string[] {
  const lines = text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .map((l) => l.trim());
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

async function runAsk(words: string[], opts: AskOptions): Promise<void> {
  const { config, corpusDir, dataDir, log } = settings(opts);
  const questions = opts.batch ? batchLines(await fs.readFile(opts.batch, "utf8")) : [words.join(" ")];
  if (!opts.batch && !questions[0]) throw new CitebotError('no question given: npm run ask -- "问题"');
  const reporter = progressReporter();
  const embeddings = await createEmbeddings(config);
  const onBuild = (reason: string) => log.info({ reason }, "building the index first");
  const onWarning = (w: { file: string; message: string }) => log.warn({ file: w.file }, w.message);
  let retriever: () => Retriever;
  let close = async () => {};
  if (config.DATABASE_URL) {
    const pool = createPgPool(config.DATABASE_URL, config.DATABASE_POOL_MAX);
    const library = await openPgLibrary({
      pool,
      corpusDir,
      dataDir,
      embeddings,
      onBuild,
      onWarning,
      leaseMs: config.DATABASE_LEASE_MS,
      onProgress: reporter.onProgress,
    }).finally(reporter.stop);
    retriever = library.retriever;
    close = async () => {
      await library.close();
      await pool.end();
    };
  } else {
    const { index } = await ensureIndex({ corpusDir, dataDir, embeddings, onBuild, onWarning, onProgress: reporter.onProgress }).finally(
      reporter.stop,
    );
    retriever = localRetriever(() => index);
  }
  let llm: LlmAnswerer | undefined;
  if (opts.llm) {
    llm = await llmFromConfig(config);
    if (!llm) throw new CitebotError("--llm needs LLM_BASE_URL and LLM_MODEL (see .env.example)");
  }
  const topK = opts.topK ?? config.TOP_K;
  const service = createAnswerService({ retriever, topK, abstainBelow: config.ABSTAIN_BELOW, llm });
  try {
    for (const q of questions) {
      const answer = await service.ask(q, { topK });
      process.stdout.write(opts.json ? `${JSON.stringify(toJson(answer))}\n` : `${formatAnswerText(answer)}\n\n`);
    }
  } finally {
    await close();
  }
}

interface EvalOptions extends CommonOptions {
  qa?: string;
  squad?: string;
  removeShare?: number;
  seed?: number;
  topK: number;
  report?: string;
}

async function runEvalCommand(opts: EvalOptions): Promise<void> {
  const { config, log } = settings(opts);
  if (!opts.qa === !opts.squad) throw new CitebotError("give exactly one of --qa FILE.jsonl or --squad FILE.json");
  let corpusDir = opts.corpus ?? config.CORPUS_DIR;
  let items: QaItem[];
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), "citebot-eval-"));
  try {
    if (opts.squad) {
      corpusDir = path.join(scratch, "corpus");
      items = await squadToCorpus(opts.squad, corpusDir, { removeShare: opts.removeShare, seed: opts.seed });
    } else items = await readQaJsonl(opts.qa!);
    const dataDir = opts.data ?? path.join(scratch, "data");
    const { index } = await ensureIndex({
      corpusDir,
      dataDir,
      embeddings: await createEmbeddings(config),
      onWarning: (w) => log.warn({ file: w.file }, w.message),
    });
    // the eval reads ranks down to EVAL_CITATIONS (Hit@5, MRR@10); --top-k says how many excerpts count as shown
    const service = createAnswerService({
      retriever: localRetriever(() => index),
      topK: EVAL_CITATIONS,
      abstainBelow: config.ABSTAIN_BELOW,
    });
    const result = await runEval(service, items, corpusDir, opts.topK, undefined, path.join(dataDir, "ocr-cache"));
    const report = formatReport(path.basename(opts.qa ?? opts.squad!), result);
    process.stdout.write(report);
    if (opts.report) await fs.writeFile(opts.report, report);
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/** The public JSON shape of `ask --json` (stable; fields are only ever added). */
export function toJson(a: Answer): Record<string, unknown> {
  return {
    question: a.question,
    answer: a.answer,
    answer_span: a.answerSpan ?? null,
    answer_date: a.answerDate ?? null,
    abstained: a.abstained,
    reason: a.reason ?? null,
    mode: a.mode,
    ...(a.llm ? { llm: a.llm } : {}),
    ...(a.translation ? { translation: a.translation } : {}),
    coverage: a.coverage,
    citations: a.citations.map((c) => ({
      n: c.n,
      source: c.source,
      title: c.title,
      kicker: c.kicker,
      subtitle: c.subtitle,
      byline: c.byline,
      excerpt: c.excerpt,
      score: c.score,
      meta: c.meta,
      verified: c.verified,
      source_start: c.sourceStart,
      source_end: c.sourceEnd,
      supports_answer: c.supportsAnswer ?? false,
      // the excerpt is quoted from text read by OCR (a page photo or scan)
      ocr: c.meta?.ocr === "true",
    })),
    timings: a.timings,
  };
}

export function createCli(): Command {
  const program = new Command("citebot").description("Answers questions about an archive of articles with cited, verbatim excerpts.");
  const common = (cmd: Command) =>
    cmd
      .option("--corpus <dir>", "corpus directory (default: CORPUS_DIR or ./corpus)")
      .option("--data <dir>", "index directory (default: DATA_DIR or ./data)");
  common(program.command("index").description("build or update the index")).action(runIndex);
  common(
    program
      .command("ask")
      .description("answer a question (or --batch FILE, one question per line)")
      .argument("[question...]", "the question")
      .option("-k, --top-k <n>", "citations per answer (default: TOP_K, 3)", positiveInt)
      .option("--json", "one JSON object per question on stdout")
      .option("--llm", "answer with the configured LLM (LLM_BASE_URL, LLM_MODEL); citations are checked, extractive on failure")
      .option("--batch <file>", "answer every line of FILE, in order (one output per line, blank lines included)"),
  ).action(runAsk);
  common(
    program
      .command("eval")
      .description("measure answer quality on an evaluation set")
      .option("--qa <file>", "JSON Lines set (id, question, answers, sources, title, answerable)")
      .option("--squad <file>", "SQuAD-style set; its contexts become the corpus")
      .option("--remove-share <share>", "with --squad: leave this share of contexts out (their questions must be abstained on)", Number)
      .option("--seed <n>", "with --remove-share: the seed choosing the contexts left out (default 2020)", Number)
      .option("-k, --top-k <n>", "excerpts judged per answer", positiveInt, 3)
      .option("--report <file>", "also write the Markdown report here"),
  ).action(runEvalCommand);
  return program;
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  // killed with its parent (npm run …), a build stops; the lock goes with it and the old index serves
  stopWhenOrphaned(() => process.exit(1));
  createCli()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      const e = err as Error;
      process.stderr.write(`error: ${e.message}\n`);
      if (!(err instanceof CitebotError) && process.env.LOG_LEVEL === "debug") process.stderr.write(`${e.stack}\n`);
      process.exitCode = 1;
    });
}
