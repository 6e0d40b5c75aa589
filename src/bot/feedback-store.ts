/**
 * 👍/👎 feedback, one JSON object per line in DATA_DIR/feedback.jsonl (mode 0600: it holds
 * questions), exportable as an eval set. Users are stored as a keyed HMAC of their id, one vote
 * per user and answer (a second press of the same button records nothing). A failed write (disk
 * full) fails that vote only: the next one is tried afresh.
 */
import { createHmac } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

export interface FeedbackRecord {
  at: string;
  vote: "up" | "down";
  question: string | null;
  answer: string;
  citations: Array<{ n: number; source: string; title: string | null; articleId: string }>;
  /** HMAC-SHA-256 of the Telegram user id under the installation's secret key, never the id itself. */
  user: string;
  /** The answer voted on (its button id): one vote per user and answer. */
  answerId?: string;
  /** Why 👎, when the user said (wrong | source | incomplete). */
  reason?: string;
}

export interface FeedbackStore {
  /** "unchanged" when this user already gave this vote (and reason) on this answer (nothing is written). */
  record(r: FeedbackRecord): Promise<"recorded" | "unchanged">;
  all(): Promise<FeedbackRecord[]>;
  /** The seeds-dev.jsonl format: the latest vote per question; 👎 ones flagged for review. */
  exportEvalSet(): Promise<{ jsonl: string; count: number; up: number; down: number }>;
  /** Current votes on one answer (each user's latest). */
  tally(answerId: string): Promise<{ up: number; down: number }>;
}

/** The pseudonym of a user: HMAC-SHA-256 of the id under `key` (32 hex digits). */
export const hashUserId = (key: Uint8Array, id: number): string =>
  createHmac("sha256", key).update(`citebot-user:${id}`).digest("hex").slice(0, 32);

export const FEEDBACK_FILE_MODE = 0o600;

/** Every record in the file (a torn last line after a crash is skipped). */
async function readRecords(file: string): Promise<FeedbackRecord[]> {
  let text = "";
  try {
    text = await fs.readFile(file, "utf8");
  } catch {
    return [];
  }
  const out: FeedbackRecord[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as FeedbackRecord);
    } catch {
      // a torn last line after a crash: skip it
    }
  }
  return out;
}

export function createFeedbackStore(file: string): FeedbackStore {
  let queue: Promise<unknown> = Promise.resolve();
  /** The last vote per answer and user, loaded from the file on first use. */
  let votes: Map<string, Pick<FeedbackRecord, "vote" | "reason">> | undefined;
  const voteKey = (r: FeedbackRecord) => `${r.answerId}:${r.user}`;
  const readAll = () => readRecords(file);
  const all = async (): Promise<FeedbackRecord[]> => {
    await queue.catch(() => {});
    return readAll();
  };
  const loadVotes = async () => {
    if (!votes) {
      const known = new Map<string, Pick<FeedbackRecord, "vote" | "reason">>();
      for (const old of await readAll()) if (old.answerId) known.set(voteKey(old), { vote: old.vote, reason: old.reason });
      votes = known;
    }
    return votes;
  };
  return {
    record(r) {
      const task = queue
        .catch(() => {})
        .then(async () => {
          const votes = await loadVotes();
          const known = r.answerId ? votes.get(voteKey(r)) : undefined;
          if (known && known.vote === r.vote && (r.reason === undefined || known.reason === r.reason)) return "unchanged" as const;
          await fs.mkdir(path.dirname(file), { recursive: true });
          await fs.appendFile(file, `${JSON.stringify(r)}\n`, { mode: FEEDBACK_FILE_MODE });
          await fs.chmod(file, FEEDBACK_FILE_MODE);
          if (r.answerId) votes.set(voteKey(r), { vote: r.vote, reason: r.reason });
          return "recorded" as const;
        });
      queue = task;
      return task;
    },
    all,
    async tally(answerId) {
      await queue.catch(() => {});
      const out = { up: 0, down: 0 };
      for (const [key, { vote }] of await loadVotes()) if (key.startsWith(`${answerId}:`)) out[vote]++;
      return out;
    },
    exportEvalSet: async () => evalSetOf(await all()),
  };
}

/** The seeds-dev.jsonl format from records in order: the latest vote per question; 👎 ones flagged for review. */
export function evalSetOf(records: FeedbackRecord[]): { jsonl: string; count: number; up: number; down: number } {
  const latest = new Map<string, FeedbackRecord>();
  for (const r of records) if (r.question) latest.set(r.question, r);
  const items = [...latest.values()].map((r, i) => {
    const up = r.vote === "up";
    return {
      id: `feedback-${String(i + 1).padStart(4, "0")}`,
      question: r.question,
      answers: up ? [r.answer] : [],
      sources: up ? [...new Set(r.citations.map((c) => c.source))] : [],
      title: up ? (r.citations[0]?.title ?? null) : null,
      answerable: true,
      feedback: r.vote,
      ...(r.reason ? { reason: r.reason } : {}),
      needs_review: !up,
    };
  });
  return {
    jsonl: items.map((x) => JSON.stringify(x)).join("\n") + (items.length ? "\n" : ""),
    // the caption counts what the file holds: one line per question, its latest vote
    count: items.length,
    up: items.filter((x) => x.feedback === "up").length,
    down: items.filter((x) => x.feedback === "down").length,
  };
}
