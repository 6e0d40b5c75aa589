/**
 * Exact top-k BM25 by MaxScore (Turtle & Flood 1995), for long posting lists: documents in order
 * across the lists, the weakest lists only looked up once the k-th score passes their best.
 */
import type { Bm25Hit } from "./bm25-index.js";
import type { PostingsList } from "./bm25-scoring.js";

/** Slack on score bounds: a bound summed in another order than the score may differ in its last bits. */
const BOUND_SLACK = 1 + 1e-9;

/** The k best documents seen so far: a min-heap with the worst (lowest score, then later document) at the root. */
export class TopK {
  readonly docs: Int32Array;
  readonly scores: Float64Array;
  size = 0;
  constructor(readonly k: number) {
    this.docs = new Int32Array(k);
    this.scores = new Float64Array(k);
  }
  /** Score a later document must beat to enter (a tie goes to the earlier document). */
  get threshold(): number {
    return this.size < this.k ? -1 : this.scores[0]!;
  }
  private worse(a: number, b: number): boolean {
    const { scores, docs } = this;
    return scores[a]! < scores[b]! || (scores[a] === scores[b] && docs[a]! > docs[b]!);
  }
  private swap(a: number, b: number): void {
    const { scores, docs } = this;
    const score = scores[a]!;
    const doc = docs[a]!;
    scores[a] = scores[b]!;
    docs[a] = docs[b]!;
    scores[b] = score;
    docs[b] = doc;
  }
  offer(doc: number, score: number): void {
    if (this.size < this.k) {
      let j = this.size++;
      this.docs[j] = doc;
      this.scores[j] = score;
      for (let up = (j - 1) >> 1; j > 0 && this.worse(j, up); j = up, up = (j - 1) >> 1) this.swap(j, up);
      return;
    }
    if (score < this.scores[0]! || (score === this.scores[0] && doc > this.docs[0]!)) return;
    this.docs[0] = doc;
    this.scores[0] = score;
    for (let j = 0; ; ) {
      const [a, b] = [2 * j + 1, 2 * j + 2];
      let w = j;
      if (a < this.size && this.worse(a, w)) w = a;
      if (b < this.size && this.worse(b, w)) w = b;
      if (w === j) break;
      this.swap(j, w);
      j = w;
    }
  }
  sorted(): Bm25Hit[] {
    return Array.from({ length: this.size }, (_, j) => ({ doc: this.docs[j]!, score: this.scores[j]! })).sort(
      (a, b) => b.score - a.score || a.doc - b.doc,
    );
  }
}

/** Moves a list's cursor to its first document ≥ doc (galloping: the documents come in order); is it doc? */
function seek(docs: Int32Array, pos: Int32Array, i: number, doc: number): boolean {
  let p = pos[i]!;
  if (p >= docs.length || docs[p]! >= doc) return docs[p] === doc;
  let step = 1;
  let hi = p + 1;
  while (hi < docs.length && docs[hi]! < doc) {
    p = hi;
    step <<= 1;
    hi = p + step;
  }
  let lo = p + 1;
  hi = Math.min(hi, docs.length);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid]! < doc) lo = mid + 1;
    else hi = mid;
  }
  pos[i] = lo;
  return docs[lo] === doc;
}

/**
 * BM25's top k over the postings of a question's terms, given rarest first (`createPostingsSearch`
 * says which lists find documents and which are only looked up), document at a time with MaxScore
 * pruning (Turtle & Flood 1995): lists are ordered by their best possible contribution (idf ×
 * largest impact); once the k-th best score beats the sum of the weakest lists' bests, those lists
 * stop proposing documents and are only looked up (galloping) for documents the others propose,
 * and a document is dropped as soon as its bound falls below the k-th score. Exact: the same
 * documents, scores (summed rarest term first) and order as adding up every posting.
 */
export function maxScoreSearch(lists: PostingsList[], k: number, commonDf: number): Bm25Hit[] {
  if (lists.length === 0 || k <= 0) return [];
  return new MaxScore(lists, k, commonDf).run();
}

class MaxScore {
  private readonly top: TopK;
  /** idf × largest impact of each list: the most it adds to any document. */
  private readonly best: number[];
  /** Lists that propose documents, weakest first; from `essential` on they still do. */
  private readonly finders: number[];
  /** Common lists (not the rarest): looked up for proposed documents only. */
  private readonly lookups: number[];
  /** below[j]: the most the finders before j and all lookup lists can add together. */
  private readonly below: Float64Array;
  private readonly pos: Int32Array;
  /** The current document's score from each list (0 when absent). */
  private readonly part: Float64Array;
  private essential = 0;

  constructor(
    private readonly lists: PostingsList[],
    k: number,
    commonDf: number,
  ) {
    this.top = new TopK(k);
    this.best = lists.map((l) => l.idf * l.maxImpact);
    const all = lists.map((_, i) => i);
    this.finders = all.filter((i) => i === 0 || lists[i]!.docs.length <= commonDf).sort((a, b) => this.best[a]! - this.best[b]!);
    this.lookups = all.filter((i) => i > 0 && lists[i]!.docs.length > commonDf);
    this.below = new Float64Array(this.finders.length + 1);
    this.below[0] = this.lookups.reduce((s, i) => s + this.best[i]!, 0);
    for (const [j, i] of this.finders.entries()) this.below[j + 1] = this.below[j]! + this.best[i]!;
    this.pos = new Int32Array(lists.length);
    this.part = new Float64Array(lists.length);
  }

  run(): Bm25Hit[] {
    const { finders, lists, pos, part, below } = this;
    for (;;) {
      let doc = 0x7fffffff;
      for (let j = this.essential; j < finders.length; j++) {
        const d = lists[finders[j]!]!.docs[pos[finders[j]!]!];
        if (d !== undefined && d < doc) doc = d;
      }
      if (doc === 0x7fffffff) break;
      part.fill(0);
      let score = 0;
      for (let j = this.essential; j < finders.length; j++) {
        const i = finders[j]!;
        const l = lists[i]!;
        if (l.docs[pos[i]!] !== doc) continue;
        score += part[i] = l.idf * l.impacts[pos[i]!]!;
        pos[i]!++;
      }
      if (!this.addLookups(doc, score)) continue;
      let sum = 0; // in the order every backend sums: rarest term first
      for (let i = 0; i < lists.length; i++) sum += part[i]!;
      this.top.offer(doc, sum);
      const threshold = this.top.threshold;
      while (this.essential < finders.length && below[this.essential + 1]! * BOUND_SLACK < threshold) this.essential++;
    }
    return this.top.sorted();
  }

  /**
   * Adds the lists that no longer propose to a proposed document, strongest first, stopping as
   * soon as what is left could not lift it over the k-th score (false: it cannot enter the top k).
   */
  private addLookups(doc: number, found: number): boolean {
    const { finders, lists, pos, part, below, best } = this;
    const threshold = this.top.threshold;
    let score = found;
    for (let j = this.essential - 1; j >= 0; j--) {
      if ((score + below[j + 1]!) * BOUND_SLACK < threshold) return false;
      const i = finders[j]!;
      if (seek(lists[i]!.docs, pos, i, doc)) score += part[i] = lists[i]!.idf * lists[i]!.impacts[pos[i]!]!;
    }
    let rest = below[0]!;
    for (const i of this.lookups) {
      if ((score + rest) * BOUND_SLACK < threshold) return false;
      rest -= best[i]!;
      if (seek(lists[i]!.docs, pos, i, doc)) score += part[i] = lists[i]!.idf * lists[i]!.impacts[pos[i]!]!;
    }
    return true;
  }
}
