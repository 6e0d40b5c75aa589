/**
 * efSearch chosen by what users get, not by raw nearest-neighbour recall. The hybrid ranking weighs
 * the vector score at 1 - alpha (0.2) and scores every pooled candidate's vector exactly, so an
 * approximate search that misses some true neighbours rarely changes the fused candidates the answer
 * layer reads. Starting from the efSearch that reaches the recall target, this lowers it to the
 * smallest one whose fused top candidates on query-like probes agree with the fused ranking built
 * on exact nearest neighbours (FUSED_AGREEMENT), plus one step of margin.
 */
import type { Bm25Index } from "./bm25-index.js";
import type { ArticleStore, ChunkStore } from "./index-stores.js";
import { DEFAULT_HYBRID, type HybridBackend, type HybridParams, hybridRetrieve, type ResolvedDoc } from "./fusion.js";
import { CALIBRATION_MARGIN_STEPS, EF_SEARCH_STEPS, type VectorIndex } from "./vector-index.js";

/** Share of the fused top candidates that must match the exact-neighbour ranking's. */
export const FUSED_AGREEMENT = 0.995;
/** Candidates compared: what the answer service reads (its DEFAULT_CANDIDATES). */
export const FUSED_K = 30;

export interface FusedCalibrationInput {
  bm25: Bm25Index;
  vectors: VectorIndex;
  chunks: ChunkStore;
  articles: ArticleStore;
  /** Each probe's exact nearest rows, best first (at least `params.candidates` of them); computed when absent. */
  exact?: number[][];
  /** Query-like probe texts and their query vectors. */
  probes: Array<{ text: string; vector: number[] }>;
  /** The efSearch reaching the raw recall target: never raised, only lowered. */
  upTo: number;
  params?: HybridParams;
}

export async function fusedEfSearch(input: FusedCalibrationInput): Promise<{ efSearch: number; agreement: number }> {
  const { bm25, vectors, chunks, articles, probes, upTo } = input;
  const params = input.params ?? DEFAULT_HYBRID;
  if (probes.length === 0 || vectors.size <= FUSED_K) return { efSearch: upTo, agreement: 1 };
  const vectorOf = new Map(probes.map((p) => [p.text, p.vector]));
  const backend = (nearest: HybridBackend["nearest"]): HybridBackend => ({
    docFreq: (t) => bm25.docFreq(t),
    keyword: (terms, n) => bm25.search(terms, n),
    embedQuery: async (q) => vectorOf.get(q)!,
    nearest,
    resolve: (query, docs) => {
      const out = new Map<number, ResolvedDoc>();
      for (const doc of docs)
        out.set(doc, { chunk: chunks.get(doc), article: articles.get(chunks.articleOf(doc)), vector: vectors.similarity(query, doc) });
      return out;
    },
  });
  const top = async (b: HybridBackend, p: FusedCalibrationInput["probes"][number]) =>
    new Set((await hybridRetrieve(b, p.text, FUSED_K, params)).hits.map((h) => h.doc));
  const steps = EF_SEARCH_STEPS.filter((ef) => ef >= params.candidates && ef < upTo);
  if (steps.length === 0) return { efSearch: upTo, agreement: 1 };
  const exactLists = input.exact ?? vectors.rows.exactTop(Float32Array.from(probes.flatMap((p) => p.vector)), params.candidates);
  const listOf = new Map(probes.map((p, i) => [p.vector, exactLists[i]!]));
  const exact = backend(async (q, n) =>
    listOf
      .get(q)!
      .slice(0, n)
      .map((doc) => ({ doc })),
  );
  const reference = [];
  for (const p of probes) reference.push(await top(exact, p));
  const approximate = backend((q, n) => vectors.search(q, n));
  let chosen = { efSearch: upTo, agreement: 1 };
  for (const [step, ef] of steps.entries()) {
    vectors.setEfSearch(ef);
    let same = 0;
    let all = 0;
    for (const [i, p] of probes.entries()) {
      const got = await top(approximate, p);
      for (const d of reference[i]!) if (got.has(d)) same++;
      all += reference[i]!.size;
    }
    const agreement = all ? same / all : 1;
    if (agreement >= FUSED_AGREEMENT) {
      chosen = {
        efSearch:
          EF_SEARCH_STEPS[Math.min(EF_SEARCH_STEPS.indexOf(steps[step]!) + CALIBRATION_MARGIN_STEPS, EF_SEARCH_STEPS.indexOf(upTo))] ??
          upTo,
        agreement,
      };
      break;
    }
  }
  vectors.setEfSearch(chosen.efSearch);
  return chosen;
}
