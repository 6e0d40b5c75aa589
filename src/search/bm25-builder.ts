/**
 * Builds the BM25 index one document at a time (a build streams the corpus through it): each
 * document's distinct terms and packed frequencies are appended to fixed-size blocks, then
 * `finish` counts document frequencies and fills the term-major postings, releasing each block as
 * soon as it has been read — no array per posting, and never both layouts whole at once.
 */
import type { Bm25Columns } from "./bm25-index.js";
import { GrowableFloat32, GrowableInt32 } from "./bm25-util.js";
import { tokenize } from "./text-normalize.js";
import { YIELD_EVERY, yieldPoint } from "./yield-point.js";

/** While building, term frequencies are packed as body << 8 | title in 16 bits (each capped at 255: a chunk is a few hundred characters); the index packs them in 32. */
const TF_CAP = 0xff;
/** Postings per block. */
const BLOCK = 1 << 20;

/** A resizable buffer: shrinking it to zero returns its memory at once, without waiting for a GC. */
const releasable = (bytes: number): ArrayBuffer => new (ArrayBuffer as ResizableBufferConstructor)(bytes, { maxByteLength: bytes });
const release = (buffer: ArrayBufferLike): void => (buffer as unknown as { resize(n: number): void }).resize(0);
type ResizableBufferConstructor = new (bytes: number, options: { maxByteLength: number }) => ArrayBuffer;

export class Bm25Builder {
  private readonly termIds = new Map<string, number>();
  private readonly terms: string[] = [];
  private termBlocks: Int32Array[] = [];
  private tfBlocks: Uint16Array[] = [];
  private used = BLOCK;
  /** Postings before each document (one more entry than documents). */
  private readonly docStart = new GrowableInt32();
  private readonly bodyLen = new GrowableFloat32();
  private readonly titleLen = new GrowableFloat32();
  private titleCache = new Map<string, string[]>();
  private postings = 0;
  /** Packed frequencies of the current document by term id (zero elsewhere), and the ids it has. */
  private scratch = new Float64Array(1 << 16);
  private readonly seen: number[] = [];

  constructor() {
    this.docStart.push(0);
  }

  get size(): number {
    return this.bodyLen.length;
  }

  add(bodyText: string, titleText: string): void {
    if (this.size % YIELD_EVERY === 0) yieldPoint();
    const body = tokenize(bodyText);
    let title = this.titleCache.get(titleText);
    if (!title) {
      // titles repeat over an article's chunks: a small cache (cleared when it grows) saves re-tokenizing
      if (this.titleCache.size > 10_000) this.titleCache = new Map();
      this.titleCache.set(titleText, (title = titleText ? tokenize(titleText) : []));
    }
    this.bodyLen.push(body.length);
    this.titleLen.push(title.length);
    // packed frequencies per term id in a scratch array (no map per document); ids in first-seen order
    const seen = this.seen;
    seen.length = 0;
    const count = (t: string, step: number) => {
      let id = this.termIds.get(t);
      if (id === undefined) {
        id = this.terms.length;
        this.termIds.set(t, id);
        this.terms.push(t);
        if (id >= this.scratch.length) {
          const grown = new Float64Array(this.scratch.length * 2);
          grown.set(this.scratch);
          this.scratch = grown;
        }
      }
      if (this.scratch[id] === 0) seen.push(id);
      this.scratch[id]! += step;
    };
    for (const t of body) count(t, 0x10000);
    for (const t of title) count(t, 1);
    for (const id of seen) {
      const packed = this.scratch[id]!;
      this.scratch[id] = 0;
      if (this.used === BLOCK) {
        this.termBlocks.push(new Int32Array(releasable(BLOCK * 4)));
        this.tfBlocks.push(new Uint16Array(releasable(BLOCK * 2)));
        this.used = 0;
      }
      this.termBlocks.at(-1)![this.used] = id;
      this.tfBlocks.at(-1)![this.used] = (Math.min(TF_CAP, Math.floor(packed / 0x10000)) << 8) | Math.min(TF_CAP, packed % 0x10000);
      this.used++;
      this.postings++;
    }
    this.docStart.push(this.postings);
  }

  /** The index's columns (Bm25Index.fromColumns); the builder is spent afterwards. */
  finish(): Bm25Columns {
    const { terms, postings } = this;
    const offsets = new Int32Array(terms.length + 1);
    for (const [b, block] of this.termBlocks.entries()) {
      const n = b === this.termBlocks.length - 1 ? this.used : BLOCK;
      for (let i = 0; i < n; i++) offsets[block[i]! + 1]!++;
    }
    for (let t = 0; t < terms.length; t++) offsets[t + 1]! += offsets[t]!;
    const fill = offsets.slice(0, terms.length);
    const postDoc = new Int32Array(postings);
    const postTf = new Uint32Array(postings);
    const starts = this.docStart.view();
    let doc = 0;
    for (let b = 0; b < this.termBlocks.length; b++) {
      if (b % 8 === 0) yieldPoint();
      const [termBlock, tfBlock] = [this.termBlocks[b]!, this.tfBlocks[b]!];
      const n = b === this.termBlocks.length - 1 ? this.used : BLOCK;
      for (let i = 0; i < n; i++) {
        const at = b * BLOCK + i;
        while (starts[doc + 1]! <= at) doc++;
        const slot = fill[termBlock[i]!]!++;
        postDoc[slot] = doc;
        const tf = tfBlock[i]!;
        postTf[slot] = (tf >>> 8) * 0x10000 + (tf & TF_CAP);
      }
      // this block is read: give its memory back now (a garbage collection may come much later)
      release(termBlock.buffer);
      release(tfBlock.buffer);
      (this.termBlocks as Array<Int32Array | null>)[b] = null;
      (this.tfBlocks as Array<Uint16Array | null>)[b] = null;
    }
    this.termBlocks = [];
    this.tfBlocks = [];
    this.titleCache = new Map();
    return { terms, offsets, postDoc, postTf, bodyLen: this.bodyLen.trimmed(), titleLen: this.titleLen.trimmed() };
  }
}
