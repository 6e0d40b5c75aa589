/**
 * Extractive answers: retrieve passages, score their sentences against the question's
 * informative terms and the kind of answer it asks for (scoring.ts), cite the best passages with
 * verbatim excerpts (citation-choice.ts), and abstain when the best passage covers too little of
 * the question. With an LLM, its answer is checked against the cited passages (grounding.ts).
 */
import type { Retriever, TermStatistics } from "../search/index.js";
import { round } from "./citation-choice.js";
import { answerFromCandidates } from "./answer-line.js";
import { checkedStream, groundAnswer } from "./grounding.js";
import type { LlmAnswerer } from "./llm.js";
import { askThroughTranslation, isForeignQuestion } from "./translation.js";
import { committedRanker, type RankerModel } from "./ranker.js";
import { type AnswerabilityModel, answerabilityFeatures, answerableProbability, committedAnswerability } from "./answerability.js";
import { rerank } from "./features.js";
import { orderByTime, withDate } from "./time-query.js";

/** The models `npm run train` wrote (read once). */
const COMMITTED_RANKER = committedRanker();
const COMMITTED_ANSWERABILITY = committedAnswerability();
import { type Candidate, DEFAULT_RERANK, type RerankWeights, rankSentences, termWeights, type Weighted } from "./scoring.js";
import type { Answer } from "./types.js";

export { ABBREVIATION_GAP, answerKind, DEFAULT_RERANK, type RerankWeights } from "./scoring.js";

export interface AnswerOptions {
  topK?: number;
  /** Use the configured LLM (default true when one is configured). */
  llm?: boolean;
  /**
   * Streaming: called with the LLM answer so far, as checked — only whole sentences that passed
   * the grounding check, renumbered; nothing the model wrote is passed on unchecked.
   */
  onPartial?: (checkedText: string) => void;
  /** Training: called with the answerability evidence of a question that passed the coverage gate. */
  onEvidence?: (features: number[]) => void;
}

export interface AnswerServiceOptions {
  /** The retrieval backend to answer from; called per question, so a reindex can swap it (see localRetriever). */
  retriever: () => Retriever;
  topK?: number;
  /** Abstain when the best passage covers less than this share of the question's term weight. */
  abstainBelow?: number;
  /** Candidates re-ranked by sentence evidence. */
  candidates?: number;
  /** Longest question accepted; longer ones are cut (Telegram allows 4096 characters). */
  maxQuestionChars?: number;
  messages?: { notFound: string; empty: string };
  rerank?: Partial<RerankWeights>;
  /** Optional LLM: answers from the retrieved passages, checked by the grounding check; extractive on any failure. */
  llm?: LlmAnswerer;
  /** The answer-sentence ranker (default: the committed model; null: the hand-tuned score alone). */
  ranker?: RankerModel | null;
  /** The answerability model (default: the committed one; null: the coverage threshold alone). */
  answerability?: AnswerabilityModel | null;
  /** Told when the CPU-bound part of a question starts and ends (a background reindex gives way meanwhile). */
  activity?: { enter(): void; leave(): void };
}

export interface AnswerService {
  ask(question: string, options?: AnswerOptions): Promise<Answer>;
}

export const DEFAULT_ABSTAIN_BELOW = 0.15;
export const DEFAULT_TOP_K = 3;
/** Passages re-ranked by sentence evidence. */
export const DEFAULT_CANDIDATES = 30;
/** Longest question taken (Telegram allows 4096 characters). */
export const DEFAULT_MAX_QUESTION_CHARS = 1000;
/** Best sentences whose passage coverage decides abstention. */
const ABSTAIN_WINDOW = 10;
/** Longest LLM error message kept in the answer. */
const ERROR_CHARS = 200;

export const DEFAULT_MESSAGES = {
  notFound: "抱歉，资料库中没有找到能回答这个问题的内容。",
  empty: "请输入一个问题。",
};

/** Error names of a timeout: AbortSignal.timeout, an aborted request, the OpenAI client's own timeout (also as a cause). */
const TIMEOUT_ERRORS = new Set(["TimeoutError", "AbortError", "APIConnectionTimeoutError"]);
export function isTimeout(err: unknown): boolean {
  for (let e = err as { name?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.name && TIMEOUT_ERRORS.has(e.name)) return true;
  }
  return false;
}

/** The LLM's answer from the extractive one's citations, checked; the extractive answer on any failure. */
async function answerWithLlm(llm: LlmAnswerer, ext: Answer, question: string, onPartial?: (t: string) => void): Promise<Answer> {
  const t0 = performance.now();
  const finish = (a: Answer): Answer => {
    const llmMs = performance.now() - t0;
    return { ...a, timings: { ...a.timings, total_ms: round(a.timings.total_ms + llmMs), llm_ms: round(llmMs) } };
  };
  try {
    // the model sees each passage's headline and byline too: they count as what the source states
    const sources = ext.citations.map((c) => [c.title, c.byline, c.excerpt].filter(Boolean).join("\n"));
    const onToken = onPartial ? checkedStream(sources, onPartial) : undefined;
    const raw = await llm.answer(question, ext.citations, { onToken });
    const g = groundAnswer(raw, sources);
    if (g.kept.length === 0) return finish({ ...ext, llm: { model: llm.model, dropped: g.dropped.length, fallback: "ungrounded" } });
    const citations = g.used.map((n, i) => ({ ...ext.citations[n - 1]!, n: i + 1, verified: true }));
    return finish({ ...ext, answer: g.text, mode: "llm", citations, llm: { model: llm.model, dropped: g.dropped.length } });
  } catch (err) {
    const fallback = isTimeout(err) ? "timeout" : "error";
    return finish({ ...ext, llm: { model: llm.model, dropped: 0, fallback, error: (err as Error).message.slice(0, ERROR_CHARS) } });
  }
}

/** The answerability model's verdict (true without the models); training sees the evidence. */
function answerable(
  models: { ranker?: RankerModel; answerability?: AnswerabilityModel },
  evidenceOf: { candidates: Candidate[]; ranked: Candidate[] | undefined; termWeight: Weighted[]; stats: TermStatistics },
  onEvidence?: (features: number[]) => void,
): boolean {
  const { ranker, answerability } = models;
  const { candidates, ranked, termWeight, stats } = evidenceOf;
  if (!ranker || !ranked) return true;
  const evidence = answerabilityFeatures(candidates, ranked, termWeight, stats, ranker);
  onEvidence?.(evidence);
  return !answerability || answerableProbability(answerability, evidence) >= answerability.threshold;
}

/**
 * The answer line and its citations, the articles of the time the question names first; the line
 * names its article's date when the question is about a time.
 */
function answerLine(
  question: string,
  order: { candidates: Candidate[]; ranked: Candidate[] | undefined },
  topK: number,
  termWeight: Weighted[],
  newestDate: string | null,
): Pick<Answer, "answer" | "answerSpan" | "answerSentence" | "answerDate" | "citations"> {
  const timed = orderByTime(order.ranked ? [order.candidates, order.ranked] : [order.candidates], question, newestDate);
  const [candidates, ranked] = timed.lists as [Candidate[], Candidate[] | undefined];
  const { line, citations } = answerFromCandidates(
    question,
    candidates,
    topK,
    termWeight.map((w) => w.term),
    ranked,
  );
  const lineDate = timed.date ? citations.find((c) => c.supportsAnswer)?.meta.date : undefined;
  return {
    answer: withDate(line.text, lineDate)!,
    answerSpan: line.span,
    answerSentence: withDate(line.supporting, lineDate),
    ...(lineDate ? { answerDate: lineDate } : {}),
    citations,
  };
}

export function createAnswerService(options: AnswerServiceOptions): AnswerService {
  const topKDefault = options.topK ?? DEFAULT_TOP_K;
  const abstainBelow = options.abstainBelow ?? DEFAULT_ABSTAIN_BELOW;
  const messages = options.messages ?? DEFAULT_MESSAGES;
  const maxChars = options.maxQuestionChars ?? DEFAULT_MAX_QUESTION_CHARS;
  const nCandidates = options.candidates ?? DEFAULT_CANDIDATES;
  const weights: RerankWeights = { ...DEFAULT_RERANK, ...options.rerank };
  // the learned sentence ranker (npm run train); options.ranker null = the hand-tuned score alone
  const ranker = options.ranker === null ? undefined : (options.ranker ?? COMMITTED_RANKER);
  const answerability = options.answerability === null ? undefined : (options.answerability ?? COMMITTED_ANSWERABILITY);

  async function ask(rawQuestion: string, askOptions: AnswerOptions = {}): Promise<Answer> {
    const { llm } = options;
    if (llm && askOptions.llm !== false && isForeignQuestion(rawQuestion))
      return askThroughTranslation(llm, rawQuestion, (zh) => askChinese(zh, { ...askOptions, onPartial: undefined }));
    return askChinese(rawQuestion, askOptions);
  }

  async function askChinese(rawQuestion: string, askOptions: AnswerOptions): Promise<Answer> {
    options.activity?.enter();
    let ext: Answer;
    try {
      ext = await extract(rawQuestion, askOptions);
    } finally {
      options.activity?.leave();
    }
    if (!options.llm || askOptions.llm === false || ext.abstained) return ext;
    return answerWithLlm(options.llm, ext, sanitizeQuestion(rawQuestion).slice(0, maxChars), askOptions.onPartial);
  }

  async function extract(rawQuestion: string, askOptions: AnswerOptions): Promise<Answer> {
    const started = performance.now();
    const topK = Math.max(1, askOptions.topK ?? topKDefault);
    const question = sanitizeQuestion(rawQuestion).slice(0, maxChars);
    let terms: string[] = [];
    let retrieveMs = 0;
    const done = (partial: Omit<Answer, "question" | "mode" | "timings" | "terms">): Answer => ({
      question: rawQuestion,
      ...partial,
      terms,
      mode: "extractive",
      timings: { total_ms: round(performance.now() - started), retrieve_ms: round(retrieveMs) },
    });
    const none = (reason: NonNullable<Answer["reason"]>, coverage = 0) =>
      done({ answer: reason === "empty" ? messages.empty : messages.notFound, abstained: true, reason, coverage, citations: [] });
    if (!/[\p{L}\p{N}]/u.test(question)) return none("empty");

    const r = options.retriever();
    if (r.size === 0) return none("empty-index");
    const t0 = performance.now();
    const retrieved = await r.retrieve(question, Math.max(nCandidates, topK));
    terms = retrieved.terms;
    retrieveMs = performance.now() - t0;
    const termWeight = termWeights(r.stats, terms, question);
    // highlight what was scored: not a term that takes part of two question words
    terms = terms.filter((t) => termWeight.some((w) => w.term === t || w.term.includes(t)));
    if (termWeight.length === 0 || retrieved.hits.length === 0) return none("no-terms");

    const candidates = rankSentences(retrieved.hits, termWeight, question, weights, ranker !== undefined);
    const bestCoverage = Math.max(...candidates.slice(0, ABSTAIN_WINDOW).map((c) => c.passageCoverage));
    if (bestCoverage < abstainBelow) return none("low-coverage", round(bestCoverage, 3));
    const ranked = ranker ? rerank(candidates, ranker) : undefined;
    if (!answerable({ ranker, answerability }, { candidates, ranked, termWeight, stats: r.stats }, askOptions.onEvidence))
      return none("unlikely", round(bestCoverage, 3));
    const composed = answerLine(question, { candidates, ranked }, topK, termWeight, r.newestDate ?? null);
    return done({ ...composed, abstained: false, coverage: round(bestCoverage, 3) });
  }

  return { ask };
}

/** Removes control characters, lone surrogates and pasted HTML tags; keeps everything a person could type. */
export function sanitizeQuestion(q: string): string {
  return q
    .replace(/<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/gi, " ")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, " ")
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "")
    .trim();
}
