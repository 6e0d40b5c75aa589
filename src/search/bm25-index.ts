/**
 * BM25 keyword index over two fields (body, title) of jieba tokens, each field saturated on its own
 * and the two summed (the BM25F form, one saturation over both, is kept as an option). Written here rather than
 * taken from a library because the field-weighted variant with question-word stripping is what
 * measured best on the public sets (see README, "Quality"); the peers are compared in `npm run bench`.
 *
 * Postings are stored column-wise in typed arrays (compressed sparse rows: per term a run of
 * document ids and packed term frequencies), which keeps 100k-chunk indexes small and fast.
 */
import { mean } from "./bm25-util.js";
import { Bm25Builder } from "./bm25-builder.js";

export { Bm25Builder } from "./bm25-builder.js";
import { bm25Idf, fieldNorm, type PostingsList, type PostingsScoring, searchPostings } from "./bm25-scoring.js";

export { bm25Idf, bm25TermScore, fieldNorm, type PostingsList, type PostingsScoring, searchPostings } from "./bm25-scoring.js";

export interface Bm25Params {
  k1: number;
  b: number;
  /** Weight of a title occurrence relative to a body occurrence. */
  titleWeight: number;
  /** Score each field with its own saturation and add them (as MiniSearch does) instead of BM25F's one. */
  fieldSum?: boolean;
}

export const DEFAULT_BM25: Bm25Params = { k1: 0.8, b: 0.75, titleWeight: 1, fieldSum: true };

/** The index as typed columns (compressed sparse rows of postings, and field lengths per document). */
export interface Bm25Columns {
  terms: string[];
  offsets: Int32Array;
  postDoc: Int32Array;
  postTf: Uint32Array;
  bodyLen: Float32Array;
  titleLen: Float32Array;
}

export interface Bm25Doc {
  body: string;
  title: string;
}

export interface Bm25Hit {
  doc: number;
  score: number;
}

/** A term in more than this share of documents (and at least COMMON_MIN_DF) counts as common in search. */
export const COMMON_SHARE = 0.05;
export const COMMON_MIN_DF = 2000;

/** The on-disk form: terms as JSON, everything else as one binary file of typed arrays. */
export interface SerializedBm25 {
  params: Bm25Params;
  terms: string[];
  binary: Buffer;
}

export class Bm25Index {
  private readonly termIds = new Map<string, number>();
  private readonly avgBody: number;
  private readonly avgTitle: number;
  /** Scratch score per document, reused by every search (searches are synchronous). */
  private readonly scratch: Float64Array;
  private readonly bodyNorm: Float32Array;
  private readonly titleNorm: Float32Array;

  private constructor(
    readonly params: Bm25Params,
    private readonly terms: string[],
    /** offsets[t] .. offsets[t + 1] index the postings of term t. */
    private readonly offsets: Int32Array,
    private readonly postDoc: Int32Array,
    private readonly postTf: Uint32Array,
    private readonly bodyLen: Float32Array,
    private readonly titleLen: Float32Array,
  ) {
    for (const [i, t] of terms.entries()) this.termIds.set(t, i);
    this.avgBody = mean(bodyLen);
    this.avgTitle = mean(titleLen);
    this.scratch = new Float64Array(bodyLen.length);
    const { b } = params;
    this.bodyNorm = bodyLen.map((l) => fieldNorm(b, l, this.avgBody));
    this.titleNorm = titleLen.map((l) => fieldNorm(b, l, this.avgTitle));
  }

  get size(): number {
    return this.bodyLen.length;
  }

  static build(docs: Iterable<Bm25Doc>, params: Bm25Params = DEFAULT_BM25): Bm25Index {
    const builder = new Bm25Builder();
    for (const doc of docs) builder.add(doc.body, doc.title);
    return Bm25Index.fromColumns(builder.finish(), params);
  }

  /** An index over columns already built (Bm25Builder, or read from disk). */
  static fromColumns(c: Bm25Columns, params: Bm25Params): Bm25Index {
    return new Bm25Index(params, c.terms, c.offsets, c.postDoc, c.postTf, c.bodyLen, c.titleLen);
  }

  /** The index's columns, read-only (the Postgres backend stores them as they are). */
  columns(): Bm25Columns {
    const { terms, offsets, postDoc, postTf, bodyLen, titleLen } = this;
    return { terms, offsets, postDoc, postTf, bodyLen, titleLen };
  }

  /** Number of documents containing the term (0 when unknown). */
  docFreq(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.offsets[id + 1]! - this.offsets[id]!;
  }

  idf(term: string): number {
    return bm25Idf(this.size, this.docFreq(term));
  }

  /**
   * Top-k documents for already-extracted query terms. Rare terms are scored over all their
   * postings; a term in more than `commonDf()` documents (in a large index) only adds to documents
   * a rarer term already found — a document with nothing but very common words would not make the
   * top k anyway, and those terms' postings are most of the work at 100k chunks.
   */
  search(terms: string[], k: number): Bm25Hit[] {
    return searchPostings(this.scoring, this.postingsOf(terms), k);
  }

  private postingsOf(terms: string[]): PostingsList[] {
    return [...new Set(terms)]
      .map((t) => this.termIds.get(t))
      .filter((id): id is number => id !== undefined)
      .sort((a, b) => this.df(a) - this.df(b))
      .map((id) => {
        const [from, to] = [this.offsets[id]!, this.offsets[id + 1]!];
        return { idf: this.idf(this.terms[id]!), docs: this.postDoc.subarray(from, to), tfs: this.postTf.subarray(from, to) };
      });
  }

  /** Scratch scores and the length norms, for `searchPostings`. */
  get scoring(): PostingsScoring {
    return { params: this.params, bodyNorm: this.bodyNorm, titleNorm: this.titleNorm, scratch: this.scratch, commonDf: this.commonDf() };
  }

  /** Document frequency above which a term only re-scores documents already found. */
  commonDf(): number {
    return Math.max(COMMON_MIN_DF, this.size * COMMON_SHARE);
  }

  private df(id: number): number {
    return this.offsets[id + 1]! - this.offsets[id]!;
  }

  serialize(): SerializedBm25 {
    const { binary, ...head } = this.serializeParts();
    return { ...head, binary: Buffer.concat(binary) };
  }

  /** The serialized form with the binary part as views of the columns, in order (nothing copied). */
  serializeParts(): Omit<SerializedBm25, "binary"> & { binary: Buffer[] } {
    const parts = [
      Int32Array.of(this.terms.length, this.postDoc.length, this.bodyLen.length),
      this.offsets,
      this.postDoc,
      this.postTf,
      this.bodyLen,
      this.titleLen,
    ];
    return { params: this.params, terms: this.terms, binary: parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)) };
  }

  static deserialize(s: SerializedBm25): Bm25Index {
    const buf = s.binary;
    // typed views need 4-byte alignment: a buffer read from a file usually has it, else copy once
    let ab = buf.buffer as ArrayBuffer;
    let base = buf.byteOffset;
    if (base % 4 !== 0) {
      ab = new ArrayBuffer(buf.byteLength);
      new Uint8Array(ab).set(buf);
      base = 0;
    }
    const head = new Int32Array(ab, base, 3);
    const [nTerms, nPost, nDocs] = [head[0]!, head[1]!, head[2]!];
    let at = base + 12;
    const take = <T>(make: (o: number, len: number) => T, len: number, bytes: number): T => {
      const v = make(at, len);
      at += len * bytes;
      return v;
    };
    const offsets = take((o, l) => new Int32Array(ab, o, l), nTerms + 1, 4);
    const postDoc = take((o, l) => new Int32Array(ab, o, l), nPost, 4);
    const postTf = take((o, l) => new Uint32Array(ab, o, l), nPost, 4);
    const bodyLen = take((o, l) => new Float32Array(ab, o, l), nDocs, 4);
    const titleLen = take((o, l) => new Float32Array(ab, o, l), nDocs, 4);
    return new Bm25Index(s.params, s.terms, offsets, postDoc, postTf, bodyLen, titleLen);
  }
}
