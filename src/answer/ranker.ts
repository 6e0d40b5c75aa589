/**
 * The learned answer-sentence ranker: a logistic model over model-free features of a candidate
 * sentence (retrieval score, per-field coverage, answer-type match, position, proximity of the
 * question's terms, neighbours' coverage, …). `npm run train` fits it on public data with k-fold
 * cross-validation and writes `models/sentence-ranker.json`; inference is a dot product.
 */
import { readFileSync } from "node:fs";

/** The features, in model order. Keep in step with `featureVector` and retrain after a change. */
export const FEATURE_NAMES = [
  "handScore",
  "retrieval",
  "bm25Share",
  "passageCoverage",
  "sentenceCoverage",
  "prevCoverage",
  "nextCoverage",
  "kindMatch",
  "kindMatchNumber",
  "kindMatchTime",
  "kindMatchPerson",
  "kindMatchPlace",
  "kindMissTime",
  "titleNamed",
  "note",
  "firstSentence",
  "position",
  "length",
  "proximity",
  "density",
  "handRank",
  "hitRank",
  "kindOther",
  "quote",
  "definition",
  "bigramCover",
  "nextBigramCover",
  "prevBigramCover",
  "longestCommon",
  "slotBoth",
  "slotOne",
  "windowBigramCover",
  "nextKindMatch",
  "nextSlot",
  "whyCause",
  "listEnumeration",
  "howMeans",
  "whichNamed",
  "insideWord",
  "offTitleCoverage",
  "offTitleWindow",
  "figureAfterTerm",
  "slotFigure",
  "rarestInPassage",
  "unitMatch",
  "clauseGroupCoverage",
  "listItems",
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
export type Features = Record<FeatureName, number>;

export interface RankerModel {
  features: readonly string[];
  mean: number[];
  std: number[];
  weights: number[];
  bias: number;
}

/** Interrogatives: where a question's answer slot is. */
const WH = /谁|什么|哪|多少|几|何时|何地|为何|如何|怎么|怎样|为什么|是否/u;
const BIGRAM_SKIP = /[？?！!。，,、\s的了吗呢么]/u;

/** The question's character bigrams (no punctuation, particles or interrogatives), once per question. */
export function questionBigrams(normQuestion: string): Set<string> {
  const chars = Array.from(normQuestion.replace(new RegExp(WH.source, "gu"), " "));
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++)
    if (!BIGRAM_SKIP.test(chars[i]!) && !BIGRAM_SKIP.test(chars[i + 1]!)) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

/** Share of the question's bigrams found in `norm`. */
export function bigramCover(bigrams: Set<string>, norm: string): number {
  if (!bigrams.size) return 0;
  let found = 0;
  for (const b of bigrams) if (norm.includes(b)) found++;
  return found / bigrams.size;
}

/** Longest stretch of the question (in characters) found verbatim in `norm`, over the question's length. */
export function longestCommon(normQuestion: string, norm: string): number {
  // offsets of the question's characters (code points), so a stretch is one substring
  const at: number[] = [];
  for (let i = 0; i < normQuestion.length; i += normQuestion.codePointAt(i)! > 0xffff ? 2 : 1) at.push(i);
  const n = at.length;
  at.push(normQuestion.length);
  const stretch = (i: number, len: number) => normQuestion.slice(at[i], at[i + len]);
  let best = 0;
  for (let i = 0; i < n; i++) {
    let len = best + 1;
    while (i + len <= n && norm.includes(stretch(i, len))) len++;
    if (len - 1 > best && norm.includes(stretch(i, len - 1))) best = len - 1;
  }
  return n ? best / n : 0;
}

/** The words around the question's answer slot (`该漫画是由谁创作的` → `是由`, `创作`), when it has one. */
export function answerSlot(normQuestion: string): { left: string; right: string } | undefined {
  const m = WH.exec(normQuestion);
  if (!m) return undefined;
  const left = normQuestion.slice(0, m.index).replace(/[的是为在有]+$/u, "");
  const right = normQuestion
    .slice(m.index + m[0].length)
    .replace(/^[的是个位种些样]+/u, "")
    .replace(/[？?。！!的呢吗]+$/u, "");
  return { left: Array.from(left).slice(-2).join(""), right: Array.from(right).slice(0, 2).join("") };
}

/** 1 when the sentence has the slot's left and right words with up to 30 characters between, in order. */
export function slotMatch(slot: { left: string; right: string } | undefined, norm: string): { both: number; one: number } {
  if (!slot) return { both: 0, one: 0 };
  const { left, right } = slot;
  const li = left.length >= 2 ? norm.indexOf(left) : -1;
  const ri = right.length >= 2 ? norm.indexOf(right, li < 0 ? 0 : li + left.length) : -1;
  if (li >= 0 && ri >= 0 && ri - (li + left.length) <= 30) return { both: 1, one: 0 };
  return { both: 0, one: li >= 0 || (right.length >= 2 && norm.includes(right)) ? 1 : 0 };
}

export const featureVector = (f: Features): number[] => FEATURE_NAMES.map((n) => f[n]);

/** The model's log-odds that the sentence holds the answer. */
export function scoreWith(m: RankerModel, x: number[]): number {
  let z = m.bias;
  for (let i = 0; i < x.length; i++) z += m.weights[i]! * ((x[i]! - m.mean[i]!) / (m.std[i]! || 1));
  return z;
}

/** The committed model, or undefined when it was trained on other features (then the hand score ranks). */
export const committedRanker = (): RankerModel | undefined => {
  let m: RankerModel;
  try {
    m = JSON.parse(readFileSync(new URL("./models/sentence-ranker.json", import.meta.url), "utf8")) as RankerModel;
  } catch {
    return undefined;
  }
  return m.features.length === FEATURE_NAMES.length && m.features.every((n, i) => n === FEATURE_NAMES[i]) ? m : undefined;
};

/**
 * Fits the model listwise (a conditional logit: softmax over one question's candidates, the
 * likelihood of the ones holding the answer), L2-regularised, full-batch gradient descent on
 * standardised features: small, deterministic and dependency-free (see DESIGN.md). It learns
 * which candidate wins within a question, which is what the answer line needs.
 */
export function fitListwise(
  questions: Array<Array<{ x: number[]; y: number }>>,
  options: { l2?: number; epochs?: number; rate?: number } = {},
): RankerModel {
  const { l2 = 1e-3, epochs = 300, rate = 1 } = options;
  const rows = questions.flat();
  const d = rows[0]!.x.length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r.x[j]!, 0) / rows.length);
  const std = Array.from({ length: d }, (_, j) => Math.sqrt(rows.reduce((s, r) => s + (r.x[j]! - mean[j]!) ** 2, 0) / rows.length) || 1);
  const qs = questions.map((q) => q.map((r) => ({ x: r.x.map((v, j) => (v - mean[j]!) / std[j]!), y: r.y })));
  const weights = new Array<number>(d).fill(0);
  for (let e = 0; e < epochs; e++) {
    const grad = new Array<number>(d).fill(0);
    for (const q of qs) {
      const z = q.map((r) => r.x.reduce((s, v, j) => s + v * weights[j]!, 0));
      const top = Math.max(...z);
      const ez = z.map((v) => Math.exp(v - top));
      const all = ez.reduce((a, b) => a + b, 0);
      const pos = ez.reduce((a, v, i) => a + (q[i]!.y ? v : 0), 0);
      for (let i = 0; i < q.length; i++) {
        const g = ez[i]! / all - (q[i]!.y ? ez[i]! / pos : 0);
        for (let j = 0; j < d; j++) grad[j]! += (g * q[i]!.x[j]!) / qs.length;
      }
    }
    for (let j = 0; j < d; j++) weights[j]! -= rate * (grad[j]! + l2 * weights[j]!);
  }
  return { features: [...FEATURE_NAMES], mean, std, weights, bias: 0 };
}
