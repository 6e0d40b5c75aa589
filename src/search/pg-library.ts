/**
 * The library over Postgres (DATABASE_URL): replicas serve the generation the pointer names and
 * follow it when another replica reindexes (LISTEN/NOTIFY where the server delivers it, and a poll
 * of the pointer besides). A reindex builds with the local pipeline (DATA_DIR is its cache: vectors
 * of unchanged chunks are reused by content hash), then publishes a new generation; one replica at a
 * time, under a lease that expires if its holder dies.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import pg from "pg";
import { IndexBusyError, IndexMismatchError } from "../errors.js";
import { MAX_FILE_BYTES } from "../ingest/index.js";
import { buildIndexInWorker } from "./build-in-worker.js";
import { createCorpusDocuments } from "./corpus-documents.js";
import { type BuildProgress, buildIndex, checkFreshness, diffManifests } from "./index-store.js";
import { memoryArticles } from "./index-stores.js";
import { createCatalog, type Library, type LibraryOptions, manifestInfo, type ReindexReport, reindexReport } from "./library.js";
import { cleanupGenerations, GENERATION_CHANNEL, type PgCheckpoint, publishGeneration } from "./pg-publish.js";
import { type PgGeneration, PgRetriever, loadGeneration } from "./pg-retriever.js";
import { currentGeneration, dropLease, migrate, takeLease } from "./pg-schema.js";
import type { Retriever } from "./retrieval.js";

export interface PgLibraryOptions extends Omit<LibraryOptions, "index" | "checkpoint"> {
  pool: pg.Pool;
  /** How often a replica looks at the pointer besides LISTEN (ms). */
  pollMs?: number;
  /** Lifetime of the reindex lease (renewed at a third of it while the build runs). */
  leaseMs?: number;
  /** Test hook at each step of publishing (crash-safety tests). */
  checkpoint?: (point: PgCheckpoint) => Promise<void>;
  onBuild?: (reason: string) => void;
  onProgress?: (p: BuildProgress) => void;
  onGeneration?: (id: number) => void;
  onError?: (err: unknown) => void;
}

const LEASE = "reindex";
/** Relation missing: the generation was dropped under a replica that had not yet moved on. */
const UNDEFINED_TABLE = "42P01";

/** A connection pool for DATABASE_URL. */
export function createPgPool(url: string, max = 10): pg.Pool {
  return new pg.Pool({ connectionString: url, max });
}

type Catalog = ReturnType<typeof createCatalog>;

/** The generation this replica serves, and moving to the one the pointer names. */
function createFollower(pool: pg.Pool, options: PgLibraryOptions, catalog: Catalog) {
  let serving: { gen: PgGeneration; retriever: PgRetriever } | null = null;
  let swapping: Promise<void> = Promise.resolve();
  // one swap at a time; a failed one (the database away) fails its caller, not the swaps after it
  const swapTo = (id: number) =>
    (swapping = swapping
      .catch(() => {})
      .then(async () => {
        if (serving?.gen.id === id) return;
        const gen = await loadGeneration(pool, id);
        serving = { gen, retriever: new PgRetriever(pool, gen, options.embeddings) };
        catalog.set(memoryArticles(gen.articles));
        options.onGeneration?.(id);
      }));
  const follow = async () => {
    const id = await currentGeneration(pool);
    if (id !== null && id !== serving?.gen.id) await swapTo(id);
  };
  return { serving: () => serving, swapTo, follow };
}
type Follower = ReturnType<typeof createFollower>;

/** Builds from the corpus and publishes a generation, under the reindex lease. */
async function buildAndPublish(pool: pg.Pool, options: PgLibraryOptions, follower: Follower, onProgress?: (p: BuildProgress) => void) {
  const { corpusDir, dataDir, embeddings } = options;
  const leaseMs = options.leaseMs ?? 30_000;
  const holder = `${os.hostname()}:${process.pid}:${randomUUID()}`;
  if (!(await takeLease(pool, LEASE, holder, leaseMs))) throw new IndexBusyError("another replica is reindexing");
  const renew = setInterval(() => void takeLease(pool, LEASE, holder, leaseMs).catch(options.onError), leaseMs / 3);
  try {
    await cleanupGenerations(pool);
    const common = { corpusDir, dataDir, embeddings, onProgress, onWarning: options.onWarning };
    const before = follower.serving()?.gen.manifest ?? null;
    const built = options.embeddingsConfig
      ? await buildIndexInWorker({ ...common, embeddingsConfig: options.embeddingsConfig, activity: options.activity?.buffer })
      : await buildIndex(common);
    // what changed against the generation being replaced (this replica's DATA_DIR may have built another)
    built.diff = diffManifests(before, built.manifest);
    const id = await publishGeneration(pool, built.index, {
      manifest: built.manifest,
      checkpoint: options.checkpoint,
      onProgress: (done, total) => onProgress?.({ phase: "publish", done, total }),
    });
    await follower.swapTo(id);
    await cleanupGenerations(pool);
    return built;
  } finally {
    clearInterval(renew);
    await dropLease(pool, LEASE, holder).catch(options.onError);
  }
}

/** At start: serve the current generation when it is fresh for this corpus, else build one (or wait for the replica building it). */
async function startServing(pool: pg.Pool, options: PgLibraryOptions, follower: Follower): Promise<void> {
  const { corpusDir, embeddings } = options;
  const id = await currentGeneration(pool);
  if (id !== null) await follower.swapTo(id);
  const { fresh, reason, mismatch } = await checkFreshness(corpusDir, follower.serving()?.gen.manifest ?? null, embeddings);
  if (mismatch && !embeddings.local) throw new IndexMismatchError(`the database's index ${reason}; reindex to use ${embeddings.id}`);
  if (fresh) return;
  options.onBuild?.(reason);
  try {
    await buildAndPublish(pool, options, follower, options.onProgress);
  } catch (err) {
    if (!(err instanceof IndexBusyError)) throw err;
    for (let i = 0; !follower.serving() && i < 1200; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await follower.follow();
    }
    if (!follower.serving()) throw new IndexBusyError("no generation appeared while another replica was reindexing");
  }
}

/** LISTEN for other replicas' reindexes, and poll the pointer besides; returns the stop. */
async function watchGenerations(pool: pg.Pool, options: PgLibraryOptions, follow: () => Promise<void>): Promise<() => Promise<void>> {
  const poll = setInterval(() => void follow().catch(options.onError), options.pollMs ?? 5000);
  poll.unref();
  let listener: pg.PoolClient | null = null;
  try {
    listener = await pool.connect();
    listener.on("notification", () => void follow().catch(options.onError));
    listener.on("error", (err) => options.onError?.(err));
    await listener.query(`LISTEN ${GENERATION_CHANNEL}`);
  } catch (err) {
    options.onError?.(err);
  }
  return async () => {
    clearInterval(poll);
    if (!listener) return;
    await listener.query(`UNLISTEN ${GENERATION_CHANNEL}`).catch(() => {});
    listener.release();
    listener = null;
  };
}

/** The serving generation's retriever; a generation dropped under it (it fell two behind) sends it to the current one. */
function followingRetriever(follower: Follower): Retriever {
  const current = () => follower.serving()!.retriever;
  return {
    get size() {
      return current().size;
    },
    get stats() {
      return current().stats;
    },
    get newestDate() {
      return current().newestDate;
    },
    async retrieve(question, k) {
      try {
        return await current().retrieve(question, k);
      } catch (err) {
        if ((err as { code?: string }).code !== UNDEFINED_TABLE) throw err;
        await follower.follow();
        return current().retrieve(question, k);
      }
    },
  };
}

/** `npm run index` with DATABASE_URL: builds and publishes a new generation (running replicas follow it). */
export async function reindexPostgres(options: PgLibraryOptions): Promise<{ report: ReindexReport; generation: number }> {
  await migrate(options.pool);
  const follower = createFollower(options.pool, options, createCatalog(options.corpusDir, options.dataDir));
  const t0 = performance.now();
  const built = await buildAndPublish(options.pool, options, follower, options.onProgress);
  return { report: reindexReport(built, t0), generation: follower.serving()!.gen.id };
}

export async function openPgLibrary(options: PgLibraryOptions): Promise<Library & { generation(): number }> {
  const { pool, corpusDir, dataDir } = options;
  await migrate(pool);
  const catalog = createCatalog(corpusDir, dataDir);
  const follower = createFollower(pool, options, catalog);
  await startServing(pool, options, follower);
  const stopWatching = await watchGenerations(pool, options, follower.follow);
  const retriever = followingRetriever(follower);
  let running = false;
  return {
    generation: () => follower.serving()!.gen.id,
    retriever: () => retriever,
    info: () => manifestInfo(follower.serving()!.gen.manifest),
    async reindex(onProgress): Promise<ReindexReport> {
      if (running) throw new IndexBusyError("a reindex is already running");
      running = true;
      const t0 = performance.now();
      try {
        return reindexReport(await buildAndPublish(pool, options, follower, onProgress), t0);
      } finally {
        running = false;
      }
    },
    articles: catalog.articles,
    articleKey: catalog.articleKey,
    article: catalog.article,
    clipping: catalog.clipping,
    close: stopWatching,
    ...createCorpusDocuments(corpusDir, options.maxDocumentBytes ?? MAX_FILE_BYTES),
  };
}
