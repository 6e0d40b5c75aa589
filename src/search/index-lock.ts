/**
 * The build lock, held by the kernel rather than by a pid file: the holder listens on a Unix
 * socket named after the data directory (Linux: the abstract namespace, so nothing is left on
 * disk). When the holder dies for any reason the kernel closes the socket, so a stale lock cannot
 * outlive its process and a reused pid cannot keep it (the pid-file lock could do both).
 * Another process that finds the name taken connects to it and reads the holder's pid for the
 * message. Elsewhere the socket is a file in the data directory; a socket nobody listens on any
 * more (connection refused) is stale and taken over.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import net from "node:net";
import path from "node:path";
import { IndexBusyError } from "../errors.js";

/** The pid-file lock of earlier versions (removed when found). */
export const LEGACY_LOCK = ".lock";
const SOCKET_FILE = ".lock.sock";

async function lockAddress(dataDir: string): Promise<string> {
  const real = await fs.realpath(dataDir);
  if (process.platform === "linux") return `\0citebot-index-lock-${createHash("sha256").update(real).digest("hex").slice(0, 40)}`;
  return path.join(real, SOCKET_FILE);
}

function listen(address: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.end(String(process.pid)));
    server.once("error", reject);
    server.listen(address, () => {
      server.off("error", reject);
      server.unref();
      resolve(server);
    });
  });
}

/** The pid the holder reports, or null when nobody listens (a stale socket file). */
function holder(address: string): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    let data = "";
    const timer = setTimeout(() => socket.destroy(), 2000);
    socket.on("data", (d) => (data += d.toString()));
    socket.on("error", () => resolve(null));
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Number(data) || 0);
    });
  });
}

/** Takes the build lock for dataDir; throws IndexBusyError while another process (or build) holds it. */
export async function acquireLock(dataDir: string): Promise<() => Promise<void>> {
  await fs.mkdir(dataDir, { recursive: true });
  const address = await lockAddress(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const server = await listen(address);
      await fs.rm(path.join(dataDir, LEGACY_LOCK), { force: true }).catch(() => {});
      return () => new Promise<void>((resolve) => server.close(() => resolve()));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
      const pid = await holder(address);
      if (pid !== null) throw new IndexBusyError(`another reindex (pid ${pid || "unknown"}) is running; try again when it has finished`);
      // a socket file whose process died: nobody listens, take it over
      await fs.rm(address, { force: true });
    }
  }
  throw new IndexBusyError("could not take the index lock");
}

/** Is a build running on dataDir now (in any process)? */
export async function isLocked(dataDir: string): Promise<boolean> {
  try {
    return (await holder(await lockAddress(dataDir))) !== null;
  } catch {
    return false;
  }
}
