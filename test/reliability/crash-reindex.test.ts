/**
 * Promise 1: a reindex killed with SIGKILL at any point leaves an index that loads and answers
 * as before, with a consistent manifest; a second concurrent reindex is refused, never
 * interleaved. The real `index` command is spawned and killed (CITEBOT_FAULT=crash@POINT).
 */
import { localRetriever } from "../../src/search/index.js";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createAnswerService } from "../../src/answer/answer-service.js";
import { sha256 } from "../../src/ingest/corpus.js";
import { HashEmbeddings } from "../../src/search/hash-embeddings.js";
import { BUILD_CHECKPOINTS, isLocked, loadIndex, readManifest } from "../../src/search/index-store.js";
import { scratchCorpus } from "../helpers/index.js";
import { cli } from "../helpers/cli.js";

const QUESTION = "义乌前11个月直播带货多少场？";
const NEW_FILE = "zz-new.md";

async function answerNow(dataDir: string) {
  const index = await loadIndex(dataDir, new HashEmbeddings());
  const a = await createAnswerService({ retriever: localRetriever(() => index) }).ask(QUESTION);
  return { index, cited: a.citations.map((c) => [c.source, c.excerpt]) };
}

/** Counts in the manifest match what loads, and every file it lists is on disk with its hash (or was since replaced). */
async function expectConsistent(index: Awaited<ReturnType<typeof loadIndex>>, corpusDir: string) {
  const m = (await readManifest(path.dirname(index.dir)))!;
  expect(m.buildId).toBe(index.manifest.buildId);
  expect(index.chunks).toHaveLength(m.counts.chunks);
  expect(index.articles.all().filter((a) => a.kind === "article")).toHaveLength(m.counts.articles);
  expect(index.vectors.size).toBe(m.counts.chunks);
  for (const f of m.files) expect(sha256(readFileSync(path.join(corpusDir, f.path)))).toBe(f.hash);
}

describe("reindex killed with SIGKILL", () => {
  it.each(BUILD_CHECKPOINTS)(
    "at %s: the index still loads, answers and is consistent; the next build recovers",
    async (point) => {
      const { corpusDir, dataDir } = scratchCorpus();
      const first = await cli(["index", "--corpus", corpusDir, "--data", dataDir]).done;
      expect(first.code).toBe(0);
      const before = await answerNow(dataDir);
      writeFileSync(path.join(corpusDir, NEW_FILE), "# 新增的测试文章\n\n义乌新开了一家测试书店，共有藏书三万册。\n");

      const crashed = await cli(["index", "--corpus", corpusDir, "--data", dataDir], { CITEBOT_FAULT: `crash@${point}` }).done;
      expect(crashed.signal).toBe("SIGKILL");
      // the kernel released the dead process's lock with the process: nothing stale is left to block
      expect(await isLocked(dataDir)).toBe(false);

      const after = await answerNow(dataDir);
      await expectConsistent(after.index, corpusDir);
      if (point === "swapped") {
        // the swap happened: the new index serves, with the new file
        expect((await readManifest(dataDir))!.files.map((f) => f.path)).toContain(NEW_FILE);
      } else {
        expect(after.index.manifest.buildId).toBe(before.index.manifest.buildId);
        expect(after.cited).toEqual(before.cited);
      }

      // `ask` works (rebuilding if stale, through the dead process's lock), and leaves one clean index
      const ask = await cli(["ask", "--json", "--corpus", corpusDir, "--data", dataDir, QUESTION]).done;
      expect(ask.code, ask.stderr).toBe(0);
      expect(JSON.parse(ask.stdout).citations[0].excerpt).toContain("21.2万场");
      const m = await readManifest(dataDir);
      expect(m!.files.map((f) => f.path)).toContain(NEW_FILE);
      expect(readdirSync(dataDir).filter((n) => n.startsWith("index-") || n.startsWith(".tmp-index"))).toEqual([`index-${m!.buildId}`]);
      expect(await isLocked(dataDir)).toBe(false);
    },
    60_000,
  );
});

describe("two reindexes at once", () => {
  it("the second is refused while the first holds the lock; the first completes", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    const slow = cli(["index", "--corpus", corpusDir, "--data", dataDir], { CITEBOT_FAULT: "pause@read:4000" });
    const until = Date.now() + 30_000;
    while (!(await isLocked(dataDir)) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const second = await cli(["index", "--corpus", corpusDir, "--data", dataDir]).done;
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/another reindex \(pid \d+\) is running/);
    const first = await slow.done;
    expect(first.code, first.stderr).toBe(0);
    await expectConsistent((await answerNow(dataDir)).index, corpusDir);
  }, 60_000);
});

describe("ask while another process reindexes", () => {
  it("answers from the current index (saying so) instead of refusing or crashing", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    expect((await cli(["index", "--corpus", corpusDir, "--data", dataDir]).done).code).toBe(0);
    writeFileSync(path.join(corpusDir, NEW_FILE), "# 新增的测试文章\n\n义乌新开了一家测试书店，共有藏书三万册。\n");
    const slow = cli(["index", "--corpus", corpusDir, "--data", dataDir], { CITEBOT_FAULT: "pause@read:5000" });
    const until = Date.now() + 30_000;
    while (!(await isLocked(dataDir)) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const ask = await cli(["ask", "--json", "--corpus", corpusDir, "--data", dataDir, QUESTION], { LOG_LEVEL: "info" }).done;
    expect(ask.code, ask.stderr).toBe(0);
    expect(ask.stderr).toMatch(/another process is reindexing/);
    expect(JSON.parse(ask.stdout).citations[0].excerpt).toContain("21.2万场");
    expect((await slow.done).code).toBe(0);
  }, 60_000);
});

describe("a lock that outlives its process", () => {
  it("a pid file naming a live, unrelated process (a reused pid) does not block indexing", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    mkdirSync(dataDir, { recursive: true });
    // the pid-file lock of earlier versions, naming this (alive) test process
    writeFileSync(path.join(dataDir, ".lock"), String(process.pid));
    const run = await cli(["index", "--corpus", corpusDir, "--data", dataDir]).done;
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(path.join(dataDir, ".lock"))).toBe(false);
  }, 60_000);
});
