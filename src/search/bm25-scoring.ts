/**
 * BM25 scoring shared by the local keyword index and the Postgres backend: the idf, the per-field
 * length norm, a posting's impact (its term's saturated frequency in the document, before the idf),
 * and the search over a question's postings. Both backends score `idf × impact` with the impact
 * rounded to 32 bits, the local index precomputed and stored, so the two rank identically.
 */
import type { Bm25Hit, Bm25Params } from "./bm25-index.js";
import { maxScoreSearch, TopK } from "./bm25-maxscore.js";

/** Term frequencies are packed as body << 16 | title (each capped at 65535). */
const TF_CAP = 0xffff;

/** Inverse document frequency (BM25's, never negative) of a term in df of n documents. */
export const bm25Idf = (n: number, df: number): number => Math.log(1 + (n - df + 0.5) / (df + 0.5));

/** 1 / (1 - b + b · length / average length), rounded to 32 bits as the local index stores it. */
export const fieldNorm = (b: number, length: number, average: number): number => Math.fround(1 / (1 - b + (b * length) / (average || 1)));

/** A posting's impact: its term's score in the document without the idf, rounded to 32 bits. */
export function termImpact(params: Bm25Params, tfBody: number, tfTitle: number, bodyNorm: number, titleNorm: number): number {
  const { k1, titleWeight } = params;
  if (params.fieldSum) {
    const tb = tfBody * bodyNorm;
    const tt = tfTitle * titleNorm;
    return Math.fround((k1 + 1) * (tb / (k1 + tb) + titleWeight * (tt / (k1 + tt))));
  }
  const tf = tfBody * bodyNorm + titleWeight * tfTitle * titleNorm;
  return Math.fround((tf * (k1 + 1)) / (k1 + tf));
}

/** A term's score in a document from its field frequencies and the fields' length norms. */
export function bm25TermScore(
  params: Bm25Params,
  tfBody: number,
  tfTitle: number,
  bodyNorm: number,
  titleNorm: number,
  idf: number,
): number {
  return idf * termImpact(params, tfBody, tfTitle, bodyNorm, titleNorm);
}

/**
 * The impacts of postings given as packed frequencies, written into `into` (which may be a
 * Float32Array over the frequencies' own buffer: each is read before it is overwritten).
 */
export function impactsOf(
  params: Bm25Params,
  docs: Int32Array,
  tfs: Uint32Array,
  norms: { bodyNorm: Float32Array; titleNorm: Float32Array },
  into = new Float32Array(tfs.length),
): Float32Array {
  const { bodyNorm, titleNorm } = norms;
  for (let i = 0; i < tfs.length; i++) {
    const d = docs[i]!;
    const packed = tfs[i]!;
    into[i] = termImpact(params, packed >>> 16, packed & TF_CAP, bodyNorm[d]!, titleNorm[d]!);
  }
  return into;
}

/** One term's postings: documents ascending, each posting's impact, and the largest impact. */
export interface PostingsList {
  idf: number;
  docs: Int32Array;
  impacts: Float32Array;
  maxImpact: number;
}

/** The largest of a list's impacts. */
export function maxOf(impacts: Float32Array): number {
  let m = 0;
  for (let i = 0; i < impacts.length; i++) if (impacts[i]! > m) m = impacts[i]!;
  return m;
}

/**
 * BM25's top k over the postings of a question's terms, given rarest first (the local index and
 * the Postgres backend both call it). The rarest list and every list of at most `commonDf`
 * documents find documents; a longer one only adds to documents the others found. Both ways are
 * exact and give the same documents, scores (summed rarest term first) and order:
 * - up to MAXSCORE_FROM documents, term at a time into per-document scores (at 100k chunks it is
 *   faster for every size of question measured: 0.09 against 0.14 ms on average for the shortest
 *   lists, 0.65 against 0.83 ms for the longest);
 * - above, MaxScore (bm25-maxscore.ts), which skips most postings of long lists; the scores no
 *   longer fit the processor's cache either (at a million chunks it is faster from 5,000
 *   postings on: 1.4 against 3.0 ms at 40–80k postings, 4.2 against 9.2 ms above 160k).
 */
export interface PostingsSearch {
  search(lists: PostingsList[], k: number, commonDf: number): Bm25Hit[];
}

/** Documents from which MaxScore is used (measured faster at 1M chunks, slower at 100k). */
export const MAXSCORE_FROM = 250_000;

export function createPostingsSearch(documents: number): PostingsSearch {
  if (documents >= MAXSCORE_FROM) return { search: (lists, k, commonDf) => maxScoreSearch(lists, k, commonDf) };
  const scratch = { scores: new Float64Array(documents), bits: new Uint32Array((documents >>> 5) + 1) };
  return { search: (lists, k, commonDf) => (lists.length === 0 || k <= 0 ? [] : termAtATime(scratch, lists, k, commonDf)) };
}

/** Every posting added up into per-document scores (left zeroed afterwards), term by term. */
export function termAtATime(
  scratch: { scores: Float64Array; bits: Uint32Array },
  lists: PostingsList[],
  k: number,
  commonDf: number,
): Bm25Hit[] {
  const { scores, bits } = scratch;
  const touched: number[] = [];
  for (const [i, l] of lists.entries()) {
    const { docs, impacts, idf } = l;
    if (i > 0 && docs.length > commonDf) {
      addToFound(scratch, l, touched);
      continue;
    }
    for (let p = 0; p < docs.length; p++) {
      const d = docs[p]!;
      if (!(bits[d >>> 5]! & (1 << (d & 31)))) {
        touched.push(d);
        bits[d >>> 5]! |= 1 << (d & 31);
      }
      scores[d]! += idf * impacts[p]!;
    }
  }
  const top = new TopK(k);
  for (const d of touched) {
    top.offer(d, scores[d]!);
    scores[d] = 0;
    bits[d >>> 5] = 0;
  }
  return top.sorted();
}

/** A lookup list added to the documents found: one pass with a bit test each, or a search each when they are few. */
function addToFound(scratch: { scores: Float64Array; bits: Uint32Array }, l: PostingsList, touched: number[]): void {
  const { scores, bits } = scratch;
  const { docs, impacts, idf } = l;
  const n = docs.length;
  if (touched.length * Math.log2(n + 1) > n) {
    for (let p = 0; p < n; p++) {
      const d = docs[p]!;
      if (bits[d >>> 5]! & (1 << (d & 31))) scores[d]! += idf * impacts[p]!;
    }
    return;
  }
  for (const d of touched) {
    let [lo, hi] = [0, n - 1];
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = docs[mid]!;
      if (v === d) {
        scores[d]! += idf * impacts[mid]!;
        break;
      }
      if (v < d) lo = mid + 1;
      else hi = mid - 1;
    }
  }
}
