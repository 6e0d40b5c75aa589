/**
 * Disk full (issue #11, finding 8), on a real tmpfs of a few hundred KB (needs root to mount;
 * skipped with the reason elsewhere): `index` fails with a clear message and leaves no lock and no
 * temporary directory; the previous index keeps answering (the CLI and the bot's library); once
 * space is back the next build succeeds.
 */
import { localRetriever } from "../../src/search/index.js";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createAnswerService } from "../../src/answer/answer-service.js";
import { IndexBuildError } from "../../src/errors.js";
import { HashEmbeddings } from "../../src/search/hash-embeddings.js";
import { isLocked, loadIndex } from "../../src/search/index-store.js";
import { createLibrary } from "../../src/search/library.js";
import { scratchCorpus } from "../helpers/index.js";
import { runCli } from "../helpers/cli.js";

const mountPoint = mkdtempSync(path.join(os.tmpdir(), "citebot-tmpfs-"));
let mounted = false;
let why = "";
try {
  if (process.getuid?.() !== 0) throw new Error("not root");
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=1200k", "tmpfs", mountPoint], { stdio: "pipe" });
  mounted = true;
} catch (err) {
  why = `skipped: a small tmpfs cannot be mounted here (${(err as Error).message.split("\n")[0]})`;
  console.warn(why);
}
afterAll(() => {
  if (mounted) execFileSync("umount", ["-l", mountPoint]);
});

const run = (args: string[]) => runCli(args);

const QUESTION = "义乌前11个月直播带货多少场？";

describe.skipIf(!mounted)("a full disk under DATA_DIR", () => {
  it("index fails cleanly, the old index keeps answering, and the next build after freeing space succeeds", async () => {
    const { corpusDir } = scratchCorpus();
    const dataDir = path.join(mountPoint, "data");
    mkdirSync(dataDir);
    const first = await run(["index", "--corpus", corpusDir, "--data", dataDir]);
    expect(first.code, first.stderr).toBe(0);
    const built = (await loadIndex(dataDir, new HashEmbeddings())).manifest.buildId;

    // leave ~120 KB: less than one index needs
    const free = () => {
      const s = statfsSync(mountPoint);
      return s.bavail * s.bsize;
    };
    const filler = path.join(mountPoint, "filler");
    writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 120 * 1024)));
    writeFileSync(path.join(corpusDir, "zz-new.md"), "# 新文章\n\n义乌新开了一家测试书店，共有藏书三万册。\n");

    const full = await run(["index", "--corpus", corpusDir, "--data", dataDir]);
    expect(full.code).toBe(1);
    expect(full.stderr, full.stderr).toMatch(
      /^error: reindex failed, the previous index keeps serving: no space left on the disk \(ENOSPC\)/m,
    );
    expect(readdirSync(dataDir).filter((n) => n.startsWith(".tmp-index"))).toEqual([]);
    expect(await isLocked(dataDir)).toBe(false);

    // `ask` on the stale index: the rebuild fails, the previous index answers
    const ask = await run(["ask", "--json", "--corpus", corpusDir, "--data", dataDir, QUESTION]);
    expect(ask.code, ask.stderr).toBe(0);
    expect(ask.stderr).toMatch(/answering from the previous index/);
    expect(JSON.parse(ask.stdout).citations[0].excerpt).toContain("21.2万场");

    // the bot's library (reindexing on its build thread, as main.ts sets it up): the reindex
    // rejects with the reason, the process and the serving index stay
    const embeddings = new HashEmbeddings();
    const library = createLibrary({
      corpusDir,
      dataDir,
      embeddings,
      embeddingsConfig: { EMBEDDINGS: "hash", HASH_DIMENSIONS: 128 },
      index: await loadIndex(dataDir, embeddings),
    });
    const failed = await library.reindex().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(IndexBuildError);
    expect((failed as Error).message).toMatch(/no space left on the disk \(ENOSPC\)/);
    expect(library.current().manifest.buildId).toBe(built);
    const a = await createAnswerService({ retriever: localRetriever(() => library.current()) }).ask(QUESTION);
    expect(a.citations[0]!.excerpt).toContain("21.2万场");

    rmSync(filler);
    const again = await run(["index", "--corpus", corpusDir, "--data", dataDir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/added 1/);
  }, 60_000);
});
