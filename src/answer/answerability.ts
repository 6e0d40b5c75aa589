/**
 * Answerability: a calibrated logistic model over model-free evidence that the archive holds the
 * answer (how much of the question the best passage and sentence cover, what is left once the
 * headline's words are set aside, how sure the sentence ranker is, how much of the question the
 * index has never seen). `npm run train` fits it on abstention sets it builds by leaving CMRC
 * passages out (seeds other than the evaluation's 2020) and on the seed questions, and picks the
 * threshold; the archive abstains below it.
 */
import { readFileSync } from "node:fs";
import type { TermStatistics } from "../search/index.js";
import type { RankerModel } from "./ranker.js";
import { featureVector, scoreWith } from "./ranker.js";
import type { Candidate, Weighted } from "./scoring.js";

export const ANSWERABILITY_FEATURES = [
  "bestPassageCoverage",
  "bestSentenceCoverage",
  "offTitleCoverage",
  "offTitleWindow",
  "bigramCover",
  "windowBigramCover",
  "longestCommon",
  "rankerTop",
  "rankerMargin",
  "unknownShare",
  "titleNamed",
  "retrievalTop",
  "terms",
] as const;

export interface AnswerabilityModel {
  features: readonly string[];
  mean: number[];
  std: number[];
  weights: number[];
  bias: number;
  /** Abstain when the probability of an answer is below this. */
  threshold: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The evidence, in model order. `ranked` is the candidates in the ranker's order (or the hand order). */
export function answerabilityFeatures(
  candidates: Candidate[],
  ranked: Candidate[],
  weights: Weighted[],
  stats: TermStatistics,
  ranker: RankerModel | undefined,
): number[] {
  const best = ranked[0]!;
  const f = best.features;
  const score = (c: Candidate | undefined) => (c && ranker ? scoreWith(ranker, featureVector(c.features)) : 0);
  const total = weights.reduce((s, w) => s + w.weight, 0) || 1;
  const unknown = weights.filter((w) => stats.docFreq(w.term) === 0).reduce((s, w) => s + w.weight, 0);
  const values: Record<(typeof ANSWERABILITY_FEATURES)[number], number> = {
    bestPassageCoverage: Math.max(...candidates.slice(0, 10).map((c) => c.passageCoverage)),
    bestSentenceCoverage: f.sentenceCoverage,
    offTitleCoverage: f.offTitleCoverage,
    offTitleWindow: f.offTitleWindow,
    bigramCover: f.bigramCover,
    windowBigramCover: f.windowBigramCover,
    longestCommon: f.longestCommon,
    rankerTop: score(best),
    rankerMargin: score(best) - score(ranked[1]),
    unknownShare: unknown / total,
    titleNamed: f.titleNamed,
    retrievalTop: candidates[0]!.hit.score,
    terms: Math.log1p(weights.length),
  };
  return ANSWERABILITY_FEATURES.map((n) => values[n]);
}

/** The probability that the archive answers, by `model`. */
export function answerableProbability(model: AnswerabilityModel, x: number[]): number {
  let z = model.bias;
  for (let i = 0; i < x.length; i++) z += model.weights[i]! * ((x[i]! - model.mean[i]!) / (model.std[i]! || 1));
  return sigmoid(z);
}

/** The committed model, or undefined when absent or trained on other features. */
export function committedAnswerability(): AnswerabilityModel | undefined {
  try {
    const m = JSON.parse(readFileSync(new URL("./models/answerability.json", import.meta.url), "utf8")) as AnswerabilityModel;
    return m.features.length === ANSWERABILITY_FEATURES.length && m.features.every((n, i) => n === ANSWERABILITY_FEATURES[i])
      ? m
      : undefined;
  } catch {
    return undefined;
  }
}

/** Fits a logistic model (L2, gradient descent on standardised features, classes weighted equally). */
export function fitAnswerability(
  rows: Array<{ x: number[]; y: number }>,
  options: { l2?: number; epochs?: number; rate?: number } = {},
): Omit<AnswerabilityModel, "threshold"> {
  const { l2 = 1e-3, epochs = 500, rate = 0.5 } = options;
  const d = rows[0]!.x.length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r.x[j]!, 0) / rows.length);
  const std = Array.from({ length: d }, (_, j) => Math.sqrt(rows.reduce((s, r) => s + (r.x[j]! - mean[j]!) ** 2, 0) / rows.length) || 1);
  const xs = rows.map((r) => r.x.map((v, j) => (v - mean[j]!) / std[j]!));
  const pos = rows.filter((r) => r.y).length;
  const wOf = (y: number) => (y ? rows.length / (2 * Math.max(1, pos)) : rows.length / (2 * Math.max(1, rows.length - pos)));
  const weights = new Array<number>(d).fill(0);
  let bias = 0;
  for (let e = 0; e < epochs; e++) {
    const grad = new Array<number>(d).fill(0);
    let gb = 0;
    for (let i = 0; i < rows.length; i++) {
      const z = xs[i]!.reduce((s, v, j) => s + v * weights[j]!, bias);
      const g = ((sigmoid(z) - rows[i]!.y) * wOf(rows[i]!.y)) / rows.length;
      for (let j = 0; j < d; j++) grad[j]! += g * xs[i]![j]!;
      gb += g;
    }
    for (let j = 0; j < d; j++) weights[j]! -= rate * (grad[j]! + l2 * weights[j]!);
    bias -= rate * gb;
  }
  return { features: [...ANSWERABILITY_FEATURES], mean, std, weights, bias };
}
