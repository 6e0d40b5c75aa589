/**
 * Cooperative yielding for long builds: loops call `yieldPoint()` every few hundred steps; a
 * build thread installs a hook that pauses while the serving thread is answering questions (see
 * build-worker.ts). Module state is per thread: the hook exists only in the thread that set it,
 * and costs nothing elsewhere.
 */
let hook: (() => void) | undefined;

export const setYieldHook = (fn: (() => void) | undefined): void => {
  hook = fn;
};

export const yieldPoint = (): void => hook?.();

/** Steps between yield points in the hot loops (BM25 tokenising, HNSW insertion). */
export const YIELD_EVERY = 64;

/**
 * A counter of questions being answered, shared between threads. The serving side wraps each
 * question in `enter`/`leave`; a build thread waits at its yield points while it is above zero.
 */
export interface ActivityGauge {
  readonly buffer: SharedArrayBuffer;
  enter(): void;
  leave(): void;
}

export function createActivityGauge(buffer = new SharedArrayBuffer(4)): ActivityGauge {
  const cell = new Int32Array(buffer);
  return {
    buffer,
    enter: () => void Atomics.add(cell, 0, 1),
    leave: () => {
      if (Atomics.sub(cell, 0, 1) === 1) Atomics.notify(cell, 0);
    },
  };
}

/** Longest a build waits at one yield point, so that a constant stream of questions cannot stall it. */
export const MAX_YIELD_WAIT_MS = 50;

/** The hook a build thread installs: wait (up to MAX_YIELD_WAIT_MS) while questions are in flight. */
export function waitWhileActive(buffer: SharedArrayBuffer): () => void {
  const cell = new Int32Array(buffer);
  return () => {
    const until = performance.now() + MAX_YIELD_WAIT_MS;
    for (let busy = Atomics.load(cell, 0); busy > 0; busy = Atomics.load(cell, 0)) {
      const left = until - performance.now();
      if (left <= 0) return;
      Atomics.wait(cell, 0, busy, left);
    }
  };
}
