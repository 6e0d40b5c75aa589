/**
 * The libraries a user would pick instead, on the same chunks and questions: MiniSearch with a
 * jieba tokenizer (the same tokens as ours), FlexSearch with its CJK encoder, and brute-force
 * exact search over our hash vectors.
 */
import FlexSearch from "flexsearch";
import MiniSearch from "minisearch";
import type { Chunk } from "../src/ingest/types.js";
import type { IdentifiedEmbeddings } from "../src/search/hash-embeddings.js";
import { queryTerms, tokenize } from "../src/search/text-normalize.js";

export interface Peer {
  name: string;
  buildS: number;
  /** Chunk indices, best first. */
  search(question: string, k: number): number[] | Promise<number[]>;
}

export function miniSearchPeer(chunks: Chunk[], titles: string[]): Peer {
  const t0 = performance.now();
  const ms = new MiniSearch<{ id: number; title: string; text: string }>({
    fields: ["title", "text"],
    tokenize: (text) => tokenize(text),
    processTerm: (term) => term,
    searchOptions: { boost: { title: 2 }, tokenize: (q) => queryTerms(q), processTerm: (t) => t },
  });
  ms.addAll(chunks.map((c, id) => ({ id, title: titles[id]!, text: c.text })));
  return {
    name: "MiniSearch + jieba",
    buildS: (performance.now() - t0) / 1000,
    search: (q, k) =>
      ms
        .search(q)
        .slice(0, k)
        .map((r) => r.id as number),
  };
}

export function flexSearchPeer(chunks: Chunk[], titles: string[]): Peer {
  const t0 = performance.now();
  const index = new FlexSearch.Index({ encoder: FlexSearch.Charset.CJK, tokenize: "forward", resolution: 9 });
  for (const [id, c] of chunks.entries()) index.add(id, `${titles[id]} ${c.text}`);
  return {
    name: "FlexSearch (CJK encoder)",
    buildS: (performance.now() - t0) / 1000,
    search: (q, k) => index.search(q, { limit: k, suggest: true }) as number[],
  };
}

export function bruteForcePeer(vectors: Float32Array, embeddings: IdentifiedEmbeddings): Peer {
  const d = embeddings.dimensions;
  const n = vectors.length / d;
  const scores = new Float32Array(n);
  return {
    name: "brute-force exact vectors",
    buildS: 0,
    async search(q, k) {
      const v = await embeddings.embedQuery(q);
      for (let i = 0; i < n; i++) {
        let s = 0;
        const o = i * d;
        for (let j = 0; j < d; j++) s += vectors[o + j]! * v[j]!;
        scores[i] = s;
      }
      const top: number[] = [];
      for (let i = 0; i < n; i++) {
        if (top.length < k || scores[i]! > scores[top[top.length - 1]!]!) {
          top.push(i);
          top.sort((a, b) => scores[b]! - scores[a]!);
          if (top.length > k) top.pop();
        }
      }
      return top;
    },
  };
}
