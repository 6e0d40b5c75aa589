/**
 * Writing an index into Postgres as a new generation: its own tables, filled in batches outside any
 * long transaction (readers are never blocked), indexed (GIN over the keyword tsvector, HNSW over
 * the vectors), marked ready, and only then made current by one short transaction that flips the
 * pointer and notifies the replicas. A crash at any point leaves the pointer on the old generation;
 * the next reindex drops what the dead one left (`cleanupGenerations`).
 */
import type { Article } from "../ingest/index.js";
import { mean } from "./bm25-util.js";
import { chunkTitle, type SearchIndex } from "./index-format.js";
import { type Db, generationTables } from "./pg-schema.js";
import { tokenize } from "./text-normalize.js";

export const PG_CHECKPOINTS = ["pg-created", "pg-rows", "pg-indexed", "pg-ready", "pg-flipped"] as const;
export type PgCheckpoint = (typeof PG_CHECKPOINTS)[number];
export const GENERATION_CHANNEL = "citebot_generation";

/** Largest position a tsvector keeps; a lexeme keeps at most 256 of them. */
const MAX_POSITION = 16383;
const MAX_LEXEME_BYTES = 2046;
const BATCH = 500;

/** A lexeme quoted for tsvector or tsquery input (taken verbatim: no parser, no normalisation). */
export const quoteLexeme = (t: string): string => `'${t.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;

const usable = (t: string): boolean => t.length > 0 && Buffer.byteLength(t) <= MAX_LEXEME_BYTES;

/** One chunk's keyword fields as a tsvector: body tokens at weight D, title tokens at weight A (term frequency = positions per weight). */
export function tsvectorLiteral(body: string[], title: string[]): string {
  const positions = new Map<string, string[]>();
  let p = 0;
  const add = (tokens: string[], weight: string) => {
    for (const t of tokens) {
      if (++p > MAX_POSITION) return;
      if (!usable(t)) continue;
      const list = positions.get(t) ?? [];
      if (list.length === 0) positions.set(t, list);
      list.push(`${p}${weight}`);
    }
  };
  add(body, "D");
  add(title, "A");
  return [...positions].map(([t, ps]) => `${quoteLexeme(t)}:${ps.join(",")}`).join(" ");
}

export const tsqueryLiteral = (terms: string[]): string => terms.filter(usable).map(quoteLexeme).join(" | ");

export const vectorLiteral = (v: ArrayLike<number>): string => `[${Array.from(v).join(",")}]`;

export interface PublishOptions {
  checkpoint?: (point: PgCheckpoint) => Promise<void>;
  onProgress?: (done: number, total: number) => void;
}

interface KeywordFields {
  /** Per chunk: its tsvector literal and its two field lengths (in tokens). */
  tsv: string[];
  bodyLen: Float32Array;
  titleLen: Float32Array;
  df: Map<string, number>;
}

/** The keyword side of every chunk, tokenised exactly as the local BM25 index does. */
function keywordFields(index: SearchIndex): KeywordFields {
  const titles = new Map<string, string[]>();
  const titleTokens = (a: Article): string[] => {
    let t = titles.get(a.id);
    if (!t) titles.set(a.id, (t = chunkTitle(a) ? tokenize(chunkTitle(a)) : []));
    return t;
  };
  const bodyLen = new Float32Array(index.chunks.length);
  const titleLen = new Float32Array(index.chunks.length);
  const df = new Map<string, number>();
  const tsv = index.chunks.map((c, d) => {
    const body = tokenize(c.text);
    const title = titleTokens(index.articleById.get(c.articleId)!);
    bodyLen[d] = body.length;
    titleLen[d] = title.length;
    for (const t of new Set([...body, ...title])) df.set(t, (df.get(t) ?? 0) + 1);
    return tsvectorLiteral(body, title);
  });
  return { tsv, bodyLen, titleLen, df };
}

async function createTables(db: Db, t: ReturnType<typeof generationTables>, dims: number): Promise<void> {
  await db.query(`CREATE TABLE ${t.articles} (ord integer PRIMARY KEY, id text NOT NULL UNIQUE, data jsonb NOT NULL)`);
  await db.query(`CREATE TABLE ${t.terms} (term text PRIMARY KEY, df integer NOT NULL)`);
  await db.query(
    `CREATE TABLE ${t.chunks} (doc integer PRIMARY KEY, id text NOT NULL, article_id text NOT NULL, ordinal integer NOT NULL,
       start_at integer NOT NULL, end_at integer NOT NULL, text text NOT NULL, body_len real NOT NULL, title_len real NOT NULL,
       tsv tsvector NOT NULL, embedding vector(${dims}) NOT NULL)`,
  );
}

/** Inserts articles, terms and chunks in batches (each its own statement: no long transaction). */
async function writeRows(
  db: Db,
  t: ReturnType<typeof generationTables>,
  index: SearchIndex,
  k: KeywordFields,
  onProgress?: PublishOptions["onProgress"],
) {
  const total = index.articles.length + k.df.size + index.chunks.length;
  let done = 0;
  const batches = async <T>(items: T[], write: (batch: T[], from: number) => Promise<unknown>) => {
    for (let i = 0; i < items.length; i += BATCH) {
      await write(items.slice(i, i + BATCH), i);
      done += Math.min(BATCH, items.length - i);
      onProgress?.(done, total);
    }
  };
  await batches(index.articles, (b, from) =>
    db.query(`INSERT INTO ${t.articles} SELECT * FROM unnest($1::int[], $2::text[], $3::jsonb[])`, [
      b.map((_, i) => from + i),
      b.map((a) => a.id),
      b.map((a) => JSON.stringify(a)),
    ]),
  );
  await batches([...k.df], (b) =>
    db.query(`INSERT INTO ${t.terms} SELECT * FROM unnest($1::text[], $2::int[])`, [b.map(([term]) => term), b.map(([, n]) => n)]),
  );
  await batches(index.chunks, (b, from) => {
    const at = (i: number) => from + i;
    return db.query(
      `INSERT INTO ${t.chunks} SELECT d, i, a, o, s, e, x, bl, tl, v::tsvector, emb::vector
       FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::text[], $8::real[], $9::real[], $10::text[], $11::text[])
         AS u(d, i, a, o, s, e, x, bl, tl, v, emb)`,
      [
        b.map((_, i) => at(i)),
        b.map((c) => c.id),
        b.map((c) => c.articleId),
        b.map((c) => c.ordinal),
        b.map((c) => c.start),
        b.map((c) => c.end),
        b.map((c) => c.text),
        b.map((_, i) => k.bodyLen[at(i)]),
        b.map((_, i) => k.titleLen[at(i)]),
        b.map((_, i) => k.tsv[at(i)]),
        b.map((_, i) => vectorLiteral(index.vectors.row(at(i)))),
      ],
    );
  });
}

/** Writes the index as a new generation and makes it current; returns its id. */
export async function publishGeneration(db: Db, index: SearchIndex, options: PublishOptions = {}): Promise<number> {
  const hit = async (p: PgCheckpoint) => options.checkpoint?.(p);
  const k = keywordFields(index);
  const dims = index.embeddings.dimensions;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO citebot_generations (build_id, status, manifest, documents, avg_body, avg_title, dimensions)
     VALUES ($1, 'building', $2, $3, $4, $5, $6) RETURNING id`,
    [index.manifest.buildId, JSON.stringify(index.manifest), index.chunks.length, mean(k.bodyLen), mean(k.titleLen), dims],
  );
  const id = Number(rows[0]!.id);
  const t = generationTables(id);
  await createTables(db, t, dims);
  await hit("pg-created");
  await writeRows(db, t, index, k, options.onProgress);
  await hit("pg-rows");
  const { m, efConstruction } = index.manifest.hnsw;
  await db.query(`CREATE INDEX ${t.chunks}_tsv ON ${t.chunks} USING gin (tsv)`);
  await db.query(
    `CREATE INDEX ${t.chunks}_hnsw ON ${t.chunks} USING hnsw (embedding vector_cosine_ops) WITH (m = ${m}, ef_construction = ${efConstruction})`,
  );
  await hit("pg-indexed");
  await db.query("UPDATE citebot_generations SET status = 'ready' WHERE id = $1", [id]);
  await hit("pg-ready");
  // one statement: the pointer moves and the replicas hear of it, or neither happens
  await db.query(
    `WITH flip AS (UPDATE citebot_current SET generation = $1, changed_at = now() WHERE singleton RETURNING generation)
     SELECT pg_notify('${GENERATION_CHANNEL}', generation::text) FROM flip`,
    [id],
  );
  await hit("pg-flipped");
  return id;
}

/**
 * Drops the tables of generations that are neither serving nor the one before it (kept a while
 * for replicas still finishing a question on it), and of builds that died. Run under the reindex lease.
 */
export async function cleanupGenerations(db: Db): Promise<number[]> {
  const { rows } = await db.query<{ id: string }>(
    `WITH cur AS (SELECT generation FROM citebot_current WHERE singleton),
          prev AS (SELECT max(id) AS id FROM citebot_generations WHERE status = 'ready' AND id < coalesce((SELECT generation FROM cur), 0))
     SELECT id FROM citebot_generations
     WHERE status <> 'retired' AND id IS DISTINCT FROM (SELECT generation FROM cur) AND id IS DISTINCT FROM (SELECT id FROM prev)
     ORDER BY id`,
  );
  const dropped: number[] = [];
  for (const r of rows) {
    const id = Number(r.id);
    const t = generationTables(id);
    await db.query(`DROP TABLE IF EXISTS ${t.chunks}, ${t.articles}, ${t.terms}`);
    await db.query("UPDATE citebot_generations SET status = 'retired' WHERE id = $1", [id]);
    dropped.push(id);
  }
  return dropped;
}
