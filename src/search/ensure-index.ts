import type { IngestWarning } from "../ingest/types.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import { type BuildOptions, type BuildResult, type SearchIndex, buildIndex, checkFreshness, loadIndex, readManifest, tidyDataDir } from "./index-store.js";

export interface EnsureIndexOptions {
  corpusDir: string;
  dataDir: string;
  embeddings: IdentifiedEmbeddings;
  onWarning?: (w: IngestWarning) => void;
  onProgress?: BuildOptions["onProgress"];
  /** Called when a (re)build starts, with the reason. */
  onBuild?: (reason: string) => void;
}

/**
 * Loads the index for this corpus, building it first when it is missing or stale. An index
 * built with another embedding is not silently replaced: loading it throws IndexMismatchError,
 * whose message says to reindex.
 */
export async function ensureIndex(options: EnsureIndexOptions): Promise<{ index: SearchIndex; built: BuildResult | null }> {
  const manifest = await readManifest(options.dataDir);
  const { fresh, reason, mismatch } = await checkFreshness(options.corpusDir, manifest, options.embeddings);
  // A neural embedding is costly: an index built with another one is refused (loadIndex says to
  // reindex). The local hash embedding costs nothing: such an index is rebuilt.
  if (fresh || (mismatch && !options.embeddings.local)) {
    const index = await loadIndex(options.dataDir, options.embeddings);
    await tidyDataDir(options.dataDir);
    return { index, built: null };
  }
  options.onBuild?.(reason);
  const built = await buildIndex(options);
  return { index: built.index, built };
}
