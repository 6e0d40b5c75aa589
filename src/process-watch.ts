/**
 * A process started by a parent (npm, a shell, a supervisor) stops when that parent dies, even by
 * SIGKILL, which it cannot forward. Node has no parent-death signal, so the ancestry is checked
 * once a second (a timer that never keeps the process alive): the parent, and on Linux the
 * grandparent too, because `npm run` starts scripts through `sh -c`, which outlives a killed npm.
 * A process whose parent is init from the start (a container's entry point, a daemon) is never
 * orphaned.
 */
import { readFileSync } from "node:fs";

export const PARENT_CHECK_MS = 1000;

/** The parent pid of `pid` from /proc (Linux), or null where that cannot be read. */
export function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid …": comm may hold spaces and parentheses
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) || null;
  } catch {
    return null;
  }
}

export function stopWhenOrphaned(onOrphaned: () => void, intervalMs = PARENT_CHECK_MS): () => void {
  const parent = process.ppid;
  if (parent <= 1) return () => {};
  const grandparent = parentOf(parent);
  const watchGrandparent = grandparent !== null && grandparent > 1;
  const timer = setInterval(() => {
    if (process.ppid !== parent || (watchGrandparent && parentOf(parent) !== grandparent)) {
      clearInterval(timer);
      onOrphaned();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
