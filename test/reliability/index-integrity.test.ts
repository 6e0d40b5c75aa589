/**
 * Damaged index files (issue #11, findings 9–13): bit flips and truncation in every file in
 * turn are detected before anything parses them, the index is rebuilt and answers right; damaged
 * vectors are never reused; every file and directory is fsynced before CURRENT names them;
 * a skipped file that is fixed later is picked up; readers keep answering during a reindex.
 */
import { localRetriever } from "../../src/search/index.js";
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createAnswerService } from "../../src/answer/answer-service.js";
import { ensureIndex } from "../../src/search/ensure-index.js";
import { HashEmbeddings } from "../../src/search/hash-embeddings.js";
import { observeSyncs, verifyFiles } from "../../src/search/index-files.js";
import { BM25_TF, IndexCorruptError, buildIndex, currentIndexDir, loadIndex, readManifest } from "../../src/search/index-store.js";
import { scratchCorpus } from "../helpers/index.js";
import { runCli } from "../helpers/cli.js";
import { ROOT } from "../helpers/paths.js";

const embeddings = new HashEmbeddings();
const QUESTION = "义乌前11个月直播带货多少场？";
const ANSWER = "21.2万场";

/** Every file of the current index directory, and CURRENT itself (paths relative to dataDir). */
function indexFiles(dataDir: string, dir: string): string[] {
  const out = ["CURRENT"];
  const walk = (sub: string) => {
    for (const e of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else out.push(path.relative(dataDir, path.join(dir, rel)));
    }
  };
  walk("");
  return out;
}

type Damage = "flip" | "truncate" | "empty";
function damage(file: string, how: Damage): void {
  const size = statSync(file).size;
  if (how === "empty") {
    truncateSync(file, 0);
    return;
  }
  if (how === "truncate") {
    truncateSync(file, Math.floor(size / 2));
    return;
  }
  const buf = readFileSync(file);
  const at = Math.floor(buf.length * 0.6);
  buf[at] = buf[at]! ^ 0x20;
  writeFileSync(file, buf);
}

async function answerAfterEnsure(corpusDir: string, dataDir: string) {
  const rebuilt: string[] = [];
  const { index } = await ensureIndex({ corpusDir, dataDir, embeddings, onBuild: (r) => rebuilt.push(r) });
  const a = await createAnswerService({ retriever: localRetriever(() => index) }).ask(QUESTION);
  return { rebuilt, excerpt: a.citations[0]?.excerpt ?? "" };
}

describe("damaged index files", () => {
  it("a bit flip, a truncation or an empty file in any index file: detected, rebuilt, answered right", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    await buildIndex({ corpusDir, dataDir, embeddings });
    // the keyword frequencies are not read to answer (see the next test)
    const files = indexFiles(dataDir, (await currentIndexDir(dataDir))!).filter((f) => !f.endsWith(BM25_TF));
    expect(files).toEqual(
      expect.arrayContaining([
        "CURRENT",
        expect.stringMatching(/manifest\.json$/),
        expect.stringMatching(/hnsw\/hnswlib\.index$/),
        expect.stringMatching(/vectors\.f32$/),
      ]),
    );
    let cases = 0;
    for (const how of ["flip", "truncate", "empty"] as const) {
      for (const rel of files) {
        // each case damages the index that is current now (the previous case rebuilt it)
        const dir = (await currentIndexDir(dataDir))!;
        const target = rel === "CURRENT" ? path.join(dataDir, rel) : path.join(dir, rel.split("/").slice(1).join("/"));
        damage(target, how);
        const r = await answerAfterEnsure(corpusDir, dataDir);
        expect(r.rebuilt, `${how} ${rel}`).toHaveLength(1);
        expect(r.excerpt, `${how} ${rel}`).toContain(ANSWER);
        cases++;
      }
    }
    expect(cases).toBe(files.length * 3);
  }, 120_000);

  it("damaged keyword frequencies (read only to publish to Postgres) do not stop answers; reading them names the file", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    await buildIndex({ corpusDir, dataDir, embeddings });
    for (const how of ["flip", "truncate"] as const) {
      damage(path.join((await currentIndexDir(dataDir))!, BM25_TF), how);
      const r = await answerAfterEnsure(corpusDir, dataDir);
      expect(r.rebuilt, how).toHaveLength(0);
      expect(r.excerpt, how).toContain(ANSWER);
      const index = await loadIndex(dataDir, embeddings);
      const err = (() => {
        try {
          index.bm25.columns();
        } catch (e) {
          return e;
        }
      })();
      expect(err, how).toBeInstanceOf(IndexCorruptError);
      expect((err as IndexCorruptError).file).toBe(BM25_TF);
      index.close();
    }
  });

  it("files checked on two threads (as a large index's are) name a damaged, truncated or missing file just the same", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    await buildIndex({ corpusDir, dataDir, embeddings });
    const dir = (await currentIndexDir(dataDir))!;
    const { checksums } = (await readManifest(dataDir))!;
    const names = Object.keys(checksums).filter((n) => n !== BM25_TF);
    const check = () =>
      verifyFiles(dir, checksums, names, { parallelFrom: 0 }).then(
        () => null,
        (e: unknown) => e,
      );
    expect(await check()).toBeNull();
    for (const [name, how] of [
      ["hnsw/hnswlib.index", "flip"],
      ["vectors.f32", "truncate"],
      ["chunks.bin", "flip"],
    ] as const) {
      const file = path.join(dir, name);
      const saved = readFileSync(file);
      damage(file, how);
      const err = await check();
      expect(err, name).toBeInstanceOf(IndexCorruptError);
      expect((err as IndexCorruptError).file).toBe(name);
      writeFileSync(file, saved);
    }
    rmSync(path.join(dir, "articles.idx"));
    expect(((await check()) as Error).message).toMatch(/articles\.idx cannot be read \(ENOENT\)/);
  });

  it("loadIndex names the damaged file (no raw parse error, nothing handed to the native reader)", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    await buildIndex({ corpusDir, dataDir, embeddings });
    const dir = (await currentIndexDir(dataDir))!;
    damage(path.join(dir, "hnsw", "hnswlib.index"), "flip");
    const err = await loadIndex(dataDir, embeddings).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexCorruptError);
    expect((err as IndexCorruptError).file).toBe("hnsw/hnswlib.index");
    expect((err as Error).message).toMatch(/does not match its checksum/);
  });

  it("`ask` on an index with a flipped HNSW graph rebuilds and answers (the process neither crashes nor loops)", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    await buildIndex({ corpusDir, dataDir, embeddings });
    damage(path.join((await currentIndexDir(dataDir))!, "hnsw", "hnswlib.index"), "flip");
    const run = (args: string[]) => runCli(args, { LOG_LEVEL: "info" });
    const first = await run(["ask", "--json", "--corpus", corpusDir, "--data", dataDir, QUESTION]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/damaged/);
    expect(JSON.parse(first.stdout).citations[0].excerpt).toContain(ANSWER);
    const second = await run(["ask", "--json", "--corpus", corpusDir, "--data", dataDir, QUESTION]);
    expect(second.code).toBe(0);
    expect(second.stderr).not.toMatch(/damaged|building/);
  }, 60_000);

  it("the bot process started on a flipped HNSW graph rebuilds and answers right", async () => {
    const { TelegramServer } = await import("telegram-test-api/lib/telegramServer.js");
    const { freePort } = await import("../helpers/bot-harness.js");
    const { corpusDir, dataDir } = scratchCorpus();
    await buildIndex({ corpusDir, dataDir, embeddings });
    damage(path.join((await currentIndexDir(dataDir))!, "hnsw", "hnswlib.index"), "flip");
    const server = new TelegramServer({ port: await freePort(), host: "127.0.0.1" });
    await server.start();
    const token = "4242:integrity-test";
    const env = {
      ...process.env,
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_API_ROOT: server.config.apiURL,
      CORPUS_DIR: corpusDir,
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
    };
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    try {
      const deadline = Date.now() + 60_000;
      while (!stderr.includes("long polling") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(stderr).toMatch(/damaged/);
      const client = server.getClient(token, { userId: 66, chatId: 66, type: "private" });
      await client.sendMessage(client.makeMessage(QUESTION));
      let reply: { text?: string } | undefined;
      while (!reply && Date.now() < deadline) {
        reply = server.storage.botMessages.find((u) => String(u.message.chat_id) === "66")?.message as { text?: string } | undefined;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(reply?.text).toContain(ANSWER);
    } finally {
      child.kill("SIGTERM");
      await server.stop();
    }
  }, 90_000);

  it("a truncated vectors.f32 is never reused by the next build: every vector is embedded again", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    await buildIndex({ corpusDir, dataDir, embeddings });
    truncateSync(path.join((await currentIndexDir(dataDir))!, "vectors.f32"), 0);
    writeFileSync(path.join(corpusDir, "zz-new.md"), "# 新文章\n\n义乌新开了一家书店。\n");
    const warnings: string[] = [];
    const built = await buildIndex({ corpusDir, dataDir, embeddings, onWarning: (w) => warnings.push(w.message) });
    expect(built.manifest.counts.reusedVectors).toBe(0);
    expect(warnings.join("\n")).toMatch(/previous vectors not reused/);
    const v = built.index.vectors;
    for (let i = 0; i < v.size; i++)
      expect(
        v.row(i).some((x) => x !== 0),
        `vector ${i}`,
      ).toBe(true);
  });

  it("every index file and directory is fsynced before CURRENT names it", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    const synced: string[] = [];
    observeSyncs((p) => synced.push(p));
    try {
      await buildIndex({ corpusDir, dataDir, embeddings });
    } finally {
      observeSyncs(undefined);
    }
    const dir = (await currentIndexDir(dataDir))!;
    const tmpName = synced.map((p) => /(\.tmp-index-[\w-]+)/.exec(p)?.[1]).find(Boolean)!;
    const asFinal = synced.map((p) => p.replace(tmpName, path.basename(dir)));
    const currentAt = asFinal.findIndex((p) => path.basename(p).startsWith("CURRENT."));
    expect(currentAt).toBeGreaterThan(0);
    const before = new Set(asFinal.slice(0, currentAt));
    for (const rel of indexFiles(dataDir, dir).filter((f) => f !== "CURRENT")) expect(before.has(path.join(dataDir, rel)), rel).toBe(true);
    for (const d of [dir, path.join(dir, "hnsw"), dataDir]) expect(before.has(d), d).toBe(true);
    expect(synced.at(-1)).toBe(dataDir); // the directory holding the renamed CURRENT, last
  });

  it("a file skipped as unreadable is picked up once it is fixed", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    const bad = path.join(corpusDir, "later.txt");
    writeFileSync(bad, Buffer.from([0, 1, 2, 3, 0, 0, 0, 9, 8, 7, 0, 0]));
    const first = await buildIndex({ corpusDir, dataDir, embeddings });
    expect(first.manifest.skipped.map((s) => s.path)).toEqual(["later.txt"]);
    // unchanged: still fresh, nothing rebuilt
    expect((await answerAfterEnsure(corpusDir, dataDir)).rebuilt).toEqual([]);
    writeFileSync(bad, "本报讯 义乌新开了一家测试书店，共有藏书三万册。\n\n测试书店开业\n");
    const r = await answerAfterEnsure(corpusDir, dataDir);
    expect(r.rebuilt[0]).toMatch(/later\.txt/);
    expect((await readManifest(dataDir))!.files.map((f) => f.path)).toContain("later.txt");
  });

  it("readers load while builds swap CURRENT and remove the old directory: no error, always a whole index", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    await buildIndex({ corpusDir, dataDir, embeddings });
    let building = true;
    const builds = (async () => {
      for (let i = 0; i < 4; i++) {
        writeFileSync(path.join(corpusDir, `zz-${i}.md`), `# 第${i}篇\n\n正文${i}。\n`);
        await buildIndex({ corpusDir, dataDir, embeddings });
      }
      building = false;
    })();
    let loads = 0;
    while (building) {
      const index = await loadIndex(dataDir, embeddings);
      expect(index.chunks.length).toBe(index.manifest.counts.chunks);
      loads++;
    }
    await builds;
    expect(loads).toBeGreaterThan(1);
  }, 60_000);
});
