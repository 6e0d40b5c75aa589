/**
 * Writing an index into Postgres as a new generation: its own tables, filled in batches outside any
 * long transaction (readers are never blocked) — the keyword index's postings one row per term (the
 * local index's columns as they are), chunks with their vectors under an HNSW index — marked ready, and only then made current by one short transaction that flips the
 * pointer and notifies the replicas. A crash at any point leaves the pointer on the old generation;
 * the next reindex drops what the dead one left (`cleanupGenerations`).
 */
import type { Manifest, SearchIndex } from "./index-format.js";
import { type Db, generationTables } from "./pg-schema.js";

export const PG_CHECKPOINTS = ["pg-created", "pg-rows", "pg-indexed", "pg-ready", "pg-flipped"] as const;
export type PgCheckpoint = (typeof PG_CHECKPOINTS)[number];
export const GENERATION_CHANNEL = "citebot_generation";

const BATCH = 500;
/** Memory for building a generation's HNSW index (pgvector builds on disk past it). */
export const HNSW_BUILD_MEMORY = "512MB";
/** Postings per batch of term rows. */
const POSTINGS_BATCH = 100_000;

export const vectorLiteral = (v: ArrayLike<number>): string => `[${Array.from(v).join(",")}]`;

/** Field lengths as stored in a generation's row: body lengths, then title lengths (float32). */
export function lengthsBlob(bodyLen: Float32Array, titleLen: Float32Array): Buffer {
  return Buffer.concat([
    Buffer.from(bodyLen.buffer, bodyLen.byteOffset, bodyLen.byteLength),
    Buffer.from(titleLen.buffer, titleLen.byteOffset, titleLen.byteLength),
  ]);
}

export function readLengths(blob: Buffer, documents: number): { bodyLen: Float32Array; titleLen: Float32Array } {
  const all = new Float32Array(new Uint8Array(blob).buffer, 0, 2 * documents);
  return { bodyLen: all.subarray(0, documents), titleLen: all.subarray(documents) };
}

export interface PublishOptions {
  /** The build's whole manifest, its file list included (replicas check freshness against it). */
  manifest: Manifest;
  checkpoint?: (point: PgCheckpoint) => Promise<void>;
  onProgress?: (done: number, total: number) => void;
}

async function createTables(db: Db, t: ReturnType<typeof generationTables>, dims: number): Promise<void> {
  await db.query(`CREATE TABLE ${t.articles} (ord integer PRIMARY KEY, id text NOT NULL UNIQUE, data jsonb NOT NULL)`);
  // a term's postings as the local index holds them: documents ascending (int32), term frequencies
  // packed body << 16 | title (uint32), little-endian
  await db.query(`CREATE TABLE ${t.terms} (term text PRIMARY KEY, df integer NOT NULL, docs bytea NOT NULL, tfs bytea NOT NULL)`);
  await db.query(
    `CREATE TABLE ${t.chunks} (doc integer PRIMARY KEY, id text NOT NULL, article_id text NOT NULL, ordinal integer NOT NULL,
       start_at integer NOT NULL, end_at integer NOT NULL, text text NOT NULL, embedding vector(${dims}) NOT NULL)`,
  );
}

const range = <T>(from: number, to: number, get: (i: number) => T): T[] => Array.from({ length: to - from }, (_, j) => get(from + j));

/** Inserts articles, postings and chunks in batches (each its own statement: no long transaction). */
async function writeRows(db: Db, t: ReturnType<typeof generationTables>, index: SearchIndex, onProgress?: PublishOptions["onProgress"]) {
  const { terms, offsets, postDoc, postTf } = index.bm25.columns();
  const total = index.articles.length + terms.length + index.chunks.length;
  let done = 0;
  const step = (n: number) => onProgress?.((done += n), total);
  for (let i = 0; i < index.articles.length; i += BATCH) {
    const b = range(i, Math.min(index.articles.length, i + BATCH), (k) => index.articles.get(k));
    await db.query(`INSERT INTO ${t.articles} SELECT * FROM unnest($1::int[], $2::text[], $3::jsonb[])`, [
      b.map((_, j) => i + j),
      b.map((a) => a.id),
      b.map((a) => JSON.stringify(a)),
    ]);
    step(b.length);
  }
  for (let from = 0; from < terms.length; ) {
    let to = from;
    while (to < terms.length && (to === from || offsets[to + 1]! - offsets[from]! <= POSTINGS_BATCH)) to++;
    const ids = Array.from({ length: to - from }, (_, j) => from + j);
    const run = (id: number, col: Int32Array | Uint32Array) => {
      const v = col.subarray(offsets[id]!, offsets[id + 1]!);
      return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    };
    await db.query(`INSERT INTO ${t.terms} SELECT * FROM unnest($1::text[], $2::int[], $3::bytea[], $4::bytea[])`, [
      ids.map((id) => terms[id]),
      ids.map((id) => offsets[id + 1]! - offsets[id]!),
      ids.map((id) => run(id, postDoc)),
      ids.map((id) => run(id, postTf)),
    ]);
    step(to - from);
    from = to;
  }
  for (let i = 0; i < index.chunks.length; i += BATCH) {
    const b = range(i, Math.min(index.chunks.length, i + BATCH), (k) => index.chunks.get(k));
    await db.query(
      `INSERT INTO ${t.chunks} SELECT d, i, a, o, s, e, x, emb::vector
       FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::text[], $8::text[]) AS u(d, i, a, o, s, e, x, emb)`,
      [
        b.map((_, j) => i + j),
        b.map((c) => c.id),
        b.map((c) => c.articleId),
        b.map((c) => c.ordinal),
        b.map((c) => c.start),
        b.map((c) => c.end),
        b.map((c) => c.text),
        b.map((_, j) => vectorLiteral(index.vectors.row(i + j))),
      ],
    );
    step(b.length);
  }
}

/** Writes the index as a new generation and makes it current; returns its id. */
export async function publishGeneration(db: Db, index: SearchIndex, options: PublishOptions): Promise<number> {
  const hit = async (p: PgCheckpoint) => options.checkpoint?.(p);
  const { bodyLen, titleLen } = index.bm25.columns();
  const dims = index.embeddings.dimensions;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO citebot_generations (build_id, status, manifest, documents, lengths, dimensions)
     VALUES ($1, 'building', $2, $3, $4, $5) RETURNING id`,
    [index.manifest.buildId, JSON.stringify(options.manifest), index.chunks.length, lengthsBlob(bodyLen, titleLen), dims],
  );
  const id = Number(rows[0]!.id);
  const t = generationTables(id);
  await createTables(db, t, dims);
  await hit("pg-created");
  await writeRows(db, t, index, options.onProgress);
  await hit("pg-rows");
  const { m, efConstruction } = index.manifest.hnsw;
  // one round trip, so the memory setting holds on the connection that builds (a graph that does not
  // fit in maintenance_work_mem is built on disk, several times slower)
  await db.query(
    `SET maintenance_work_mem = '${HNSW_BUILD_MEMORY}';
     CREATE INDEX ${t.chunks}_hnsw ON ${t.chunks} USING hnsw (embedding vector_cosine_ops) WITH (m = ${m}, ef_construction = ${efConstruction});
     RESET maintenance_work_mem`,
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
