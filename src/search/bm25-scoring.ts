/**
 * BM25 scoring shared by the local keyword index and the Postgres backend: the idf, the per-field
 * length norm, a term's score in a document, and the search over a question's postings.
 */
import type { Bm25Hit, Bm25Params } from "./bm25-index.js";
import { topHits } from "./bm25-util.js";

/** Term frequencies are packed as body << 16 | title (each capped at 65535). */
const TF_CAP = 0xffff;

/** Inverse document frequency (BM25's, never negative) of a term in df of n documents. */
export const bm25Idf = (n: number, df: number): number => Math.log(1 + (n - df + 0.5) / (df + 0.5));

/** 1 / (1 - b + b · length / average length), rounded to 32 bits as the local index stores it. */
export const fieldNorm = (b: number, length: number, average: number): number => Math.fround(1 / (1 - b + (b * length) / (average || 1)));

/** A term's score in a document from its field frequencies and the fields' length norms. */
export function bm25TermScore(
  params: Bm25Params,
  tfBody: number,
  tfTitle: number,
  bodyNorm: number,
  titleNorm: number,
  idf: number,
): number {
  const { k1, titleWeight } = params;
  if (params.fieldSum) {
    const tb = tfBody * bodyNorm;
    const tt = tfTitle * titleNorm;
    return idf * (k1 + 1) * (tb / (k1 + tb) + titleWeight * (tt / (k1 + tt)));
  }
  const tf = tfBody * bodyNorm + titleWeight * tfTitle * titleNorm;
  return (idf * tf * (k1 + 1)) / (k1 + tf);
}

/** One term's postings: documents ascending, term frequencies packed body << 16 | title. */
export interface PostingsList {
  idf: number;
  docs: Int32Array;
  tfs: Uint32Array;
}

export interface PostingsScoring {
  params: Bm25Params;
  bodyNorm: Float32Array;
  titleNorm: Float32Array;
  /** Zeroed scores, one per document (left zeroed afterwards). */
  scratch: Float64Array;
  commonDf: number;
}

/**
 * BM25 over the postings of a question's terms, given rarest first (the local index and the
 * Postgres backend both call it): a rare term (or the rarest of all) scores all its postings, a
 * common one only adds to documents already found.
 */
export function searchPostings(s: PostingsScoring, lists: PostingsList[], k: number): Bm25Hit[] {
  const scores = s.scratch;
  const touched: number[] = [];
  const add = (l: PostingsList, i: number) => {
    const d = l.docs[i]!;
    const packed = l.tfs[i]!;
    scores[d]! += bm25TermScore(s.params, packed >>> 16, packed & TF_CAP, s.bodyNorm[d]!, s.titleNorm[d]!, l.idf);
  };
  for (const l of lists) {
    const n = l.docs.length;
    if (n > s.commonDf && touched.length > 0) {
      if (touched.length * Math.log2(n + 1) > n) {
        // many documents touched: one pass over the postings is cheaper than a search each
        for (let i = 0; i < n; i++) if (scores[l.docs[i]!]! > 0) add(l, i);
        continue;
      }
      for (const d of touched) {
        let lo = 0;
        let hi = n - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          const v = l.docs[mid]!;
          if (v === d) {
            add(l, mid);
            break;
          }
          if (v < d) lo = mid + 1;
          else hi = mid - 1;
        }
      }
      continue;
    }
    for (let i = 0; i < n; i++) {
      if (scores[l.docs[i]!] === 0) touched.push(l.docs[i]!);
      add(l, i);
    }
  }
  const hits = topHits(scores, touched, k);
  for (const d of touched) scores[d] = 0;
  return hits;
}
