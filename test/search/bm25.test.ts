/** The keyword index: stored impacts are the frequencies' BM25 scores, both searches are exact; normal forms are local. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import * as OpenCC from "opencc-js";
import { describe, expect, it } from "vitest";
import {
  Bm25Builder,
  Bm25Index,
  bm25TermScore,
  DEFAULT_BM25,
  lengthNorms,
  maxOf,
  type PostingsList,
  maxScoreSearch,
  termAtATime,
} from "../../src/search/bm25-index.js";
import { normalizeText } from "../../src/search/text-normalize.js";
import { ROOT } from "../helpers/paths.js";

const DOCS = [
  { title: "义乌直播带货", body: "前11个月义乌直播带货21.2万场，直播电商交易额持续增长。" },
  { title: "", body: "义乌市第十六次党代会开幕，市委书记作报告。" },
  { title: "稠州论坛", body: "论坛上，专家谈直播经济与小商品市场的新机会，直播直播直播。" },
  { title: "天气", body: "今天多云，明天有小雨，气温下降。" },
];
const QUESTIONS = [["直播"], ["义乌", "直播", "带货"], ["党代会", "报告"], ["小雨", "义乌"]];

/** BM25 over the frequencies, the long way: every posting of every term, from the packed counts. */
function expected(index: Bm25Index, terms: string[]): Map<number, number> {
  const c = index.columns();
  const norms = lengthNorms(DEFAULT_BM25, c);
  const out = new Map<number, number>();
  for (const t of new Set(terms)) {
    const id = c.terms.indexOf(t);
    if (id < 0) continue;
    for (let i = c.offsets[id]!; i < c.offsets[id + 1]!; i++) {
      const d = c.postDoc[i]!;
      const tf = c.postTf[i]!;
      const s = bm25TermScore(DEFAULT_BM25, tf >>> 16, tf & 0xffff, norms.bodyNorm[d]!, norms.titleNorm[d]!, index.idf(t));
      out.set(d, (out.get(d) ?? 0) + s);
    }
  }
  return out;
}

describe("BM25 impacts", () => {
  it("a search's scores are the frequencies' BM25 scores, summed rarest term first", () => {
    const index = Bm25Index.build(DOCS);
    for (const q of QUESTIONS) {
      const want = expected(index, q);
      expect(want.size, q.join()).toBeGreaterThan(0);
      const hits = index.search(q, 10);
      expect(hits.length, q.join()).toBe(want.size);
      for (const h of hits) expect(h.score, `${q.join()} doc ${h.doc}`).toBeCloseTo(want.get(h.doc)!, 9);
      expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
    }
  });

  it("impacts written over the frequencies' own memory rank exactly as computed beside them; the frequencies are read back on demand", () => {
    const build = () => {
      const b = new Bm25Builder();
      for (const d of DOCS) b.add(d.body, d.title);
      return b.finish();
    };
    const beside = Bm25Index.fromColumns(build(), DEFAULT_BM25);
    const columns = build();
    const saved = Buffer.from(new Uint8Array(columns.postTf.buffer, columns.postTf.byteOffset, columns.postTf.byteLength).slice());
    let reads = 0;
    const inPlace = Bm25Index.fromColumnsInPlace(columns, DEFAULT_BM25, () => {
      reads++;
      return saved;
    });
    for (const q of QUESTIONS) expect(inPlace.search(q, 10)).toEqual(beside.search(q, 10));
    expect(reads).toBe(0);
    expect([...inPlace.columns().postTf]).toEqual([...beside.columns().postTf]);
    inPlace.columns();
    expect(reads).toBe(1);
  });
});

/** Every posting added up, rarest term first, common terms only on documents others found: the reference. */
function exhaustive(lists: PostingsList[], k: number, commonDf: number): Array<{ doc: number; score: number }> {
  const scores = new Map<number, number>();
  for (const [i, l] of lists.entries()) {
    const lookupOnly = i > 0 && l.docs.length > commonDf;
    for (const [p, d] of l.docs.entries()) {
      if (lookupOnly && !scores.has(d)) continue;
      scores.set(d, (scores.get(d) ?? 0) + l.idf * l.impacts[p]!);
    }
  }
  return [...scores]
    .map(([doc, score]) => ({ doc, score }))
    .sort((a, b) => b.score - a.score || a.doc - b.doc)
    .slice(0, k);
}

/** A deterministic pseudo-random stream (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("MaxScore search", () => {
  it("MaxScore and term-at-a-time give exactly the documents, scores and order of adding up every posting (400 random questions, ties included)", () => {
    const rnd = random(7);
    let pruned = 0;
    const scratch = { scores: new Float64Array(4000), bits: new Uint32Array(4000 / 32 + 1) };
    for (let q = 0; q < 400; q++) {
      const nDocs = 50 + Math.floor(rnd() * 3000);
      const lists: PostingsList[] = Array.from({ length: 1 + Math.floor(rnd() * 7) }, () => {
        const share = rnd() ** 2;
        const docs = Int32Array.from(Array.from({ length: nDocs }, (_, d) => d).filter(() => rnd() < share));
        // few distinct impacts, so equal scores (ties) are common
        const impacts = Float32Array.from(docs, () => Math.fround(0.5 + Math.floor(rnd() * 4) / 2));
        return { idf: 0.2 + Math.floor(rnd() * 8) / 2, docs, impacts, maxImpact: maxOf(impacts) };
      }).filter((l) => l.docs.length > 0);
      lists.sort((a, b) => a.docs.length - b.docs.length);
      const k = 1 + Math.floor(rnd() * 60);
      const commonDf = rnd() < 0.5 ? nDocs : Math.floor(nDocs * 0.3);
      const want = exhaustive(lists, k, commonDf);
      expect(maxScoreSearch(lists, k, commonDf), `MaxScore, question ${q}`).toEqual(want);
      expect(termAtATime(scratch, lists, k, commonDf), `term at a time, question ${q}`).toEqual(want);
      expect(scratch.scores.every((x) => x === 0) && scratch.bits.every((x) => x === 0)).toBe(true); // left zeroed
      if (want.length === k) pruned++;
    }
    expect(pruned).toBeGreaterThan(200); // most questions fill their k, where pruning takes place
  });
});

describe("normal forms", () => {
  it("never join across a line break or a space, so parts normalised apart make the whole (the answer layer relies on it)", () => {
    // traditional phrases, full-width and compatibility characters, case (a final sigma), a corpus page
    const seeds = readdirSync(path.join(ROOT, "corpus")).filter((f) => f.endsWith(".txt"));
    const page = readFileSync(path.join(ROOT, "corpus", seeds[0]!), "utf8");
    const parts = ["義烏市長說", "ＡＢＣ１２３，全角", "ΑΣ", "㎡與①", "一絲不掛的", "頭髮", ...page.split(/\n+/).slice(0, 40)];
    let pairs = 0;
    for (const a of parts)
      for (const b of parts.slice(0, 12))
        for (const sep of ["\n", " "]) {
          expect(normalizeText(`${a}${sep}${b}`), JSON.stringify([a, sep, b])).toBe(`${normalizeText(a)}${sep}${normalizeText(b)}`);
          pairs++;
        }
    expect(pairs).toBeGreaterThan(500);
  });
});

describe("traditional → simplified", () => {
  it("skips OpenCC's compatibility-ideograph step only because NFKC, applied first, does each of its mappings", () => {
    const chain = OpenCC.Locale.configs.t2s.normalizationChain as unknown as string[][];
    const entries = chain.flat().flatMap((d) => d.split("|").map((e) => e.split(" ") as [string, string]));
    expect(entries.length).toBeGreaterThan(900);
    for (const [from, to] of entries) {
      expect(from.normalize("NFKC"), from).not.toBe(from); // NFKC never leaves it in a text
      expect(from.normalize("NFKC"), from).toBe(to); // and maps it where OpenCC would
    }
    const full = OpenCC.Converter({ from: "t", to: "cn" });
    for (const text of ["義烏市長說頭髮乾了", "\uF900\uF901豈更車", "乾隆皇帝與乾燥的天氣", "ＡＢＣ，臺灣"])
      expect(normalizeText(text)).toBe(full(text.normalize("NFKC").toLowerCase()));
  });
});
