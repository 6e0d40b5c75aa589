import { IndexBuildError, IndexBusyError } from "../errors.js";
import type { IngestWarning } from "../ingest/index.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import {
  type BuildOptions,
  type BuildResult,
  IndexCorruptError,
  type SearchIndex,
  buildIndex,
  checkFreshness,
  isLocked,
  loadIndex,
  readManifest,
  readManifestHead,
  tidyDataDir,
} from "./index-store.js";

export interface EnsureIndexOptions {
  corpusDir: string;
  dataDir: string;
  embeddings: IdentifiedEmbeddings;
  onWarning?: (w: IngestWarning) => void;
  onProgress?: BuildOptions["onProgress"];
  /** Archives with more files are served before their freshness is checked (default SYNC_CHECK_MAX_FILES). */
  syncCheckMaxFiles?: number;
  /** Called when a (re)build starts, with the reason. */
  onBuild?: (reason: string) => void;
}

export interface EnsuredIndex {
  index: SearchIndex;
  built: BuildResult | null;
  /**
   * For an archive of more than SYNC_CHECK_MAX_FILES files, served before its freshness was checked:
   * runs the check (a reason when the index is stale, else null). The bot runs it once serving.
   */
  checkLater?: () => Promise<string | null>;
}

/**
 * Archives with more files than this are served first and checked behind: listing and comparing
 * 470,000 files (a million chunks) takes seconds, which would all come before the first answer.
 */
export const SYNC_CHECK_MAX_FILES = 20_000;

async function serveBeforeChecking(options: EnsureIndexOptions): Promise<EnsuredIndex | null> {
  const head = await readManifestHead(options.dataDir);
  const max = options.syncCheckMaxFiles ?? SYNC_CHECK_MAX_FILES;
  if (!head || head.counts.files <= max || head.embedding.id !== options.embeddings.id) return null;
  let index: SearchIndex;
  try {
    index = await loadIndex(options.dataDir, options.embeddings);
  } catch {
    return null; // damaged or of another format: the checked path below decides
  }
  await tidyDataDir(options.dataDir);
  const checkLater = async () => {
    const { fresh, reason } = await checkFreshness(options.corpusDir, await readManifest(options.dataDir), options.embeddings);
    return fresh ? null : reason;
  };
  return { index, built: null, checkLater };
}

/**
 * Loads the index for this corpus, building it first when it is missing, stale or damaged. An
 * index built with another neural embedding is not silently replaced: loading it throws
 * IndexMismatchError, whose message says to reindex. While another process is rebuilding, a
 * stale index that loads is served as it is rather than refused.
 */
export async function ensureIndex(options: EnsureIndexOptions): Promise<EnsuredIndex> {
  const quick = await serveBeforeChecking(options);
  if (quick) return quick;
  const manifest = await readManifest(options.dataDir);
  const { fresh, reason, mismatch } = await checkFreshness(options.corpusDir, manifest, options.embeddings);
  let why = reason;
  // A neural embedding is costly: an index built with another one is refused (loadIndex says to
  // reindex). The local hash embedding costs nothing: such an index is rebuilt.
  const serveAsIs = fresh || (mismatch && !options.embeddings.local) || (manifest !== null && (await isLocked(options.dataDir)));
  if (serveAsIs) {
    try {
      const index = await loadIndex(options.dataDir, options.embeddings);
      if (!fresh && !mismatch)
        options.onWarning?.({ file: ".", message: `another process is reindexing (${reason}); answering from the current index` });
      await tidyDataDir(options.dataDir);
      return { index, built: null };
    } catch (err) {
      if (!(err instanceof IndexCorruptError)) throw err;
      why = `the index is damaged (${err.message}); rebuilding`;
    }
  }
  options.onBuild?.(why);
  try {
    const built = await buildIndex(options);
    return { index: built.index, built };
  } catch (err) {
    // the rebuild failed (disk full, unreadable corpus): the index that was serving still answers
    if (err instanceof IndexBuildError && manifest) {
      const index = await loadIndex(options.dataDir, options.embeddings).catch(() => null);
      if (index) {
        options.onWarning?.({ file: ".", message: `${err.message}; answering from the previous index` });
        return { index, built: null };
      }
    }
    // someone else is building right now: wait for their index rather than fail
    if (!(err instanceof IndexBusyError)) throw err;
    for (let i = 0; i < 600 && (await isLocked(options.dataDir)); i++) await new Promise((r) => setTimeout(r, 500));
    return { index: await loadIndex(options.dataDir, options.embeddings), built: null };
  }
}
