/**
 * Fault injection for the crash-safety tests (documented in the README, "Guarantees"), read from
 * CITEBOT_FAULT by `npm run index` and, for Postgres reindexes, by the bot:
 *   crash@POINT     kills the process with SIGKILL at that checkpoint;
 *   pause@POINT:MS  sleeps there (to hold a lock, or to be killed mid-reindex).
 */
import { BUILD_CHECKPOINTS, type BuildCheckpoint, PG_CHECKPOINTS, type PgCheckpoint } from "./search/index.js";

function fault<P extends string>(spec: string | undefined, points: readonly P[]): ((point: P) => Promise<void>) | undefined {
  const m = /^(crash|pause)@([\w-]+)(?::(\d+))?$/.exec(spec ?? "");
  if (!m || !(points as readonly string[]).includes(m[2]!)) return undefined;
  const [, action, at, ms] = m;
  return async (point) => {
    if (point !== at) return;
    if (action === "crash") process.kill(process.pid, "SIGKILL");
    else await new Promise((r) => setTimeout(r, Number(ms ?? 2000)));
  };
}

/** A checkpoint hook for the local index build. */
export const faultCheckpoint = (spec: string | undefined): ((point: BuildCheckpoint) => Promise<void>) | undefined =>
  fault(spec, BUILD_CHECKPOINTS);

/** A checkpoint hook for publishing a Postgres generation (PG_CHECKPOINTS). */
export const pgFaultCheckpoint = (spec: string | undefined): ((point: PgCheckpoint) => Promise<void>) | undefined =>
  fault(spec, PG_CHECKPOINTS);
