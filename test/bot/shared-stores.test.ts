/**
 * Bot state shared through Postgres (PGlite over the wire protocol, or TEST_DATABASE_URL): what one
 * replica keeps, another finds — answers behind buttons (by id and by message), votes (once per
 * user and answer), sessions (the follow-up history) and rate-limit windows.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Answer } from "../../src/answer/index.js";
import type { FeedbackRecord } from "../../src/bot/feedback-store.js";
import { createSharedStores } from "../../src/bot/index.js";
import { migrate } from "../../src/search/pg-schema.js";
import { extractiveAnswer } from "../helpers/index.js";
import { startTestPg, type TestPg } from "../helpers/pg-server.js";

let db: TestPg;
let pool: pg.Pool;
beforeAll(async () => {
  db = await startTestPg();
  pool = new pg.Pool({ connectionString: db.url });
  expect(await migrate(pool)).toBe(2);
  expect(await migrate(pool)).toBe(2); // applied once
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await db?.stop();
});

const answer = (question: string): Answer => ({ ...extractiveAnswer([], ["义乌"], "21.2万场"), question });
const vote = (over: Partial<FeedbackRecord>): FeedbackRecord => ({
  at: new Date().toISOString(),
  vote: "up",
  question: "义乌前11个月直播带货多少场？",
  answer: "21.2万场",
  citations: [],
  user: "u1",
  answerId: "a1",
  ...over,
});

describe("shared bot stores", () => {
  it("an answer bound on replica A is found on replica B, by its button id and by its message", async () => {
    const [a, b] = [await createSharedStores(pool), await createSharedStores(pool)];
    const id = a.memory.remember(answer("义乌前11个月直播带货多少场？"), { chatId: -100, ownerId: 7 });
    await a.memory.bind(id, 555);
    expect(b.memory.get(id)).toBeUndefined();
    await b.memory.load?.({ id });
    expect(b.memory.check(id, { chatId: -100, messageId: 555, userId: 9 })).toMatchObject({ ok: true });
    expect(b.memory.check(id, { chatId: -100, messageId: 556, userId: 9 })).toMatchObject({ ok: false, why: "elsewhere" });
    const c = await createSharedStores(pool);
    await c.memory.load?.({ chatId: -100, messageId: 555 });
    expect(c.memory.find(-100, 555)?.value.question).toBe("义乌前11个月直播带货多少场？");
    c.memory.forget(id);
    await new Promise((r) => setTimeout(r, 100));
    const d = await createSharedStores(pool);
    await d.memory.load?.({ id });
    expect(d.memory.get(id)).toBeUndefined();
  });

  it("a vote counts once per user and answer whichever replica records it; a changed vote replaces it", async () => {
    const [a, b] = [await createSharedStores(pool), await createSharedStores(pool)];
    expect(await a.feedback.record(vote({}))).toBe("recorded");
    expect(await b.feedback.record(vote({}))).toBe("unchanged");
    expect(await b.feedback.record(vote({ user: "u2" }))).toBe("recorded");
    expect(await a.feedback.tally("a1")).toEqual({ up: 2, down: 0 });
    expect(await b.feedback.record(vote({ vote: "down", reason: "wrong" }))).toBe("recorded");
    expect(await a.feedback.record(vote({ vote: "down", reason: "wrong" }))).toBe("unchanged");
    expect(await a.feedback.tally("a1")).toEqual({ up: 1, down: 1 });
    const all = await b.feedback.all();
    expect(all).toHaveLength(2);
    const set = await a.feedback.exportEvalSet();
    expect(set.count).toBe(1); // one question, its latest vote
    expect(set.down).toBe(1);
  });

  it("sessions (the follow-up history) written by one replica are read by the other", async () => {
    const [a, b] = [await createSharedStores(pool), await createSharedStores(pool)];
    await a.sessions.write("42", { turns: [{ question: "义乌的市长是谁？", at: 1 }] });
    expect(await b.sessions.read("42")).toEqual({ turns: [{ question: "义乌的市长是谁？", at: 1 }] });
    await b.sessions.delete("42");
    expect(await a.sessions.read("42")).toBeUndefined();
  });

  it("rate-limit windows count across replicas and start afresh when they expire", async () => {
    const [a, b] = [await createSharedStores(pool), await createSharedStores(pool)];
    expect(await a.rate.incr("u:1")).toBe(1);
    await a.rate.pexpire("u:1", 300);
    expect(await b.rate.incr("u:1")).toBe(2);
    expect(await a.rate.incr("u:1")).toBe(3);
    expect(await b.rate.incr("u:2")).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(await b.rate.incr("u:1")).toBe(1);
  });
});
