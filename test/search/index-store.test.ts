import { localRetriever } from "../../src/search/index.js";
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createAnswerService } from "../../src/answer/answer-service.js";
import { IndexBuildError, IndexMismatchError } from "../../src/errors.js";
import { ensureIndex } from "../../src/search/ensure-index.js";
import { HashEmbeddings } from "../../src/search/hash-embeddings.js";
import { HybridRetriever } from "../../src/search/hybrid-retriever.js";
import { buildIndex, checkFreshness, currentIndexDir, INDEX_FORMAT, loadIndex, readManifest } from "../../src/search/index-store.js";
import { scratchCorpus } from "../helpers/index.js";

const embeddings = new HashEmbeddings();
const QUESTIONS = ["今年前11个月义乌开展了多少场网红直播带货？", "伏龙山公园改造项目在哪个街道？", "常驻义乌的外商有多少人？"];

async function results(dataDir: string) {
  const index = await loadIndex(dataDir, embeddings);
  const r = new HybridRetriever(index);
  return Promise.all(QUESTIONS.map(async (q) => (await r.retrieve(q, 5)).hits.map((h) => [h.chunk.id, h.score.toFixed(6)])));
}

/** The hash embedding, counting the texts it embeds for documents. */
function countingEmbeddings() {
  const counting = new HashEmbeddings();
  let embedded = 0;
  const orig = counting.embedDocuments.bind(counting);
  counting.embedDocuments = async (texts: string[]) => {
    embedded += texts.length;
    return orig(texts);
  };
  return { embeddings: counting, embedded: () => embedded };
}

describe("index store", () => {
  it("round trip: build → save → load gives the same results", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    const built = await buildIndex({ corpusDir, dataDir, embeddings });
    const r = new HybridRetriever(built.index);
    const inMemory = await Promise.all(
      QUESTIONS.map(async (q) => (await r.retrieve(q, 5)).hits.map((h) => [h.chunk.id, h.score.toFixed(6)])),
    );
    expect(await results(dataDir)).toEqual(inMemory);
    const m = (await readManifest(dataDir))!;
    expect(m.counts).toMatchObject({ files: 5, chunks: built.index.chunks.length });
    expect(m.embedding).toEqual({ id: embeddings.id, dimensions: 128 });
    expect(m.hnsw.efSearch).toBeGreaterThan(0); // calibrated at build time
    expect(m.files.map((f) => f.hash)).toHaveLength(5);
    expect(await checkFreshness(corpusDir, m, embeddings)).toMatchObject({ fresh: true });
  });

  it("a rebuild re-embeds only changed files and reports the diff", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    const first = await buildIndex({ corpusDir, dataDir, embeddings });
    appendFileSync(path.join(corpusDir, "004_2c58187224ef0ee6.txt"), "\n▢ 记者 张三\n\n本报讯 新增的一条消息，说明情况。\n\n新增消息\n");
    writeFileSync(path.join(corpusDir, "new.md"), "# 新文件\n\n新文件的正文。\n");
    const manifest = (await readManifest(dataDir))!;
    expect((await checkFreshness(corpusDir, manifest, embeddings)).fresh).toBe(false);
    const counting = countingEmbeddings();
    const second = await buildIndex({ corpusDir, dataDir, embeddings: counting.embeddings });
    const embedded = counting.embedded();
    expect(second.diff).toEqual({ added: ["new.md"], changed: ["004_2c58187224ef0ee6.txt"], removed: [] });
    expect(embedded).toBeGreaterThan(0);
    expect(embedded).toBeLessThan(first.index.chunks.length / 3);
    expect(second.manifest.counts.reusedVectors).toBe(second.index.chunks.length - embedded);
  });

  it("an index of the previous format is rebuilt on start, its vectors reused (none embedded again)", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    const first = await buildIndex({ corpusDir, dataDir, embeddings });
    // the same index as format 5 wrote it (only the keyword files differ), its manifest checksummed again
    const dir = (await currentIndexDir(dataDir))!;
    const raw = readFileSync(path.join(dir, "manifest.json"), "utf8").replace(/"format":\s*\d+/, '"format": 5');
    writeFileSync(path.join(dir, "manifest.json"), raw);
    const sha = createHash("sha256").update(raw).digest("hex");
    writeFileSync(path.join(dataDir, "CURRENT"), `${path.basename(dir)}\nmanifest sha256:${sha}\n`);
    await expect(loadIndex(dataDir, embeddings)).rejects.toBeInstanceOf(IndexMismatchError);
    const counting = countingEmbeddings();
    const rebuilt: string[] = [];
    const { index } = await ensureIndex({ corpusDir, dataDir, embeddings: counting.embeddings, onBuild: (r) => rebuilt.push(r) });
    expect(rebuilt).toHaveLength(1);
    expect(index.manifest.format).toBe(INDEX_FORMAT);
    expect(counting.embedded()).toBe(0);
    expect(index.manifest.counts.reusedVectors).toBe(first.index.chunks.length);
  });

  it("editing, adding or removing only a page's metadata sidecar makes the index stale; the rebuild carries the new date", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    const page = readdirSync(corpusDir).find((f) => f.endsWith(".txt"))!;
    const sidecar = path.join(corpusDir, page.replace(/\.txt$/, ".meta.json"));
    await buildIndex({ corpusDir, dataDir, embeddings });
    writeFileSync(sidecar, JSON.stringify({ date: "2021-12-28" }));
    expect(await checkFreshness(corpusDir, await readManifest(dataDir), embeddings)).toMatchObject({
      fresh: false,
      reason: `changed metadata of ${page}`,
    });
    const { index } = await ensureIndex({ corpusDir, dataDir, embeddings });
    expect(index.articles.all().find((a) => a.source === page)!.meta).toMatchObject({ date: "2021-12-28", date_source: "metadata" });
    expect((await checkFreshness(corpusDir, await readManifest(dataDir), embeddings)).fresh).toBe(true);
    writeFileSync(sidecar, JSON.stringify({ date: "2022-01-05" }));
    const later = new Date(Date.now() + 5000);
    utimesSync(sidecar, later, later);
    expect((await checkFreshness(corpusDir, await readManifest(dataDir), embeddings)).fresh).toBe(false);
    rmSync(sidecar);
    expect((await checkFreshness(corpusDir, await readManifest(dataDir), embeddings)).fresh).toBe(false);
  });

  it("a failed build leaves the previous index serving", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    await buildIndex({ corpusDir, dataDir, embeddings });
    const before = await results(dataDir);
    const buildId = (await readManifest(dataDir))!.buildId;
    writeFileSync(path.join(corpusDir, "extra.txt"), "本报讯 一条新消息。\n");
    for (const phase of ["read", "embed", "index", "write"] as const) {
      await expect(
        buildIndex({
          corpusDir,
          dataDir,
          embeddings,
          checkpoint: (p) => {
            if (p === phase) throw new Error(`crash during ${p}`);
          },
        }),
      ).rejects.toBeInstanceOf(IndexBuildError);
      expect((await readManifest(dataDir))!.buildId).toBe(buildId);
      expect(await results(dataDir)).toEqual(before);
    }
    expect(readdirSync(dataDir).filter((n) => n.startsWith(".tmp"))).toEqual([]);
    expect(existsSync(path.join(dataDir, ".lock"))).toBe(false);
  });

  it("refuses an index built with another embedding, saying to reindex; ensureIndex rebuilds only for the local hash embedding", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    await buildIndex({ corpusDir, dataDir, embeddings });
    const other = new HashEmbeddings({ dimensions: 64 });
    await expect(loadIndex(dataDir, other)).rejects.toBeInstanceOf(IndexMismatchError);
    await expect(loadIndex(dataDir, other)).rejects.toThrow(/reindex/);
    const rebuilt = await ensureIndex({ corpusDir, dataDir, embeddings: other });
    expect(rebuilt.built).not.toBeNull();
    expect(rebuilt.index.manifest.embedding.dimensions).toBe(64);
    const neural = Object.assign(new HashEmbeddings({ dimensions: 32 }), { local: false, id: "openai:some-model:d32" });
    await expect(ensureIndex({ corpusDir, dataDir, embeddings: neural })).rejects.toThrow(
      /built with embedding "hash-v1:d64.*npm run index/,
    );
  });

  it("an empty corpus builds an empty index that abstains", async () => {
    const { root } = scratchCorpus();
    const corpusDir = path.join(root, "empty");
    const dataDir = path.join(root, "data-empty");
    await import("node:fs/promises").then((fs) => fs.mkdir(corpusDir));
    await buildIndex({ corpusDir, dataDir, embeddings });
    const index = await loadIndex(dataDir, embeddings);
    const answer = await createAnswerService({ retriever: localRetriever(() => index) }).ask("义乌有多少市场主体？");
    expect(answer).toMatchObject({ abstained: true, citations: [] });
  });
});
