/**
 * The Postgres backend (issue #17) on a real Postgres engine: PGlite with pgvector behind
 * pglite-socket (or the server TEST_DATABASE_URL names), through the ordinary `pg` client.
 * Retrieval matches the local backend exactly on the seed questions; a reindex publishes a new
 * generation beside the serving one; `npm run index` killed with SIGKILL at every publishing step
 * leaves the old generation serving and nothing half-built visible, and the next reindex cleans up.
 */
import { appendFileSync, readFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnswerService } from "../../src/answer/index.js";
import { buildIndex, createPgPool, HashEmbeddings, localRetriever, openPgLibrary, PG_CHECKPOINTS } from "../../src/search/index.js";
import { runCli } from "../helpers/cli.js";
import { scratchCorpus } from "../helpers/index.js";
import { FIXTURES } from "../helpers/paths.js";
import { startTestPg, type TestPg } from "../helpers/pg-server.js";

const questions = readFileSync(path.join(FIXTURES, "eval", "seeds-dev.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => (JSON.parse(l) as { question: string }).question);

let db: TestPg;
let pool: pg.Pool;
beforeAll(async () => {
  db = await startTestPg();
  pool = createPgPool(db.url);
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await db?.stop();
});

const tables = async (): Promise<string[]> =>
  (
    await pool.query<{ t: string }>(
      "SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema() AND tablename ~ '^citebot_(chunks|articles|terms)_g[0-9]+$'",
    )
  ).rows
    .map((r) => r.t)
    .sort();
const generations = async () =>
  (await pool.query<{ id: string; status: string }>("SELECT id, status FROM citebot_generations ORDER BY id")).rows.map(
    (r) => `${r.id}:${r.status}`,
  );
const pointer = async () => Number((await pool.query("SELECT generation FROM citebot_current")).rows[0].generation);

describe("Postgres backend", () => {
  it("retrieves exactly what the local backend retrieves, and answers the seed questions identically", async () => {
    const { corpusDir, dataDir, root } = scratchCorpus();
    const embeddings = new HashEmbeddings();
    const { index } = await buildIndex({ corpusDir, dataDir, embeddings });
    const local = localRetriever(() => index)();
    const library = await openPgLibrary({ pool, corpusDir, dataDir: path.join(root, "pg-data"), embeddings });
    try {
      const remote = library.retriever();
      expect(remote.size).toBe(local.size);
      expect(remote.newestDate).toBe(local.newestDate);
      for (const q of questions) {
        const [a, b] = [await local.retrieve(q, 8), await remote.retrieve(q, 8)];
        expect(b.terms, q).toEqual(a.terms);
        expect(
          b.hits.map((h) => h.chunk.id),
          q,
        ).toEqual(a.hits.map((h) => h.chunk.id));
        b.hits.forEach((h, i) => {
          expect(h.bm25).toBeCloseTo(a.hits[i]!.bm25, 4);
          expect(h.vector).toBeCloseTo(a.hits[i]!.vector, 5);
          expect(h.chunk.text).toBe(a.hits[i]!.chunk.text);
        });
      }
      const viaLocal = createAnswerService({ retriever: () => local });
      const viaPg = createAnswerService({ retriever: library.retriever });
      for (const q of questions) {
        const [x, y] = [await viaLocal.ask(q), await viaPg.ask(q)];
        expect(y.answer, q).toBe(x.answer);
        expect(
          y.citations.map((c) => [c.source, c.title, c.excerpt]),
          q,
        ).toEqual(x.citations.map((c) => [c.source, c.title, c.excerpt]));
      }
      expect(library.articles().length).toBe(index.articles.length);
      expect(library.info().chunks).toBe(index.chunks.length);
    } finally {
      await library.close();
    }
  }, 120_000);

  it("a reindex publishes a new generation; the one before stays for replicas finishing on it, older ones are dropped", async () => {
    const { corpusDir, root } = scratchCorpus();
    const library = await openPgLibrary({ pool, corpusDir, dataDir: path.join(root, "data"), embeddings: new HashEmbeddings() });
    try {
      const first = library.generation();
      // replica B: its own pool, and it never polls (it may still hear NOTIFY)
      const poolB = createPgPool(db.url);
      const replicaB = await openPgLibrary({
        pool: poolB,
        corpusDir,
        dataDir: path.join(root, "data-b"),
        embeddings: new HashEmbeddings(),
        pollMs: 3_600_000,
      });
      expect(replicaB.generation()).toBe(first);
      appendFileSync(path.join(corpusDir, "003_5eb574128d76753f.txt"), "\n\n本报讯 义乌今年新开通了第七条国际货运班列，通往波兰罗兹。\n");
      const r = await library.reindex();
      expect(r.diff.changed).toEqual(["003_5eb574128d76753f.txt"]);
      expect(library.generation()).toBeGreaterThan(first);
      expect(await pointer()).toBe(library.generation());
      const hit = (await library.retriever().retrieve("义乌第七条国际货运班列通往哪里？", 1)).hits[0];
      expect(hit?.chunk.text).toContain("波兰罗兹");
      await library.reindex();
      await library.reindex();
      // serving and the one before it keep their tables; everything older is retired and dropped
      const live = (await generations()).filter((g) => !g.endsWith("retired"));
      expect(live).toHaveLength(2);
      expect(await tables()).not.toContain(`citebot_chunks_g${first}`);
      // a replica whose generation was dropped under it moves on to the current one instead of failing
      expect((await replicaB.retriever().retrieve("义乌第七条国际货运班列通往哪里？", 1)).hits[0]?.chunk.text).toContain("波兰罗兹");
      expect(replicaB.generation()).toBe(library.generation());
      await replicaB.close();
      await poolB.end();
    } finally {
      await library.close();
    }
  }, 180_000);

  it("SIGKILL at every step of publishing leaves the old generation serving, nothing half-built visible; the next reindex cleans up", async () => {
    const { corpusDir, root } = scratchCorpus();
    const dataDir = path.join(root, "data");
    const env = { DATABASE_URL: db.url, DATABASE_LEASE_MS: "1000" };
    const first = await runCli(["index", "--corpus", corpusDir, "--data", dataDir], env);
    expect(first.code, first.stderr).toBe(0);
    const serving = await pointer();
    const reader = await openPgLibrary({
      pool,
      corpusDir,
      dataDir: path.join(root, "reader"),
      embeddings: new HashEmbeddings(),
      pollMs: 100,
    });
    const q = "义乌前11个月直播带货多少场？";
    const before = (await reader.retriever().retrieve(q, 3)).hits.map((h) => h.chunk.id);
    try {
      for (const point of PG_CHECKPOINTS.filter((p) => p !== "pg-flipped")) {
        appendFileSync(path.join(corpusDir, "004_2c58187224ef0ee6.txt"), `\n\n本报讯 ${point} 这是一条新增的短讯。\n`);
        const run = await runCli(["index", "--corpus", corpusDir, "--data", dataDir], { ...env, CITEBOT_FAULT: `crash@${point}` });
        expect(run.signal, point).toBe("SIGKILL");
        // the pointer has not moved, the reader still answers from the old generation, and the dead
        // generation never became ready
        expect(await pointer(), point).toBe(serving);
        expect(reader.generation(), point).toBe(serving);
        expect(
          (await reader.retriever().retrieve(q, 3)).hits.map((h) => h.chunk.id),
          point,
        ).toEqual(before);
        const ready = (await generations()).filter((g) => g.endsWith(":ready")).map((g) => Number(g.split(":")[0]));
        expect(
          ready.filter((id) => id > serving),
          point,
        ).toEqual(point === "pg-ready" ? [ready.at(-1)] : []);
        await new Promise((r) => setTimeout(r, 1100)); // the dead holder's lease runs out
      }
      const left = (await tables()).length;
      expect(left).toBeGreaterThan(3); // the dead builds' tables are still there
      const clean = await runCli(["index", "--corpus", corpusDir, "--data", dataDir], env);
      expect(clean.code, clean.stderr).toBe(0);
      const now = await pointer();
      expect(now).toBeGreaterThan(serving);
      // only the serving generation and the one before it keep tables; the dead ones are retired
      expect(await tables()).toEqual(
        [serving, now].flatMap((g) => [`citebot_articles_g${g}`, `citebot_chunks_g${g}`, `citebot_terms_g${g}`]).sort(),
      );
      expect((await generations()).filter((g) => g.endsWith(":building"))).toEqual([]);
      await new Promise((r) => setTimeout(r, 400)); // the reader polls and moves on
      expect(reader.generation()).toBe(now);
    } finally {
      await reader.close();
    }
  }, 300_000);

  it("a generation that cannot be loaded is reported and skipped: the replica keeps serving and still moves on to the next one", async () => {
    const { corpusDir, root } = scratchCorpus();
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    const library = await openPgLibrary({
      pool,
      corpusDir,
      dataDir: path.join(root, "data"),
      embeddings: new HashEmbeddings(),
      pollMs: 50,
      onError,
    });
    try {
      const good = library.generation();
      const broken = await pool.query(
        "INSERT INTO citebot_generations (build_id, status, dimensions) VALUES ('broken', 'building', 128) RETURNING id",
      );
      await pool.query("UPDATE citebot_current SET generation = $1", [broken.rows[0].id]);
      for (let i = 0; i < 200 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(String(errors[0])).toMatch(/not ready/);
      expect(library.generation()).toBe(good);
      expect((await library.retriever().retrieve("义乌前11个月直播带货多少场？", 1)).hits).toHaveLength(1);
      await library.reindex();
      expect(library.generation()).toBeGreaterThan(Number(broken.rows[0].id));
    } finally {
      await library.close();
    }
  }, 120_000);
});
