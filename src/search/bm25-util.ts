/** Small numeric helpers of the BM25 index: growable typed arrays and a mean. */

/** A typed array that grows by doubling (no JS array of numbers). */
class Growable<T extends Int32Array | Float32Array> {
  length = 0;
  constructor(
    private data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = this.make(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  /** The values so far (a view: valid until the next push). */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
  /** The values in an array of their own length. */
  trimmed(): T {
    return this.data.slice(0, this.length) as T;
  }
}

export class GrowableInt32 extends Growable<Int32Array> {
  constructor() {
    super(new Int32Array(1024), (n) => new Int32Array(n));
  }
}

export class GrowableFloat32 extends Growable<Float32Array> {
  constructor() {
    super(new Float32Array(1024), (n) => new Float32Array(n));
  }
}

export function mean(xs: Float32Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length ? s / xs.length : 0;
}
