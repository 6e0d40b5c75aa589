/**
 * BM25 keyword index over two fields (body, title) of jieba tokens, each field saturated on its own
 * and the two summed (the BM25F form, one saturation over both, is kept as an option). Written here rather than
 * taken from a library because the field-weighted variant with question-word stripping is what
 * measured best on the public sets (see README, "Quality"); the peers are compared in `npm run bench`.
 *
 * Postings are stored column-wise in typed arrays (compressed sparse rows: per term a run of
 * document ids and each posting's impact, its score before the idf), which keeps 100k-chunk indexes
 * small and fast: a search reads two arrays in order and no length norm. The packed term
 * frequencies the impacts come from are kept apart (`bm25-tf.bin` on disk), read only by the
 * Postgres publisher.
 */
import { mean } from "./bm25-util.js";
import { Bm25Builder } from "./bm25-builder.js";

export { Bm25Builder } from "./bm25-builder.js";
import {
  bm25Idf,
  createPostingsSearch,
  fieldNorm,
  impactsOf,
  MAXSCORE_FROM,
  maxOf,
  type PostingsList,
  type PostingsSearch,
} from "./bm25-scoring.js";

export {
  bm25Idf,
  bm25TermScore,
  fieldNorm,
  impactsOf,
  createPostingsSearch,
  MAXSCORE_FROM,
  maxOf,
  type PostingsList,
  type PostingsSearch,
  termAtATime,
  termImpact,
} from "./bm25-scoring.js";
export { maxScoreSearch } from "./bm25-maxscore.js";

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

/** The on-disk form: terms as JSON, everything else but the frequencies as one binary file of typed arrays. */
export interface SerializedBm25 {
  params: Bm25Params;
  terms: string[];
  binary: Buffer;
}

export class Bm25Index {
  private readonly termIds = new Map<string, number>();
  /** Each term's largest impact, found the first time a question has the term (-1 until then). */
  private readonly maxImpacts: Float32Array;
  private readonly postings: PostingsSearch;

  private constructor(
    readonly params: Bm25Params,
    private readonly terms: string[],
    /** offsets[t] .. offsets[t + 1] index the postings of term t. */
    private readonly offsets: Int32Array,
    private readonly postDoc: Int32Array,
    private readonly impacts: Float32Array,
    /** The packed frequencies, or how to read them (they are not needed to search). */
    private tfs: Uint32Array | (() => Buffer),
    private readonly bodyLen: Float32Array,
    private readonly titleLen: Float32Array,
  ) {
    for (const [i, t] of terms.entries()) this.termIds.set(t, i);
    this.maxImpacts = new Float32Array(terms.length).fill(-1);
    this.postings = createPostingsSearch(bodyLen.length);
  }

  get size(): number {
    return this.bodyLen.length;
  }

  static build(docs: Iterable<Bm25Doc>, params: Bm25Params = DEFAULT_BM25): Bm25Index {
    const builder = new Bm25Builder();
    for (const doc of docs) builder.add(doc.body, doc.title);
    return Bm25Index.fromColumns(builder.finish(), params);
  }

  /** An index over columns already built (Bm25Builder), its impacts computed beside them. */
  static fromColumns(c: Bm25Columns, params: Bm25Params): Bm25Index {
    const impacts = impactsOf(params, c.postDoc, c.postTf, lengthNorms(params, c));
    return new Bm25Index(params, c.terms, c.offsets, c.postDoc, impacts, c.postTf, c.bodyLen, c.titleLen);
  }

  /**
   * An index over columns just built whose frequencies are already saved: the impacts overwrite
   * them in their own memory (a million chunks' postings are 400 MB each), and `tfs` reads them back.
   */
  static fromColumnsInPlace(c: Bm25Columns, params: Bm25Params, tfs: () => Buffer): Bm25Index {
    const { buffer, byteOffset, length } = c.postTf;
    const impacts = impactsOf(
      params,
      c.postDoc,
      c.postTf,
      lengthNorms(params, c),
      new Float32Array(buffer as ArrayBuffer, byteOffset, length),
    );
    return new Bm25Index(params, c.terms, c.offsets, c.postDoc, impacts, tfs, c.bodyLen, c.titleLen);
  }

  /** The index's columns, read-only (the Postgres backend stores them as they are). */
  columns(): Bm25Columns {
    if (typeof this.tfs === "function") this.tfs = words(this.tfs());
    const { terms, offsets, postDoc, bodyLen, titleLen } = this;
    return { terms, offsets, postDoc, postTf: this.tfs, bodyLen, titleLen };
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
   * Top-k documents for already-extracted query terms (see `createPostingsSearch`). A term in
   * more than `commonDf()` documents (in a large index) only adds to documents a rarer term found:
   * a document with nothing but very common words would not make the top k anyway.
   */
  search(terms: string[], k: number): Bm25Hit[] {
    return this.postings.search(this.postingsOf(terms), k, this.commonDf());
  }

  private postingsOf(terms: string[]): PostingsList[] {
    return [...new Set(terms)]
      .map((t) => this.termIds.get(t))
      .filter((id): id is number => id !== undefined)
      .sort((a, b) => this.df(a) - this.df(b))
      .map((id) => {
        const [from, to] = [this.offsets[id]!, this.offsets[id + 1]!];
        const impacts = this.impacts.subarray(from, to);
        // only MaxScore (large indexes) reads a list's best impact
        if (this.maxImpacts[id]! < 0 && this.size >= MAXSCORE_FROM) this.maxImpacts[id] = maxOf(impacts);
        return { idf: this.idf(this.terms[id]!), docs: this.postDoc.subarray(from, to), impacts, maxImpact: this.maxImpacts[id]! };
      });
  }

  /** Document frequency above which a term only re-scores documents already found. */
  commonDf(): number {
    return Math.max(COMMON_MIN_DF, this.size * COMMON_SHARE);
  }

  private df(id: number): number {
    return this.offsets[id + 1]! - this.offsets[id]!;
  }

  /** The serialized form with the binary part as views of the columns, in order (nothing copied). */
  serializeParts(): Omit<SerializedBm25, "binary"> & { binary: Buffer[] } {
    const parts = [
      Int32Array.of(this.terms.length, this.postDoc.length, this.bodyLen.length),
      this.offsets,
      this.postDoc,
      this.impacts,
      this.bodyLen,
      this.titleLen,
    ];
    return { params: this.params, terms: this.terms, binary: parts.map(asBuffer) };
  }

  /** Reads the serialized form back; the frequencies, not needed to search, come from `tfs` when asked for. */
  static deserialize(s: SerializedBm25, tfs: () => Buffer): Bm25Index {
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
    const take = <T>(make: (o: number, len: number) => T, len: number): T => {
      const v = make(at, len);
      at += len * 4;
      return v;
    };
    const offsets = take((o, l) => new Int32Array(ab, o, l), nTerms + 1);
    const postDoc = take((o, l) => new Int32Array(ab, o, l), nPost);
    const impacts = take((o, l) => new Float32Array(ab, o, l), nPost);
    const bodyLen = take((o, l) => new Float32Array(ab, o, l), nDocs);
    const titleLen = take((o, l) => new Float32Array(ab, o, l), nDocs);
    return new Bm25Index(s.params, s.terms, offsets, postDoc, impacts, tfs, bodyLen, titleLen);
  }
}

const asBuffer = (p: ArrayBufferView): Buffer => Buffer.from(p.buffer, p.byteOffset, p.byteLength);

/** A buffer's bytes as 32-bit words (copied once when not aligned). */
const words = (b: Buffer): Uint32Array =>
  b.byteOffset % 4 === 0 ? new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2) : new Uint32Array(Uint8Array.from(b).buffer);

/** Each document's length norm per field (1 / (1 - b + b · length / average)). */
export function lengthNorms(params: Bm25Params, c: Pick<Bm25Columns, "bodyLen" | "titleLen">) {
  const [avgBody, avgTitle] = [mean(c.bodyLen), mean(c.titleLen)];
  return {
    bodyNorm: c.bodyLen.map((l) => fieldNorm(params.b, l, avgBody)),
    titleNorm: c.titleLen.map((l) => fieldNorm(params.b, l, avgTitle)),
  };
}
