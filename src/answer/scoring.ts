/**
 * Sentence scoring for extractive answers: the kind of answer a question asks for, the weight of
 * its terms, how much of that weight a passage or sentence covers (with Chinese abbreviations),
 * and the ranking of every sentence of the retrieved passages.
 */
import type { Article } from "../ingest/index.js";
import { normalizeText, type ScoredChunk, type TermStatistics, wordBoundaries } from "../search/index.js";
import { articleSentences, sentenceAt } from "./excerpt.js";
import { createLru } from "./lru.js";
import { questionContext, SentenceCandidate } from "./features.js";
import { normalized, passageSentences } from "./normalized-text.js";
import type { Features } from "./ranker.js";

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

export interface Weighted {
  term: string;
  weight: number;
}

/** How a query term sits in the question's own segmentation. */
function placeInQuestion(term: string, normQuestion: string, bounds: Set<number>): "whole" | "inner" | "crossing" | "absent" {
  let place: "inner" | "crossing" | "absent" = "absent";
  // (a passage-side rule — whole question words matching whole passage words only — was measured
  // and left out: jieba splits question and page differently too often, 主持|会议 vs 主持会议)
  for (let i = normQuestion.indexOf(term); i >= 0; i = normQuestion.indexOf(term, i + 1)) {
    const end = i + term.length;
    if (bounds.has(i) && bounds.has(end)) return "whole";
    // inside one question word (a re-segmented sub-word), or across a boundary into part of the next word
    const crossesBoundary = [...bounds].some((b) => b > i && b < end);
    place = crossesBoundary ? "crossing" : "inner";
  }
  return place;
}

/**
 * Term weights (idf) for scoring sentences. Terms contained in a longer query term count once,
 * through the longer one. A term that takes part of one question word with part of another
 * (`有机` from `有|机场`) is not a word the question asked about and is dropped.
 */
export function termWeights(stats: TermStatistics, terms: string[], question?: string): Weighted[] {
  const maxIdf = Math.log(1 + (stats.documents + 0.5) / 0.5);
  const normQuestion = question === undefined ? undefined : normalizeText(question);
  const bounds = normQuestion === undefined ? undefined : boundariesOf(normQuestion);
  const kept = terms.filter((t) => !terms.some((o) => o !== t && o.length > t.length && o.includes(t) && stats.docFreq(o) > 0));
  const out: Weighted[] = [];
  const crossing: string[] = [];
  for (const term of kept) {
    const place = normQuestion === undefined ? "absent" : placeInQuestion(term, normQuestion, bounds!);
    if (place === "crossing") crossing.push(term);
    else out.push({ term, weight: stats.docFreq(term) > 0 ? stats.idf(term) : maxIdf });
  }
  // the question words such a term cut into still count, as words the archive may not hold (机场)
  for (const term of crossing) {
    for (const word of wordsOverlapping(term, normQuestion!, bounds!)) {
      if (/^\p{Script=Han}{2,}$/u.test(word) && !out.some((w) => w.term.includes(word) || word.includes(w.term)))
        out.push({ term: word, weight: stats.docFreq(word) > 0 ? stats.idf(word) : maxIdf });
    }
  }
  return out;
}

/** The question's words that `term` covers only in part. */
function wordsOverlapping(term: string, normQuestion: string, bounds: Set<number>): string[] {
  const sorted = [...bounds].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = normQuestion.indexOf(term); i >= 0; i = normQuestion.indexOf(term, i + 1)) {
    const end = i + term.length;
    for (let k = 0; k + 1 < sorted.length; k++) {
      const [a, b] = [sorted[k]!, sorted[k + 1]!];
      if (a < end && b > i && (a < i || b > end)) out.push(normQuestion.slice(a, b));
    }
  }
  return out;
}

/** Word boundaries of normalised questions and sentences, cached (bounded). */
const boundaryCache = createLru<string, Set<number>>(20_000);
export function boundariesOf(norm: string): Set<number> {
  let b = boundaryCache.get(norm);
  if (!b) boundaryCache.set(norm, (b = wordBoundaries(norm)));
  return b;
}

export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Abbreviation patterns by question term: bounded, since the terms come from users. */
export const ABBREVIATION_CACHE_SIZE = 5000;
const abbreviationCache = createLru<string, RegExp | null>(ABBREVIATION_CACHE_SIZE);
/** Most characters an abbreviation may skip between two of its characters (党…代表大会 skips a place name). */
export const ABBREVIATION_GAP = 8;

/**
 * Chinese abbreviations keep the first character of each word (党代会 ← 党…代表大会,
 * 省运会 ← 省运动会): a term of 3+ Han characters also matches its characters in order
 * within one clause, for part of its weight.
 */
const HAN_3_6 = /^\p{Script=Han}{3,6}$/u;
const GAP = `[^，。！？；,!?;\\n]{0,${ABBREVIATION_GAP}}`;
function abbreviationPattern(term: string): RegExp | null {
  let re = abbreviationCache.get(term);
  if (re === undefined)
    abbreviationCache.set(term, (re = HAN_3_6.test(term) ? new RegExp(Array.from(term).map(escapeRegExp).join(GAP), "u") : null));
  return re;
}

export const ABBREVIATION_CREDIT = 0.7;

/** Share of the weight of `terms` found in `norm` (normalised text; substring, or abbreviation, match). */
export function coverage(weights: Weighted[], norm: string): number {
  let total = 0;
  let found = 0;
  for (const { term, weight } of weights) {
    total += weight;
    if (norm.includes(term)) found += weight;
    else if (abbreviationPattern(term)?.test(norm)) found += ABBREVIATION_CREDIT * weight;
  }
  return total > 0 ? found / total : 0;
}

export interface Candidate {
  hit: ScoredChunk;
  /** Sentence index in the article. */
  sentence: number;
  sentenceScore: number;
  passageCoverage: number;
  score: number;
  /** What the learned ranker sees (the costlier ones filled by `enrich`, for the best RERANKED by hand score). */
  features: Features;
  enrich(): void;
}

/** Sentences (best by the hand score) the learned ranker re-orders. */
export const RERANKED = 30;

/** The headline without a trailing qualifier in brackets (`杨昊 (足球运动员)` → `杨昊`). */
function titleNamed(article: Article, normQuestion: string): boolean {
  if (!article.title) return false;
  const core = normalized.headlineCore(article);
  return Array.from(core).length >= 2 && normQuestion.includes(core);
}

/**
 * Every sentence of every retrieved passage, scored and sorted best first; a sentence shared by
 * two overlapping chunks keeps its best score (the hand-tuned score; see `rerank` for the model).
 */
export function rankSentences(
  hits: ScoredChunk[],
  weights: Weighted[],
  question: string,
  w: RerankWeights,
  /** Fill every feature of the best RERANKED (for `rerank` and training). */
  withFeatures = false,
): Candidate[] {
  const kind = answerKind(question);
  const kindPattern = KIND_PATTERN[kind];
  const maxScore = hits[0]!.score || 1;
  const maxBm25 = Math.max(1e-9, ...hits.map((h) => h.bm25));
  const bySentence = new Map<string, Candidate>();
  const normQuestion = normalizeText(question);
  const q = questionContext(normQuestion, weights, kindPattern);
  for (const [hitRank, hit] of hits.entries()) {
    const sentences = articleSentences(hit.article);
    const named = titleNamed(hit.article, normQuestion) ? w.titleNamed : 0;
    const passageCoverage = coverage(weights, `${normalized.title(hit.article)}\n${normalized.chunk(hit.chunk)}`);
    const first = sentenceAt(sentences, hit.chunk.start);
    const last = sentenceAt(sentences, Math.max(hit.chunk.start, hit.chunk.end - 1));
    const passage = passageSentences(hit, sentences);
    for (let s = first; s <= last; s++) {
      const text = hit.article.body.slice(sentences[s]!.start, sentences[s]!.end);
      const normText = passage.norm(s);
      const plainCoverage = coverage(weights, normText);
      let sentenceScore = plainCoverage;
      const kindMatch = kindPattern ? kindPattern.test(text) : true;
      if (kindPattern && kindMatch) sentenceScore += w.kindBonus;
      let score = w.retrieval * (hit.score / maxScore) + w.passage * passageCoverage + w.sentence * sentenceScore + named;
      // A sentence without any date cannot answer "when".
      if (!kindMatch && kind === "time") score *= w.kindMissFactor;
      if (hit.article.kind === "note") score *= w.noteFactor;
      const key = `${hit.article.id}:${s}`;
      const prev = bySentence.get(key);
      if (prev && prev.score >= score) continue;
      const facts = {
        hit,
        hitRank,
        sentence: s,
        text,
        normText,
        passage,
        kind,
        kindMatch: kindPattern === null ? null : kindMatch,
        handScore: score,
        retrieval: hit.score / maxScore,
        bm25Share: hit.bm25 / maxBm25,
        passageCoverage,
        sentenceCoverage: plainCoverage,
        titleNamed: named > 0,
      };
      bySentence.set(key, new SentenceCandidate(q, facts, sentenceScore, score));
    }
  }
  const byHand = [...bySentence.values()].sort((a, b) => b.score - a.score || a.hit.doc - b.hit.doc || a.sentence - b.sentence);
  if (!withFeatures) return byHand;
  for (const [i, c] of byHand.slice(0, RERANKED).entries()) {
    c.features.handRank = 1 / (1 + i);
    c.enrich();
  }
  return byHand;
}
