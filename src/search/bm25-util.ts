/** Small numeric helpers of the BM25 index: a growable int triple buffer, a mean, a partial top-k. */

/** Triples of ints appended to one growing Int32Array (no array per posting). */
export class IntBuffer {
  data = new Int32Array(1 << 16);
  length = 0;
  push(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = a;
    this.data[this.length++] = b;
    this.data[this.length++] = c;
  }
}

export interface DocScore {
  doc: number;
  score: number;
}

export function mean(xs: Float32Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length ? s / xs.length : 0;
}

/** The k best of the touched documents (score desc, then doc asc), without sorting them all. */
export function topHits(scores: Float64Array, touched: number[], k: number): DocScore[] {
  if (touched.length <= k * 4) {
    return touched
      .map((doc) => ({ doc, score: scores[doc]! }))
      .sort((a, b) => b.score - a.score || a.doc - b.doc)
      .slice(0, k);
  }
  // threshold from a sample-free partial selection: keep a small sorted buffer
  const best: DocScore[] = [];
  let floor = -Infinity;
  for (const doc of touched) {
    const score = scores[doc]!;
    if (best.length >= k && score < floor) continue;
    best.push({ doc, score });
    if (best.length >= k * 2) {
      best.sort((a, b) => b.score - a.score || a.doc - b.doc);
      best.length = k;
      floor = best[k - 1]!.score;
    }
  }
  return best.sort((a, b) => b.score - a.score || a.doc - b.doc).slice(0, k);
}
