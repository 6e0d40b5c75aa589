/**
 * Sentence scoring for extractive answers: the kind of answer a question asks for, the weight of
 * its terms, how much of that weight a passage or sentence covers (with Chinese abbreviations),
 * and the ranking of every sentence of the retrieved passages.
 */
import type { Article, Chunk } from "../ingest/index.js";
import { chunkTitle, normalizeText, type ScoredChunk, type TermStatistics } from "../search/index.js";
import { articleSentences, sentenceAt } from "./excerpt.js";
import { createLru } from "./lru.js";

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

export function termWeights(stats: TermStatistics, terms: string[]): Weighted[] {
  const maxIdf = Math.log(1 + (stats.documents + 0.5) / 0.5);
  // Terms contained in a longer query term (search-mode sub-words) count once, through the longer one.
  const kept = terms.filter((t) => !terms.some((o) => o !== t && o.length > t.length && o.includes(t) && stats.docFreq(o) > 0));
  return kept.map((term) => ({ term, weight: stats.docFreq(term) > 0 ? stats.idf(term) : maxIdf }));
}

export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Abbreviation patterns by question term: bounded, since the terms come from users. */
export const ABBREVIATION_CACHE_SIZE = 5000;
const abbreviationCache = createLru<string, RegExp>(ABBREVIATION_CACHE_SIZE);
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
    title: (a: Article) => once(a, () => chunkTitle(a)),
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

/**
 * Every sentence of every retrieved passage, scored and sorted best first; a sentence shared by
 * two overlapping chunks keeps its best score.
 */
export function rankSentences(hits: ScoredChunk[], weights: Weighted[], question: string, w: RerankWeights): Candidate[] {
  const kind = answerKind(question);
  const kindPattern = KIND_PATTERN[kind];
  const maxScore = hits[0]!.score || 1;
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
  return [...bySentence.values()].sort((a, b) => b.score - a.score || a.hit.doc - b.hit.doc || a.sentence - b.sentence);
}
