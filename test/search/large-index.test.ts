/**
 * What a million-chunk index does, on the seed corpus: articles read from disk on demand and vectors
 * read a row at a time (the path above 256 MB, forced here with inMemoryMaxBytes 0) answer exactly
 * as the in-memory index does; the listing and lookups by key work from the catalog; a closed index
 * says so; and an archive of more files than the synchronous-check limit is served at once and
 * checked behind (the library then reindexes when the corpus changed).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createAnswerService } from "../../src/answer/answer-service.js";
import { ensureIndex } from "../../src/search/ensure-index.js";
import { HashEmbeddings } from "../../src/search/hash-embeddings.js";
import { buildIndex, loadIndex } from "../../src/search/index-store.js";
import { localRetriever, openLibrary } from "../../src/search/index.js";
import { readQaJsonl } from "../../src/eval/index.js";
import { scratchCorpus } from "../helpers/index.js";

const embeddings = new HashEmbeddings();
const root = path.resolve(import.meta.dirname, "../..");

describe("an index read on demand", () => {
  it("answers the 40 seed questions exactly as the in-memory index does", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    await buildIndex({ corpusDir, dataDir, embeddings });
    const inMemory = await loadIndex(dataDir, embeddings);
    const onDemand = await loadIndex(dataDir, embeddings, { inMemoryMaxBytes: 0 });
    const questions = (await readQaJsonl(path.join(root, "test/fixtures/eval/seeds-dev.jsonl"))).map((q) => q.question);
    expect(questions.length).toBe(40);
    const answer = (index: typeof inMemory) => {
      const service = createAnswerService({ retriever: localRetriever(() => index) });
      return Promise.all(
        questions.map(async (q) => {
          const a = await service.ask(q);
          return { answer: a.answer, abstained: a.abstained, citations: a.citations.map((c) => [c.title, c.byline, c.excerpt, c.source]) };
        }),
      );
    };
    expect(await answer(onDemand)).toEqual(await answer(inMemory));
    // the chunk and article stores agree position by position
    for (let doc = 0; doc < inMemory.chunks.length; doc++) {
      expect(onDemand.chunks.get(doc)).toEqual(inMemory.chunks.get(doc));
      expect(onDemand.vectors.row(doc)).toEqual(inMemory.vectors.row(doc));
    }
    expect(onDemand.articles.catalog()).toEqual(inMemory.articles.catalog());
    const id = inMemory.articles.get(3).id;
    expect(onDemand.articles.indexOf(id)).toBe(3);
    expect(onDemand.articles.get(3)).toEqual(inMemory.articles.get(3));
    onDemand.close();
    expect(() => onDemand.articles.get(5)).toThrow(/closed \(the index was replaced\)/);
    expect(() => onDemand.vectors.row(0)).toThrow(/closed \(the index was replaced\)/);
  });
});

describe("an archive of more files than the synchronous check allows", () => {
  it("is served before its freshness is checked; the check behind finds a new file", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    await buildIndex({ corpusDir, dataDir, embeddings });
    writeFileSync(path.join(corpusDir, "later.txt"), "本报讯 新增的一篇稿件，说的是城西新开了一座图书馆。\n");
    const served = await ensureIndex({ corpusDir, dataDir, embeddings, syncCheckMaxFiles: 0 });
    expect(served.built).toBeNull();
    expect(served.index.manifest.counts.files).toBe(5);
    expect(await served.checkLater!()).toBe("new file later.txt");
    // within the limit (the default), the same changed corpus is rebuilt before serving
    const checked = await ensureIndex({ corpusDir, dataDir, embeddings });
    expect(checked.built).not.toBeNull();
    expect(checked.checkLater).toBeUndefined();
    expect(checked.index.manifest.counts.files).toBe(6);
  });

  it("the library serves at once, then reindexes when the check behind finds the corpus changed", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    await buildIndex({ corpusDir, dataDir, embeddings });
    writeFileSync(path.join(corpusDir, "later.txt"), "本报讯 新增的一篇稿件，说的是城西新开了一座图书馆。\n");
    const reasons: string[] = [];
    const { library, built } = await openLibrary({ corpusDir, dataDir, embeddings, syncCheckMaxFiles: 0, onBuild: (r) => reasons.push(r) });
    expect(built).toBe(false);
    expect(library.info().files).toBe(5);
    await expect.poll(() => library.info().files, { timeout: 30_000 }).toBe(6);
    expect(reasons).toEqual(["new file later.txt"]);
    await library.close();
  });
});
