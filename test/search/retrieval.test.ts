/** The retrieval seam: the local backend behind the Retriever interface, also usable as a LangChain retriever. */
import { describe, expect, it } from "vitest";
import { createLru } from "../../src/answer/lru.js";
import { buildIndex, HashEmbeddings, HybridRetriever, localRetriever } from "../../src/search/index.js";
import { scratchCorpus } from "../helpers/index.js";

describe("Retriever", () => {
  it("localRetriever follows the index it is given and reports term statistics", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    const { index } = await buildIndex({ corpusDir, dataDir, embeddings: new HashEmbeddings() });
    let current = index;
    const get = localRetriever(() => current);
    const r = get();
    expect(r.size).toBe(index.chunks.length);
    expect(r.stats.documents).toBe(index.chunks.length);
    expect(r.stats.docFreq("直播")).toBeGreaterThan(0);
    const { hits, terms } = await r.retrieve("义乌前11个月直播带货多少场？", 3);
    expect(terms).toContain("直播");
    expect(hits[0]!.article.title).toBe("前11个月义乌直播带货21.2万场");
    expect(get()).toBe(r); // same index, same retriever
    current = { ...index };
    expect(get()).not.toBe(r); // a swapped index gets a new one
  });

  it("the local backend is a LangChain retriever: invoke() gives Documents with their citation", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    const { index } = await buildIndex({ corpusDir, dataDir, embeddings: new HashEmbeddings() });
    const docs = await new HybridRetriever(index).invoke("义乌前11个月直播带货多少场？");
    expect(docs.length).toBeGreaterThan(0);
    expect(docs[0]!.pageContent).toContain("21.2万场");
    expect(docs[0]!.metadata).toMatchObject({ source: "000_d579d1dab696a189.txt", title: "前11个月义乌直播带货21.2万场" });
  });
});

describe("bounded caches", () => {
  it("an LRU keeps at most its capacity, forgetting what was not used since the last turnover", () => {
    const lru = createLru<string, number>(2);
    lru.set("a", 1);
    lru.set("b", 2);
    expect(lru.get("a")).toBe(1); // a is now the most recent
    lru.set("c", 3);
    expect(lru.size).toBe(2);
    expect(lru.get("b")).toBeUndefined();
    expect(lru.get("a")).toBe(1);
    expect(lru.get("c")).toBe(3);
    // an entry read since the last turnover outlives entries that were not
    const big = createLru<number, number>(100);
    for (let i = 0; i < 80; i++) big.set(i, i);
    for (let i = 0; i < 10; i++) expect(big.get(i)).toBe(i);
    for (let i = 80; i < 120; i++) big.set(i, i);
    expect(big.size).toBeLessThanOrEqual(100);
    for (let i = 0; i < 10; i++) expect(big.get(i)).toBe(i);
    expect(big.get(20)).toBeUndefined();
    expect(big.get(119)).toBe(119);
  });
});
