/**
 * The Postgres schema, as numbered migrations applied at start (each once, in order, inside one
 * transaction that holds the migrations table locked, so replicas starting together apply each once).
 * Per-generation tables (`citebot_chunks_g<N>`, `…_articles_g<N>`, `…_terms_g<N>`: the postings) are made by a
 * reindex (pg-publish.ts), not here: a generation is built beside the serving one and dropped whole.
 */
import type pg from "pg";

/** What the backend needs of a client or pool (both have it). */
export type Db = Pick<pg.Pool, "query">;

export const MIGRATIONS: readonly string[] = [
  // 1: generations, the serving pointer, and leases (a reindex holds one; it expires when its holder dies)
  `CREATE EXTENSION IF NOT EXISTS vector;
   CREATE TABLE citebot_generations (
     id bigserial PRIMARY KEY,
     build_id text NOT NULL,
     status text NOT NULL CHECK (status IN ('building', 'ready', 'retired')),
     created_at timestamptz NOT NULL DEFAULT now(),
     manifest jsonb,
     documents integer NOT NULL DEFAULT 0,
     lengths bytea,
     dimensions integer NOT NULL
   );
   CREATE TABLE citebot_current (
     singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
     generation bigint REFERENCES citebot_generations (id),
     changed_at timestamptz NOT NULL DEFAULT now()
   );
   INSERT INTO citebot_current (singleton, generation) VALUES (true, NULL);
   CREATE TABLE citebot_leases (name text PRIMARY KEY, holder text NOT NULL, expires_at timestamptz NOT NULL);`,
  // 2: bot state shared by replicas (grammY sessions, which hold the follow-up history, live in the
  // storage adapter's own table, citebot_sessions)
  `CREATE TABLE citebot_answers (
     key text PRIMARY KEY,
     chat_id bigint NOT NULL,
     message_id bigint,
     value jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE INDEX citebot_answers_message ON citebot_answers (chat_id, message_id);
   CREATE TABLE citebot_feedback (
     key text PRIMARY KEY,
     answer_id text,
     value jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE INDEX citebot_feedback_answer ON citebot_feedback (answer_id);
   CREATE TABLE citebot_rate (key text PRIMARY KEY, hits integer NOT NULL, expires_at bigint);
   CREATE TABLE citebot_secrets (name text PRIMARY KEY, value bytea NOT NULL);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Applies the migrations this database lacks; returns the schema version now. */
export async function migrate(pool: pg.Pool): Promise<number> {
  await pool.query(
    "CREATE TABLE IF NOT EXISTS citebot_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
  );
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("LOCK TABLE citebot_migrations IN EXCLUSIVE MODE");
    const { rows } = await client.query<{ v: number | null }>("SELECT max(version) AS v FROM citebot_migrations");
    const have = rows[0]?.v ?? 0;
    if (have > MIGRATIONS.length) throw new Error(`the database schema is version ${have}, newer than this citebot (${MIGRATIONS.length})`);
    for (let v = have + 1; v <= MIGRATIONS.length; v++) {
      await client.query(MIGRATIONS[v - 1]!);
      await client.query("INSERT INTO citebot_migrations (version) VALUES ($1)", [v]);
    }
    await client.query("COMMIT");
    return MIGRATIONS.length;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** The serving generation's id, or null before the first reindex. */
export async function currentGeneration(db: Db): Promise<number | null> {
  const { rows } = await db.query<{ generation: string | null }>("SELECT generation FROM citebot_current WHERE singleton");
  const g = rows[0]?.generation;
  return g == null ? null : Number(g);
}

/** Table names of a generation (ids are integers from the sequence: safe to splice into SQL). */
export function generationTables(id: number): { chunks: string; articles: string; terms: string } {
  if (!Number.isSafeInteger(id) || id < 1) throw new Error(`bad generation id ${id}`);
  return { chunks: `citebot_chunks_g${id}`, articles: `citebot_articles_g${id}`, terms: `citebot_terms_g${id}` };
}

/**
 * Takes (or renews) the named lease for `holder` when it is free, expired or already theirs.
 * A lease, not an advisory lock: it also works where sessions are shared (PGlite behind
 * pglite-socket) and through poolers, and it frees itself when its holder dies without a word.
 */
export async function takeLease(db: Db, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO citebot_leases (name, holder, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
     WHERE citebot_leases.expires_at < now() OR citebot_leases.holder = EXCLUDED.holder
     RETURNING holder`,
    [name, holder, ttlMs],
  );
  return r.rowCount === 1;
}

export async function dropLease(db: Db, name: string, holder: string): Promise<void> {
  await db.query("DELETE FROM citebot_leases WHERE name = $1 AND holder = $2", [name, holder]);
}
