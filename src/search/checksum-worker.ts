/**
 * SHA-256 of index files on a second thread. At a million chunks the files a question needs are
 * ~2.5 GB and checking them is most of a cold start: a worker hashes part of them while the main
 * thread hashes (and reads) the rest. The worker is plain JavaScript evaluated from this string,
 * so it needs no loader; it reads in 4 MB blocks, as `checksumFile` does.
 */
import { Worker } from "node:worker_threads";
import type { FileChecksum } from "./index-files.js";

const SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const buf = Buffer.allocUnsafe(4 << 20);
const out = [];
for (const file of workerData.files) {
  let fd = null;
  try {
    fd = fs.openSync(file, "r");
    const hash = createHash("sha256");
    let size = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(n === buf.length ? buf : buf.subarray(0, n));
      size += n;
    }
    out.push({ size, sha256: hash.digest("hex") });
  } catch (err) {
    out.push({ error: err.code || err.message });
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
parentPort.postMessage(out);
`;

export type WorkerChecksum = FileChecksum | { error: string };

/** Size and SHA-256 of each file, computed on a worker thread (an unreadable file gives its error code). */
export function checksumsOnWorker(files: string[]): Promise<WorkerChecksum[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(SOURCE, { eval: true, workerData: { files } });
    worker.once("message", (m: WorkerChecksum[]) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`the checksum worker exited with code ${code}`));
    });
  });
}
