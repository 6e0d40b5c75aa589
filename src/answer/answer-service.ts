/**
 * Extractive answers: retrieve passages, score their sentences against the question's
 * informative terms and the kind of answer it asks for, cite the best passages with
 * verbatim excerpts, and abstain when the best passage covers too little of the question.
 */
import type { Article, Chunk } from "../ingest/index.js";
import { normalizeText, type Retriever, type ScoredChunk, type TermStatistics } from "../search/index.js";
import { articleSentences, excerptText, sentenceAt, sentenceWindow, sourceRange } from "./excerpt.js";
import { checkedStream, groundAnswer } from "./grounding.js";
import type { LlmAnswerer } from "./llm.js";
import type { Answer, Citation } from "./types.js";

export interface AnswerOptions {
  topK?: number;
  /** Use the configured LLM (default true when one is configured). */
  llm?: boolean;
  /**
   * Streaming: called with the LLM answer so far, as checked — only whole sentences that passed
   * the grounding check, renumbered; nothing the model wrote is passed on unchecked.
   */
  onPartial?: (checkedText: string) => void;
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
  /** Told when the CPU-bound part of a question starts and ends (a background reindex gives way meanwhile). */
  activity?: { enter(): void; leave(): void };
}

/** How a candidate sentence is scored: retrieval score of its passage, coverage of the passage, of the sentence. */
export interface RerankWeights {
  retrieval: number;
  passage: number;
  sentence: number;
  /** Added to a sentence's coverage when it holds the kind of answer asked for (a number, a date…). */
  kindBonus: number;
  /** Multiplies the score of a sentence that lacks the kind of answer asked for. */
  kindMissFactor: number;
  /** Added when the question names the article's headline outright (`黄蝉的别称` → article `黄蝉`). */
  titleNamed: number;
  /** Multiplies the score of a page note (teasers, captions, ads): an article that says as much is the better citation. */
  noteFactor: number;
}

export const DEFAULT_RERANK: RerankWeights = {
  retrieval: 0.45,
  passage: 0.35,
  sentence: 0.2,
  kindBonus: 0.25,
  kindMissFactor: 0.6,
  titleNamed: 0.2,
  noteFactor: 0.75,
};

export interface AnswerService {
  ask(question: string, options?: AnswerOptions): Promise<Answer>;
}

export const DEFAULT_ABSTAIN_BELOW = 0.25;

export const DEFAULT_MESSAGES = {
  notFound: "抱歉，资料库中没有找到能回答这个问题的内容。",
  empty: "请输入一个问题。",
};

/** What kind of answer the question asks for, from its interrogative. */
type AnswerKind = "number" | "time" | "place" | "person" | "other";

export function answerKind(question: string): AnswerKind {
  const q = normalizeText(question);
  if (/什么时候|何时|哪天|哪年|哪一天|几月|几号|几点|什么时间|日期|时间/.test(q)) return "time";
  if (/多少|几[个次场件家名人天年倍]|几|数量|比例|百分之|增长了?多少/.test(q)) return "number";
  if (/哪里|在哪|何处|哪个(?:街道|村|镇|城市|地方|国家|省|区|县)|哪座|位于|什么地方/.test(q)) return "place";
  if (/谁|哪位|什么人/.test(q)) return "person";
  return "other";
}

const KIND_PATTERN: Record<AnswerKind, RegExp | null> = {
  number: /\d|[一二三四五六七八九十百千万亿两]+[个次场件家名人天年倍万亿元%]/,
  time: /\d{1,4}\s*[年月日]|[一二三四五六七八九十]+月|上午|下午|晚上|昨日|今年|明年/,
  place: /[市县区镇村省州路街道]|中心|公园|基地|体育/,
  person: /[\p{Script=Han}]{2,4}(?:书记|市长|主席|主任|局长|教练|记者)|(?:书记|市长|主席|主任|局长|教练员?|记者)[\p{Script=Han}]{2,3}/u,
  other: null,
};

interface Weighted {
  term: string;
  weight: number;
}

function termWeights(stats: TermStatistics, terms: string[]): Weighted[] {
  const maxIdf = Math.log(1 + (stats.documents + 0.5) / 0.5);
  // Terms contained in a longer query term (search-mode sub-words) count once, through the longer one.
  const kept = terms.filter((t) => !terms.some((o) => o !== t && o.length > t.length && o.includes(t) && stats.docFreq(o) > 0));
  return kept.map((term) => ({ term, weight: stats.docFreq(term) > 0 ? stats.idf(term) : maxIdf }));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const abbreviationCache = new Map<string, RegExp>();
/** Most characters an abbreviation may skip between two of its characters (党…代表大会 skips a place name). */
export const ABBREVIATION_GAP = 8;

/**
 * Chinese abbreviations keep the first character of each word (党代会 ← 党…代表大会,
 * 省运会 ← 省运动会): a term of 3+ Han characters also matches its characters in order
 * within one clause, for part of its weight.
 */
function abbreviationPattern(term: string): RegExp | null {
  if (!/^\p{Script=Han}{3,6}$/u.test(term)) return null;
  let re = abbreviationCache.get(term);
  if (!re)
    abbreviationCache.set(
      term,
      (re = new RegExp(Array.from(term).map(escapeRegExp).join(`[^，。！？；,!?;\\n]{0,${ABBREVIATION_GAP}}`), "u")),
    );
  return re;
}

export const ABBREVIATION_CREDIT = 0.7;

/** Share of the weight of `terms` found in `norm` (normalised text; substring, or abbreviation, match). */
function coverage(weights: Weighted[], norm: string): number {
  let total = 0;
  let found = 0;
  for (const { term, weight } of weights) {
    total += weight;
    if (norm.includes(term)) found += weight;
    else if (abbreviationPattern(term)?.test(norm)) found += ABBREVIATION_CREDIT * weight;
  }
  return total > 0 ? found / total : 0;
}

interface Candidate {
  hit: ScoredChunk;
  /** Sentence index in the article. */
  sentence: number;
  sentenceScore: number;
  passageCoverage: number;
  score: number;
}

/** The headline without a trailing qualifier in brackets (`杨昊 (足球运动员)` → `杨昊`). */
function titleNamed(article: Article, normQuestion: string): boolean {
  if (!article.title) return false;
  const core = normalized.headlineCore(article);
  return Array.from(core).length >= 2 && normQuestion.includes(core);
}

/**
 * Normalised (NFKC, lower case, simplified) forms of passages, headlines and sentences, computed
 * once per object: the index is immutable, and normalising is most of the cost of re-ranking.
 */
const normalized = (() => {
  const texts = new WeakMap<object, string>();
  const cores = new WeakMap<Article, string>();
  const sentences = new WeakMap<Article, string[]>();
  const once = (key: object, make: () => string) => {
    let v = texts.get(key);
    if (v === undefined) texts.set(key, (v = normalizeText(make())));
    return v;
  };
  return {
    title: (a: Article) => once(a, () => titleText(a)),
    chunk: (c: Chunk) => once(c, () => c.text),
    /** The headline without a trailing bracketed qualifier. */
    headlineCore(a: Article): string {
      let v = cores.get(a);
      if (v === undefined)
        cores.set(
          a,
          (v = normalizeText(a.title ?? "")
            .replace(/\s*[（(][^（()）]*[)）]\s*$/u, "")
            .trim()),
        );
      return v;
    },
    sentence(a: Article, i: number, text: string): string {
      let list = sentences.get(a);
      if (!list) sentences.set(a, (list = []));
      return (list[i] ??= normalizeText(text));
    },
  };
})();

const titleText = (a: Article): string => [a.kicker, a.title, a.subtitle, a.byline].filter(Boolean).join(" ");

export function createAnswerService(options: AnswerServiceOptions): AnswerService {
  const topKDefault = options.topK ?? 3;
  const abstainBelow = options.abstainBelow ?? DEFAULT_ABSTAIN_BELOW;
  const messages = options.messages ?? DEFAULT_MESSAGES;
  const maxChars = options.maxQuestionChars ?? 1000;
  const nCandidates = options.candidates ?? 30;

  async function ask(rawQuestion: string, askOptions: AnswerOptions = {}): Promise<Answer> {
    options.activity?.enter();
    let ext: Answer;
    try {
      ext = await extract(rawQuestion, askOptions);
    } finally {
      options.activity?.leave();
    }
    const llm = options.llm;
    if (!llm || askOptions.llm === false || ext.abstained) return ext;
    const t0 = performance.now();
    const finish = (a: Answer): Answer => {
      const llmMs = performance.now() - t0;
      return { ...a, timings: { ...a.timings, total_ms: round(a.timings.total_ms + llmMs), llm_ms: round(llmMs) } };
    };
    try {
      // the model sees each passage's headline and byline too: they count as what the source states
      const sources = ext.citations.map((c) => [c.title, c.byline, c.excerpt].filter(Boolean).join("\n"));
      const onToken = askOptions.onPartial ? checkedStream(sources, askOptions.onPartial) : undefined;
      const raw = await llm.answer(sanitizeQuestion(rawQuestion).slice(0, maxChars), ext.citations, { onToken });
      const g = groundAnswer(raw, sources);
      if (g.kept.length === 0) return finish({ ...ext, llm: { model: llm.model, dropped: g.dropped.length, fallback: "ungrounded" } });
      const citations = g.used.map((n, i) => ({ ...ext.citations[n - 1]!, n: i + 1, verified: true }));
      return finish({ ...ext, answer: g.text, mode: "llm", citations, llm: { model: llm.model, dropped: g.dropped.length } });
    } catch (err) {
      const e = err as Error;
      const timeout = e.name === "TimeoutError" || e.name === "AbortError" || /timed? ?out|abort/i.test(e.message);
      return finish({
        ...ext,
        llm: { model: llm.model, dropped: 0, fallback: timeout ? "timeout" : "error", error: e.message.slice(0, 200) },
      });
    }
  }

  async function extract(rawQuestion: string, askOptions: AnswerOptions): Promise<Answer> {
    const started = performance.now();
    const topK = Math.max(1, askOptions.topK ?? topKDefault);
    const question = sanitizeQuestion(rawQuestion).slice(0, maxChars);
    let terms: string[] = [];
    const done = (partial: Omit<Answer, "question" | "mode" | "timings" | "terms">, retrieveMs = 0): Answer => ({
      question: rawQuestion,
      ...partial,
      terms,
      mode: "extractive",
      timings: { total_ms: round(performance.now() - started), retrieve_ms: round(retrieveMs) },
    });
    if (!/[\p{L}\p{N}]/u.test(question))
      return done({ answer: messages.empty, abstained: true, reason: "empty", coverage: 0, citations: [] });

    const r = options.retriever();
    if (r.size === 0) return done({ answer: messages.notFound, abstained: true, reason: "empty-index", coverage: 0, citations: [] });
    const t0 = performance.now();
    const retrieved = await r.retrieve(question, Math.max(nCandidates, topK));
    const hits = retrieved.hits;
    terms = retrieved.terms;
    const retrieveMs = performance.now() - t0;
    const weights = termWeights(r.stats, terms);
    if (weights.length === 0 || hits.length === 0) {
      return done({ answer: messages.notFound, abstained: true, reason: "no-terms", coverage: 0, citations: [] }, retrieveMs);
    }

    const kind = answerKind(question);
    const kindPattern = KIND_PATTERN[kind];
    const maxScore = hits[0]!.score || 1;
    const w = { ...DEFAULT_RERANK, ...options.rerank };
    // Every sentence of every candidate passage competes; a sentence shared by two
    // overlapping chunks keeps its best score.
    const bySentence = new Map<string, Candidate>();
    const normQuestion = normalizeText(question);
    for (const hit of hits) {
      const sentences = articleSentences(hit.article);
      const named = titleNamed(hit.article, normQuestion) ? w.titleNamed : 0;
      const passageCoverage = coverage(weights, `${normalized.title(hit.article)}\n${normalized.chunk(hit.chunk)}`);
      const first = sentenceAt(sentences, hit.chunk.start);
      const last = sentenceAt(sentences, Math.max(hit.chunk.start, hit.chunk.end - 1));
      for (let s = first; s <= last; s++) {
        const text = hit.article.body.slice(sentences[s]!.start, sentences[s]!.end);
        let sentenceScore = coverage(weights, normalized.sentence(hit.article, s, text));
        const kindMatch = kindPattern ? kindPattern.test(text) : true;
        if (kindPattern && kindMatch) sentenceScore += w.kindBonus;
        let score = w.retrieval * (hit.score / maxScore) + w.passage * passageCoverage + w.sentence * sentenceScore + named;
        // A sentence without any date cannot answer "when".
        if (!kindMatch && kind === "time") score *= w.kindMissFactor;
        if (hit.article.kind === "note") score *= w.noteFactor;
        const key = `${hit.article.id}:${s}`;
        const prev = bySentence.get(key);
        if (!prev || prev.score < score) bySentence.set(key, { hit, sentence: s, sentenceScore, passageCoverage, score });
      }
    }
    const candidates = [...bySentence.values()].sort((a, b) => b.score - a.score || a.hit.doc - b.hit.doc || a.sentence - b.sentence);

    const bestCoverage = Math.max(...candidates.slice(0, 10).map((c) => c.passageCoverage));
    if (bestCoverage < abstainBelow) {
      return done(
        { answer: messages.notFound, abstained: true, reason: "low-coverage", coverage: round(bestCoverage, 3), citations: [] },
        retrieveMs,
      );
    }

    const chosen: Citation[] = [];
    for (const c of candidates) {
      if (chosen.length >= topK) break;
      const article = c.hit.article;
      const focus = articleSentences(article)[c.sentence]!.start;
      const same = chosen.filter((t) => t.articleId === article.id);
      if (same.some((t) => t.start <= focus && focus < t.end)) continue;
      // Stay clear of the excerpts already cited from this article.
      const lower = Math.max(0, ...same.filter((t) => t.end <= focus).map((t) => t.end));
      const upper = Math.min(article.body.length, ...same.filter((t) => t.start > focus).map((t) => t.start));
      const win = sentenceWindow(article, c.sentence, undefined, focus, { lower, upper });
      const src = sourceRange(article, win.start, win.end);
      chosen.push({
        n: chosen.length + 1,
        source: article.source,
        title: article.title,
        kicker: article.kicker,
        subtitle: article.subtitle,
        byline: article.byline,
        excerpt: excerptText(article, win.start, win.end),
        score: round(c.score, 4),
        meta: article.meta,
        articleId: article.id,
        chunkId: c.hit.chunk.id,
        start: win.start,
        end: win.end,
        sourceStart: src.start,
        sourceEnd: src.end,
        verified: true,
      });
    }

    const top = candidates[0]!;
    return done(
      { answer: shortAnswer(top.hit.article, top.sentence), abstained: false, coverage: round(bestCoverage, 3), citations: chosen },
      retrieveMs,
    );
  }

  return { ask };
}

/** The best sentence, verbatim; a very short one gets its successor for context. */
function shortAnswer(article: Article, sentence: number): string {
  const sentences = articleSentences(article);
  const s = sentences[sentence]!;
  let end = s.end;
  const next = sentences[sentence + 1];
  if (end - s.start < 20 && next) end = next.end;
  return excerptText(article, s.start, Math.min(end, s.start + 300));
}

/** Removes control characters, lone surrogates and pasted HTML tags; keeps everything a person could type. */
export function sanitizeQuestion(q: string): string {
  return q
    .replace(/<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/gi, " ")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, " ")
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "")
    .trim();
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
