/**
 * Bot state in Postgres (DATABASE_URL), shared by replicas: grammY sessions (the follow-up history)
 * through the maintained adapter `@grammyjs/storage-psql`; the answers behind the buttons; 👍/👎
 * feedback (one row per user and answer, its latest vote); and the rate limit's counters (the
 * limiter's Redis-style increment/expire, served from a table). The tables are made by the
 * migrations the library applies at start (search/pg-schema.ts).
 */
import { PsqlAdapter } from "@grammyjs/storage-psql";
import type { StorageAdapter } from "grammy";
import type { Answer } from "../answer/index.js";
import { type AnswerMemory, createTokenStore, type Remembered } from "./answer-memory.js";
import type { ChatSession } from "./context.js";
import { evalSetOf, type FeedbackRecord, type FeedbackStore } from "./feedback-store.js";

/** What the stores need of a `pg` pool. */
export interface Queryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}

/** The limiter's store interface (@grammyjs/ratelimiter calls `incr`, then `pexpire` on a window's first hit). */
export interface RateCounter {
  incr(key: string): Promise<number>;
  pexpire(key: string, ms: number): Promise<number>;
}

export interface SharedStores {
  sessions: StorageAdapter<ChatSession>;
  memory: AnswerMemory;
  feedback: FeedbackStore;
  rate: RateCounter;
}

/** Answers kept this many days for their buttons. */
const ANSWER_DAYS = 30;
const NOW_MS = "floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

export async function createSharedStores(db: Queryable, options: { onError?: (err: unknown) => void } = {}): Promise<SharedStores> {
  const sessions = (await PsqlAdapter.create({ tableName: "citebot_sessions", client: db as never })) as StorageAdapter<ChatSession>;
  return { sessions, memory: sharedAnswerMemory(db, options.onError), feedback: sharedFeedback(db), rate: sharedRateCounter(db) };
}

/** Answers in this process for speed, in Postgres for the other replicas (and restarts). */
export function sharedAnswerMemory(db: Queryable, onError?: (err: unknown) => void, capacity = 2000): AnswerMemory {
  const store = createTokenStore<Answer>(capacity);
  let binds = 0;
  const restore = (rows: { key: string; value: Remembered<Answer> }[]) => {
    for (const r of rows) store.restore(r.key, r.value);
  };
  return {
    ...store,
    async bind(id, messageId) {
      store.bind(id, messageId);
      const e = store.get(id);
      if (!e) return;
      try {
        await db.query(
          `INSERT INTO citebot_answers (key, chat_id, message_id, value) VALUES ($1, $2, $3, $4)
           ON CONFLICT (key) DO UPDATE SET message_id = EXCLUDED.message_id, value = EXCLUDED.value`,
          [id, e.chatId, messageId, JSON.stringify(e)],
        );
        if (++binds % 500 === 0) await db.query(`DELETE FROM citebot_answers WHERE created_at < now() - interval '${ANSWER_DAYS} days'`);
      } catch (err) {
        onError?.(err);
      }
    },
    forget(id) {
      store.forget(id);
      db.query("DELETE FROM citebot_answers WHERE key = $1", [id]).catch((err) => onError?.(err));
    },
    async load(key) {
      if ("id" in key) {
        if (store.get(key.id)) return;
        restore(
          (await db.query<{ key: string; value: Remembered<Answer> }>("SELECT key, value FROM citebot_answers WHERE key = $1", [key.id]))
            .rows,
        );
        return;
      }
      if (store.find(key.chatId, key.messageId)) return;
      const { rows } = await db.query<{ key: string; value: Remembered<Answer> }>(
        "SELECT key, value FROM citebot_answers WHERE chat_id = $1 AND message_id = $2",
        [key.chatId, key.messageId],
      );
      restore(rows);
    },
  };
}

/** 👍/👎 in Postgres: a user's second press of the same vote on the same answer changes nothing. */
export function sharedFeedback(db: Queryable): FeedbackStore {
  const all = async () =>
    (await db.query<{ value: FeedbackRecord }>("SELECT value FROM citebot_feedback ORDER BY updated_at, key")).rows.map((r) => r.value);
  return {
    async record(r) {
      const key = r.answerId ? `${r.answerId}:${r.user}` : `${r.at}:${r.user}:${Math.random().toString(36).slice(2)}`;
      const { rowCount } = await db.query(
        `INSERT INTO citebot_feedback (key, answer_id, value) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
         WHERE citebot_feedback.value->>'vote' IS DISTINCT FROM EXCLUDED.value->>'vote'
            OR (EXCLUDED.value ? 'reason' AND citebot_feedback.value->>'reason' IS DISTINCT FROM EXCLUDED.value->>'reason')`,
        [key, r.answerId ?? null, JSON.stringify(r)],
      );
      return rowCount === 1 ? "recorded" : "unchanged";
    },
    all,
    async tally(answerId) {
      const { rows } = await db.query<{ vote: "up" | "down"; n: number }>(
        "SELECT value->>'vote' AS vote, count(*)::int AS n FROM citebot_feedback WHERE answer_id = $1 GROUP BY 1",
        [answerId],
      );
      const out = { up: 0, down: 0 };
      for (const r of rows) out[r.vote] = r.n;
      return out;
    },
    exportEvalSet: async () => evalSetOf(await all()),
  };
}

/** Fixed-window counters in a table, on the database's clock (replicas' clocks may differ). */
export function sharedRateCounter(db: Queryable): RateCounter {
  return {
    async incr(key) {
      const { rows } = await db.query<{ hits: number }>(
        `INSERT INTO citebot_rate AS r (key, hits, expires_at) VALUES ($1, 1, NULL)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN r.expires_at <= ${NOW_MS} THEN 1 ELSE r.hits + 1 END,
           expires_at = CASE WHEN r.expires_at <= ${NOW_MS} THEN NULL ELSE r.expires_at END
         RETURNING hits`,
        [key],
      );
      return rows[0]!.hits;
    },
    pexpire: async (key, ms) =>
      (await db.query(`UPDATE citebot_rate SET expires_at = ${NOW_MS} + $2 WHERE key = $1`, [key, Math.round(ms)])).rowCount ?? 0,
  };
}
