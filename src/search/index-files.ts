/**
 * Durable, checked index files. Every file is written through a file handle (errors such as
 * ENOSPC reject the build instead of killing the process), flushed with fsync, and its size and
 * SHA-256 recorded; the directories that name them are fsynced after a rename (Lucene-style
 * commit: files, then directory, then the pointer). On load every file is checked against its
 * recorded checksum before anything parses it, so a torn or bit-flipped file is detected, never
 * served or fed to the native HNSW reader.
 */
import { createHash } from "node:crypto";
import { createReadStream, promises as fs, readFileSync } from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { CitebotError } from "../errors.js";
import { checksumsOnWorker } from "./checksum-worker.js";

/** An index file does not match the checksum its manifest recorded (or cannot be read). */
export class IndexCorruptError extends CitebotError {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface FileChecksum {
  size: number;
  sha256: string;
}

/** Test hook: every fsync'd path is reported here (files and directories). */
let syncObserver: ((p: string) => void) | undefined;
export const observeSyncs = (fn: ((p: string) => void) | undefined): void => {
  syncObserver = fn;
};

/** Bytes collected before a write to the file handle (keeps calls few on large files). */
const WRITE_BUFFER = 1 << 20;

/** A file being written durably: parts appended, then `close` fsyncs it and gives its size and SHA-256. */
export interface DurableWriter {
  /** Bytes written so far. */
  readonly size: number;
  write(part: string | Uint8Array): Promise<void>;
  close(): Promise<FileChecksum>;
  /** Closes without syncing (a failed build). */
  abort(): Promise<void>;
}

export async function createDurableWriter(file: string): Promise<DurableWriter> {
  const hash = createHash("sha256");
  const fh = await fs.open(file, "w", 0o644);
  let size = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let closed = false;
  const flush = async () => {
    if (!pendingBytes) return;
    const buf = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await fh.write(buf);
  };
  return {
    get size() {
      return size;
    },
    async write(part) {
      const buf = typeof part === "string" ? Buffer.from(part, "utf8") : Buffer.from(part.buffer, part.byteOffset, part.byteLength);
      hash.update(buf);
      size += buf.length;
      pending.push(buf);
      pendingBytes += buf.length;
      if (pendingBytes >= WRITE_BUFFER) await flush();
    },
    async close() {
      try {
        await flush();
        await fh.sync();
        syncObserver?.(file);
      } finally {
        closed = true;
        await fh.close();
      }
      return { size, sha256: hash.digest("hex") };
    },
    async abort() {
      if (closed) return;
      closed = true;
      await fh.close().catch(() => {});
    },
  };
}

/** Writes `parts` to a new file, fsyncs it, and returns its size and SHA-256. */
export async function writeDurable(file: string, parts: Iterable<string | Uint8Array>): Promise<FileChecksum> {
  const w = await createDurableWriter(file);
  try {
    for (const part of parts) await w.write(part);
  } catch (err) {
    await w.abort();
    throw err;
  }
  return w.close();
}

/** Writes one JSON object per line, durably. */
export function writeJsonLines<T>(file: string, items: Iterable<T>): Promise<FileChecksum> {
  return writeDurable(
    file,
    (function* () {
      for (const item of items) yield `${JSON.stringify(item)}\n`;
    })(),
  );
}

/** fsyncs a file written by someone else (hnswlib writes its own files). */
export async function syncFile(file: string): Promise<void> {
  const fh = await fs.open(file, "r+");
  try {
    await fh.sync();
    syncObserver?.(file);
  } finally {
    await fh.close();
  }
}

/** fsyncs a directory, so the names in it (renames, new files) survive a power loss. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, "r");
  try {
    await fh.sync();
    syncObserver?.(dir);
  } catch (err) {
    // some file systems refuse fsync on a directory (EINVAL/EISDIR): nothing more can be done there
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EINVAL" && code !== "EISDIR") throw err;
  } finally {
    await fh.close();
  }
}

/** Writes a small file by write + fsync + rename + directory fsync (replaces it atomically). */
export async function replaceFileAtomic(file: string, data: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    await writeDurable(tmp, [data]);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
  await syncDir(path.dirname(file));
}

/** Bytes read at a time when checksumming (large reads: a million-chunk index is 2-3 GB). */
const CHECKSUM_READ = 4 << 20;

/** Size and SHA-256 of a file on disk (read in large blocks). */
export async function checksumFile(file: string): Promise<FileChecksum> {
  const hash = createHash("sha256");
  const fh = await fs.open(file, "r");
  let size = 0;
  try {
    const buf = Buffer.allocUnsafe(CHECKSUM_READ);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      size += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return { size, sha256: hash.digest("hex") };
}

/** Every file of `dir` below it (relative paths, forward slashes), sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (sub: string) => {
    for (const e of await fs.readdir(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(rel);
      else out.push(rel);
    }
  };
  await walk("");
  return out.sort();
}

/** The error for an index file that cannot be read (its error code, else its message). */
const unreadable = (name: string, err: unknown) =>
  new IndexCorruptError(name, `index file ${name} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
    cause: err,
  });

/** Files of at least this many bytes in all are checked on two threads. */
export const PARALLEL_CHECK_FROM = 64 << 20;

/**
 * Checks each listed file of `dir` against its recorded size and SHA-256; throws IndexCorruptError
 * naming a damaged file. Large sets are split between this thread and a worker (largest files
 * first, each to the side with less to do; `alongside` is what this thread is hashing meanwhile).
 */
export async function verifyFiles(
  dir: string,
  expected: Record<string, FileChecksum>,
  only?: string[],
  options: { alongside?: number; parallelFrom?: number } = {},
): Promise<void> {
  const names = only ?? Object.keys(expected);
  for (const name of names) if (!expected[name]) throw new IndexCorruptError(name, `the index lists no checksum for ${name}`);
  const total = names.reduce((n, name) => n + expected[name]!.size, 0);
  const here: string[] = [];
  const there: string[] = [];
  if (total < (options.parallelFrom ?? PARALLEL_CHECK_FROM)) here.push(...names);
  else {
    let [mine, theirs] = [options.alongside ?? 0, 0];
    for (const name of [...names].sort((a, b) => expected[b]!.size - expected[a]!.size)) {
      if (mine <= theirs) {
        here.push(name);
        mine += expected[name]!.size;
      } else {
        there.push(name);
        theirs += expected[name]!.size;
      }
    }
  }
  const remote = there.length ? checksumsOnWorker(there.map((n) => path.join(dir, n))) : Promise.resolve([]);
  remote.catch(() => {}); // awaited below; a failure here must not go unhandled meanwhile
  for (const name of here) {
    let got: FileChecksum;
    try {
      got = await checksumFile(path.join(dir, name));
    } catch (err) {
      throw unreadable(name, err);
    }
    compare(name, got, expected[name]!);
  }
  for (const [i, got] of (await remote).entries()) {
    const name = there[i]!;
    if ("error" in got) throw unreadable(name, { code: got.error });
    compare(name, got, expected[name]!);
  }
}

function compare(name: string, got: FileChecksum, want: FileChecksum): void {
  if (got.size !== want.size) throw new IndexCorruptError(name, `index file ${name} has ${got.size} bytes, ${want.size} were written`);
  if (got.sha256 !== want.sha256) throw new IndexCorruptError(name, `index file ${name} does not match its checksum (damaged on disk)`);
}

/** Checks a file's bytes, read whole, against its recorded size and SHA-256. */
function checkBytes(name: string, data: Buffer, want: FileChecksum | undefined): Buffer {
  if (!want) throw new IndexCorruptError(name, `the index lists no checksum for ${name}`);
  compare(name, { size: data.length, sha256: createHash("sha256").update(data).digest("hex") }, want);
  return data;
}

/** A file of `dir` read whole and checked before it is returned (one read, not a checksum pass and a second read). */
export async function readVerified(dir: string, name: string, want: FileChecksum | undefined): Promise<Buffer> {
  const data = await fs.readFile(path.join(dir, name)).catch((err: unknown) => {
    throw unreadable(name, err);
  });
  return checkBytes(name, data, want);
}

/** `readVerified`, synchronously: for a file read only on demand (the frequencies the Postgres publisher reads). */
export function readVerifiedSync(dir: string, name: string, want: FileChecksum | undefined): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(path.join(dir, name));
  } catch (err) {
    throw unreadable(name, err);
  }
  return checkBytes(name, data, want);
}

export async function readJsonLines<T>(file: string): Promise<T[]> {
  const out: T[] = [];
  const rl = readline.createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  for await (const line of rl) if (line) out.push(JSON.parse(line) as T);
  return out;
}

export async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await fs.readFile(file, "utf8")) as T;
}
