/**
 * The features the learned ranker sees for a candidate sentence (see ranker.ts for their names):
 * cheap ones for every sentence, the costlier ones (`enrich`) only for those the model re-orders.
 */
import type { ScoredChunk } from "../search/index.js";
import { askedUnit, figureAfterTerm, quantityIn } from "./answer-patterns.js";
import {
  answerSlot,
  bigramCover,
  FEATURE_NAMES,
  type Features,
  featureVector,
  longestCommon,
  questionBigrams,
  type RankerModel,
  scoreWith,
  slotMatch,
} from "./ranker.js";
import { normalized } from "./normalized-text.js";
import { boundariesOf, type Candidate, coverage, escapeRegExp, RERANKED, type Weighted } from "./scoring.js";

/** What is computed once per question. */
export interface QuestionContext {
  normQuestion: string;
  weights: Weighted[];
  terms: string[];
  /** The unit a "how many" question asks in. */
  unit: string | undefined;
  bigrams: Set<string>;
  slot: ReturnType<typeof answerSlot>;
  /** A definition sentence: a question term followed by 是/为/指 (`X是…`). */
  definition: RegExp | null;
  /** What an answer of the asked kind looks like (a number, a date…), when the kind has a pattern. */
  kindPattern: RegExp | null;
}

export function questionContext(normQuestion: string, weights: Weighted[], kindPattern: RegExp | null): QuestionContext {
  return {
    terms: weights.map((w) => w.term),
    unit: askedUnit(normQuestion),
    kindPattern,
    normQuestion,
    weights,
    bigrams: questionBigrams(normQuestion),
    slot: answerSlot(normQuestion),
    definition: weights.length ? new RegExp(`(?:${weights.map((w) => escapeRegExp(w.term)).join("|")})(?:是|为|指|即)`, "u") : null,
  };
}

/**
 * Question-word classes against what answers of that class look like: why → a cause (因为, 由于,
 * 因此…), which ones → an enumeration (、), how → a means (通过, 采用…), which/what name → a quoted
 * or bracketed name.
 */
function questionClassFeatures(q: string, window: string) {
  const has = (re: RegExp) => (re.test(window) ? 1 : 0);
  return {
    whyCause: /为什么|为何|原因|何故/u.test(q) ? has(/因为|由于|因此|所以|原因|导致|为了|因而/u) : 0,
    listEnumeration: /哪些|有什么|包括|几种|哪几/u.test(q) ? has(/、|包括|分别|以及|等/u) : 0,
    howMeans: /怎么|怎样|如何|方法|方式/u.test(q) ? has(/通过|采用|利用|使用|用|经过|方法|方式/u) : 0,
    whichNamed: /叫什么|名字|名称|称为|别称|简称|原名/u.test(q) ? has(/[「『《“"（(]|称为|简称|原名|又称|别称|俗名|名为/u) : 0,
  };
}

/**
 * Share of the question's term weight that the sentence holds only strictly inside a longer word
 * of its own (出口 in 进出口): jieba often splits question and page differently, so this is a
 * feature the model weighs, not a rule.
 */
export function insideWordShare(weights: Weighted[], norm: string): number {
  let total = 0;
  let inside = 0;
  for (const { term, weight } of weights) {
    total += weight;
    const at = occurrences(term, norm);
    if (at.length && at.every((i) => strictlyInsideWord(i, i + term.length, norm))) inside += weight;
  }
  return total ? inside / total : 0;
}

/** Offsets where `term` occurs in `text`. */
export function occurrences(term: string, text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(term); i >= 0; i = text.indexOf(term, i + 1)) out.push(i);
  return out;
}

/** Whether [start, end) of `norm` lies strictly inside one of its jieba words (no boundary at or within it). */
export function strictlyInsideWord(start: number, end: number, norm: string): boolean {
  const bounds = boundariesOf(norm);
  if (bounds.has(start) && bounds.has(end)) return false;
  for (let b = start + 1; b < end; b++) if (bounds.has(b)) return false;
  return true;
}

const offTitleCache = new WeakMap<QuestionContext, Map<string, Weighted[]>>();

/** The question's terms its article's headline does not hold. */
function offTitleWeights(q: QuestionContext, article: ScoredChunk["article"]): Weighted[] {
  let byArticle = offTitleCache.get(q);
  if (!byArticle) offTitleCache.set(q, (byArticle = new Map()));
  let w = byArticle.get(article.id);
  if (!w) {
    const title = normalized.headlineAndKicker(article);
    byArticle.set(article.id, (w = q.weights.filter((t) => !title.includes(t.term))));
  }
  return w;
}

/** Whether the question's heaviest term is in the hit's headline or passage. */
function rarestIn(q: QuestionContext, hit: ScoredChunk): boolean {
  const rarest = q.weights.reduce<Weighted | undefined>((a, w) => (!a || w.weight > a.weight ? w : a), undefined);
  if (!rarest) return false;
  return normalized.headlineAndPassage(hit.chunk, hit.article).includes(rarest.term);
}

/** Characters between the first and last question term found in `norm`, over its length (1 when under two terms). */
function proximity(weights: Weighted[], norm: string): number {
  const at = weights.map((w) => norm.indexOf(w.term)).filter((i) => i >= 0);
  if (at.length < 2) return 1;
  return (Math.max(...at) - Math.min(...at)) / Math.max(1, norm.length);
}

/** A retrieved passage's sentences, normalised on demand (one per hit, shared by its candidates). */
export interface PassageSentences {
  /** The normalised sentence at index s of the article ("" past either end). */
  norm(s: number): string;
  /** The normalised sentence s with the clauses joined to it by ；. */
  clauseGroup(s: number): string;
}

export interface CandidateFacts {
  hit: ScoredChunk;
  hitRank: number;
  sentence: number;
  text: string;
  normText: string;
  passage: PassageSentences;
  kind: "number" | "time" | "place" | "person" | "other";
  /** Whether the sentence holds the kind of answer asked for (null when the kind has no pattern). */
  kindMatch: boolean | null;
  handScore: number;
  retrieval: number;
  bm25Share: number;
  passageCoverage: number;
  sentenceCoverage: number;
  titleNamed: boolean;
}

/** Every feature at 0: the costlier ones stay so until `enrich`. */
const ZERO_FEATURES = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0])) as Features;

/** The cheap features, from what the hand score already computed. */
function baseFeatures(q: QuestionContext, c: CandidateFacts): Features {
  const matched = c.kindMatch ? 1 : 0;
  return {
    ...ZERO_FEATURES,
    handScore: c.handScore,
    retrieval: c.retrieval,
    bm25Share: c.bm25Share,
    passageCoverage: c.passageCoverage,
    sentenceCoverage: c.sentenceCoverage,
    kindMatch: matched,
    kindMatchNumber: c.kind === "number" ? matched : 0,
    kindMatchTime: c.kind === "time" ? matched : 0,
    kindMatchPerson: c.kind === "person" ? matched : 0,
    kindMatchPlace: c.kind === "place" ? matched : 0,
    kindMissTime: c.kind === "time" && c.kindMatch === false ? 1 : 0,
    titleNamed: c.titleNamed ? 1 : 0,
    note: c.hit.article.kind === "note" ? 1 : 0,
    firstSentence: c.sentence === 0 ? 1 : 0,
    position: Math.log1p(c.sentence),
    length: Math.log1p(c.normText.length),
    density: (c.sentenceCoverage * q.weights.length) / Math.max(1, c.normText.length / 10),
    hitRank: 1 / (1 + c.hitRank),
    kindOther: c.kind === "other" ? 1 : 0,
    quote: /[「『《“]/.test(c.text) ? 1 : 0,
  };
}

/** The costlier features: the neighbours, bigrams, the question's slot and classes, the headline. */
function enrichFeatures(q: QuestionContext, c: CandidateFacts, features: Features): void {
  const [prev, next] = [c.passage.norm(c.sentence - 1), c.passage.norm(c.sentence + 1)];
  const slot = slotMatch(q.slot, c.normText);
  const group = c.passage.clauseGroup(c.sentence);
  // set one by one, not copied from an object literal made per candidate
  features.prevCoverage = prev ? coverage(q.weights, prev) : 0;
  features.nextCoverage = next ? coverage(q.weights, next) : 0;
  features.proximity = proximity(q.weights, c.normText);
  features.bigramCover = bigramCover(q.bigrams, c.normText);
  features.nextBigramCover = bigramCover(q.bigrams, next);
  features.prevBigramCover = bigramCover(q.bigrams, prev);
  features.longestCommon = longestCommon(q.normQuestion, c.normText);
  features.definition = q.definition?.test(c.normText) ? 1 : 0;
  features.slotBoth = slot.both;
  features.slotOne = slot.one;
  features.windowBigramCover = bigramCover(q.bigrams, `${prev}${c.normText}${next}`);
  features.nextKindMatch = q.kindPattern && next ? (q.kindPattern.test(next) ? 1 : 0) : 0;
  features.nextSlot = next ? slotMatch(q.slot, next).both : 0;
  Object.assign(features, questionClassFeatures(q.normQuestion, `${c.normText}${next}`));
  features.insideWord = insideWordShare(q.weights, c.normText);
  features.figureAfterTerm = figureAfterTerm(c.normText, q.weights, c.kind);
  features.unitMatch = q.unit && quantityIn(c.normText, q.unit) ? 1 : 0;
  // clauses joined by ；share their subject and time (…1-5月…；其中出口…；进口153.1亿元)
  features.clauseGroupCoverage = coverage(q.weights, group);
  // the asked figure right after the word the interrogative asks about (`进口多少` → `进口153.1亿元`)
  features.slotFigure =
    q.slot && q.slot.left.length >= 2 ? figureAfterTerm(c.normText, [{ term: q.slot.left, weight: 1 }], c.kind, true) : 0;
  // "which ones" asks for a list: how many items the sentence itself enumerates
  features.listItems = /哪些|有哪|包括哪|哪几/u.test(q.normQuestion) ? Math.log1p((c.normText.match(/、/g) ?? []).length) : 0;
  // the question's rarest word is usually its topic (狄尔泰 in 狄尔泰是哪个国家的人): is it in the passage?
  features.rarestInPassage = rarestIn(q, c.hit) ? 1 : 0;
  // every sentence of an article is about its headline: what counts is the rest of the question
  const offTitle = offTitleWeights(q, c.hit.article);
  if (offTitle.length) {
    features.offTitleCoverage = coverage(offTitle, c.normText);
    features.offTitleWindow = coverage(offTitle, `${prev}${c.normText}${next}`);
  }
}

/**
 * A sentence as a candidate answer. Its features are made when first read (most candidates are
 * never re-ranked, and a question has a few hundred), the costlier ones by `enrich`.
 */
export class SentenceCandidate implements Candidate {
  readonly hit: ScoredChunk;
  readonly sentence: number;
  private made: Features | undefined;

  constructor(
    private readonly q: QuestionContext,
    private readonly facts: CandidateFacts,
    readonly sentenceScore: number,
    readonly score: number,
  ) {
    this.hit = facts.hit;
    this.sentence = facts.sentence;
  }

  get passageCoverage(): number {
    return this.facts.passageCoverage;
  }

  get features(): Features {
    if (!this.made) this.made = baseFeatures(this.q, this.facts);
    return this.made;
  }

  enrich(): void {
    enrichFeatures(this.q, this.facts, this.features);
  }
}

/**
 * The hand score's best RERANKED candidates ordered by the learned ranker (features filled by
 * rankSentences with `withFeatures`). Citations keep the hand order (it finds the right article
 * first more often); the answer line takes the model's best.
 */
export function rerank(candidates: Candidate[], ranker: RankerModel): Candidate[] {
  const top = candidates.slice(0, RERANKED);
  const score = new Map(top.map((c) => [c, scoreWith(ranker, featureVector(c.features))]));
  return top.sort((a, b) => score.get(b)! - score.get(a)! || a.hit.doc - b.hit.doc || a.sentence - b.sentence);
}
