/**
 * Vectors of the previous build, by chunk text hash, so unchanged chunks are not embedded again.
 * Only a build whose manifest matches CURRENT and whose chunk hashes and vectors match their
 * checksums is reused: a damaged file means embedding everything again, never copying garbage
 * forward. The previous vectors are read from their file as they are reused, not loaded.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { type IngestWarning, sha256 } from "../ingest/index.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";
import { verifyFiles } from "./index-files.js";
import { INDEX_FORMAT, MANIFEST, type Manifest, readCurrent, VECTORS_SINCE_FORMAT } from "./index-format.js";
import { fileRows } from "./vector-rows.js";

export interface VectorReuse {
  /** The previous vector of a chunk with this text hash (a view valid until the next call). */
  get(hash: string): Float32Array | undefined;
  close(): void;
}

export const noReuse: VectorReuse = { get: () => undefined, close: () => {} };

/** Bytes of a chunk's text hash in chunk-hashes.bin (its hex form is twice as long). */
export const HASH_BYTES = 12;

export async function previousVectors(
  dataDir: string,
  embeddings: IdentifiedEmbeddings,
  warn: (w: IngestWarning) => void,
): Promise<VectorReuse> {
  const current = await readCurrent(dataDir);
  if (!current?.manifestSha256) return noReuse;
  try {
    const raw = await fs.readFile(path.join(current.dir, MANIFEST));
    if (sha256(raw) !== current.manifestSha256) throw new Error("manifest.json does not match CURRENT");
    const manifest = JSON.parse(raw.toString("utf8")) as Manifest;
    if (manifest.format < VECTORS_SINCE_FORMAT || manifest.format > INDEX_FORMAT || manifest.embedding.id !== embeddings.id) return noReuse;
    await verifyFiles(current.dir, manifest.checksums, ["chunk-hashes.bin", "vectors.f32"]);
    const hashes = await fs.readFile(path.join(current.dir, "chunk-hashes.bin"));
    const rows = fileRows(path.join(current.dir, "vectors.f32"), manifest.embedding.dimensions);
    const n = hashes.length / HASH_BYTES;
    if (rows.size !== n || !Number.isInteger(n)) {
      rows.close?.();
      throw new Error("vectors.f32 does not hold one vector per chunk");
    }
    const byHash = new Map<string, number>();
    for (let i = 0; i < n; i++) byHash.set(hashes.toString("hex", i * HASH_BYTES, (i + 1) * HASH_BYTES), i);
    return {
      get: (hash) => {
        const row = byHash.get(hash);
        return row === undefined ? undefined : rows.row(row);
      },
      close: () => rows.close?.(),
    };
  } catch (err) {
    warn({ file: path.basename(current.dir), message: `previous vectors not reused (${(err as Error).message}); embedding every chunk` });
    return noReuse;
  }
}
