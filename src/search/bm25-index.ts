/**
 * BM25F keyword index over two fields (body, title) of jieba tokens. Written here rather than
 * taken from a library because the field-weighted variant with question-word stripping is what
 * measured best on the public sets (see README, "Quality"); the peers are compared in `npm run bench`.
 */
import { tokenize } from "./text-normalize.js";

export interface Bm25Params {
  k1: number;
  b: number;
  /** Weight of a title occurrence relative to a body occurrence. */
  titleWeight: number;
}

export const DEFAULT_BM25: Bm25Params = { k1: 0.8, b: 0.75, titleWeight: 2 };

export interface Bm25Doc {
  body: string;
  title: string;
}

export interface Bm25Hit {
  doc: number;
  score: number;
}

interface Postings {
  /** Flat triples: doc, body tf, title tf. */
  data: number[];
}

export interface SerializedBm25 {
  params: Bm25Params;
  terms: string[];
  postings: number[][];
  bodyLen: number[];
  titleLen: number[];
}

export class Bm25Index {
  private readonly termIds = new Map<string, number>();
  private constructor(
    readonly params: Bm25Params,
    private readonly terms: string[],
    private readonly postings: Postings[],
    private readonly bodyLen: Float64Array,
    private readonly titleLen: Float64Array,
  ) {
    terms.forEach((t, i) => this.termIds.set(t, i));
    this.avgBody = mean(bodyLen);
    this.avgTitle = mean(titleLen);
  }

  private readonly avgBody: number;
  private readonly avgTitle: number;

  get size(): number {
    return this.bodyLen.length;
  }

  static build(docs: Bm25Doc[], params: Bm25Params = DEFAULT_BM25): Bm25Index {
    const termIds = new Map<string, number>();
    const terms: string[] = [];
    const postings: Postings[] = [];
    const bodyLen = new Float64Array(docs.length);
    const titleLen = new Float64Array(docs.length);
    const titleCache = new Map<string, string[]>();
    docs.forEach((doc, d) => {
      const counts = new Map<string, [number, number]>();
      const body = tokenize(doc.body);
      let title = titleCache.get(doc.title);
      if (!title) titleCache.set(doc.title, (title = doc.title ? tokenize(doc.title) : []));
      bodyLen[d] = body.length;
      titleLen[d] = title.length;
      for (const t of body) (counts.get(t) ?? counts.set(t, [0, 0]).get(t)!)[0]++;
      for (const t of title) (counts.get(t) ?? counts.set(t, [0, 0]).get(t)!)[1]++;
      for (const [t, [tf, ttf]] of counts) {
        let id = termIds.get(t);
        if (id === undefined) {
          id = terms.length;
          termIds.set(t, id);
          terms.push(t);
          postings.push({ data: [] });
        }
        postings[id]!.data.push(d, tf, ttf);
      }
    });
    return new Bm25Index(params, terms, postings, bodyLen, titleLen);
  }

  /** Number of documents containing the term (0 when unknown). */
  docFreq(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.postings[id]!.data.length / 3;
  }

  idf(term: string): number {
    const n = this.size;
    const df = this.docFreq(term);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Top-k documents for already-extracted query terms. */
  search(terms: string[], k: number): Bm25Hit[] {
    const { k1, b, titleWeight } = this.params;
    const scores = new Map<number, number>();
    for (const term of new Set(terms)) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      const idf = this.idf(term);
      const data = this.postings[id]!.data;
      for (let i = 0; i < data.length; i += 3) {
        const d = data[i]!;
        const tfBody = data[i + 1]! / (1 - b + (b * this.bodyLen[d]!) / (this.avgBody || 1));
        const tfTitle = data[i + 2]! / (1 - b + (b * this.titleLen[d]!) / (this.avgTitle || 1));
        const tf = tfBody + titleWeight * tfTitle;
        scores.set(d, (scores.get(d) ?? 0) + (idf * tf * (k1 + 1)) / (k1 + tf));
      }
    }
    return topK(scores, k);
  }

  toJSON(): SerializedBm25 {
    return {
      params: this.params,
      terms: this.terms,
      postings: this.postings.map((p) => p.data),
      bodyLen: Array.from(this.bodyLen),
      titleLen: Array.from(this.titleLen),
    };
  }

  static fromJSON(s: SerializedBm25): Bm25Index {
    return new Bm25Index(s.params, s.terms, s.postings.map((data) => ({ data })), Float64Array.from(s.bodyLen), Float64Array.from(s.titleLen));
  }
}

function mean(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length ? s / xs.length : 0;
}

export function topK(scores: Map<number, number>, k: number): Bm25Hit[] {
  const hits: Bm25Hit[] = [];
  for (const [doc, score] of scores) hits.push({ doc, score });
  hits.sort((a, b) => b.score - a.score || a.doc - b.doc);
  return hits.slice(0, k);
}
