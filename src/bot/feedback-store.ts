/** 👍/👎 feedback, one JSON object per line in DATA_DIR/feedback.jsonl, exportable as an eval set. */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

export interface FeedbackRecord {
  at: string;
  vote: "up" | "down";
  question: string | null;
  answer: string;
  citations: Array<{ n: number; source: string; title: string | null; articleId: string }>;
  /** sha256 of the Telegram user id, never the id itself. */
  user: string;
}

export interface FeedbackStore {
  record(r: FeedbackRecord): Promise<void>;
  all(): Promise<FeedbackRecord[]>;
  /** The seeds-dev.jsonl format: the latest vote per question; 👎 ones flagged for review. */
  exportEvalSet(): Promise<{ jsonl: string; count: number; up: number; down: number }>;
}

export const hashUserId = (id: number): string => createHash("sha256").update(`citebot-user:${id}`).digest("hex").slice(0, 16);

export function createFeedbackStore(file: string): FeedbackStore {
  let queue: Promise<void> = Promise.resolve();
  const all = async (): Promise<FeedbackRecord[]> => {
    await queue;
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
  };
  return {
    record(r) {
      queue = queue.then(async () => {
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.appendFile(file, `${JSON.stringify(r)}\n`);
      });
      return queue;
    },
    all,
    async exportEvalSet() {
      const records = await all();
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
          needs_review: !up,
        };
      });
      return {
        jsonl: items.map((x) => JSON.stringify(x)).join("\n") + (items.length ? "\n" : ""),
        count: records.length,
        up: records.filter((r) => r.vote === "up").length,
        down: records.filter((r) => r.vote === "down").length,
      };
    },
  };
}
