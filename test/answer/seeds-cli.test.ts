/**
 * Acceptance on the public seed questions, through the real CLI as users and CI call it:
 * `ask --json --batch FILE --corpus DIR --data DIR`. Floors, not timings.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { isVerbatim, normalizeForMatch as n } from "../../src/eval/run-eval.js";
import { CORPUS, ROOT, SEEDS_DEV } from "../helpers/paths.js";

const run = promisify(execFile);
const qa = readFileSync(SEEDS_DEV, "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l));
type Out = {
  question: string;
  answer: string;
  answer_span: string | null;
  abstained: boolean;
  citations: Array<{
    n: number;
    source: string;
    title: string | null;
    excerpt: string;
    score: number;
    meta: object;
    byline: string | null;
    supports_answer: boolean;
  }>;
  timings: { total_ms: number };
};
let out: Out[] = [];
let stdout = "";

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "citebot-cli-"));
  const batch = path.join(dir, "q.txt");
  writeFileSync(batch, `${qa.map((q) => q.question).join("\n")}\n`);
  const r = await run(
    process.execPath,
    ["--import", "tsx", "src/cli.ts", "ask", "--json", "--batch", batch, "--corpus", CORPUS, "--data", path.join(dir, "data")],
    {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: "warn" },
    },
  );
  stdout = r.stdout;
  out = stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}, 60_000);

const answerable = () => qa.map((q, i) => [q, out[i]!] as const).filter(([q]) => q.answerable);

describe("ask --json --batch on seeds-dev.jsonl", () => {
  it("prints one JSON object per question, in order, and nothing else", () => {
    expect(stdout.trim().split("\n")).toHaveLength(qa.length);
    expect(out.map((o) => o.question)).toEqual(qa.map((q) => q.question));
    for (const o of out) {
      expect(Object.keys(o)).toEqual(expect.arrayContaining(["question", "answer", "abstained", "citations", "timings"]));
      expect(typeof o.timings.total_ms).toBe("number");
    }
  });

  it("adds answer_span and per-citation supports_answer: a supporting citation holds the line's sentence or fact", () => {
    for (const o of out) {
      expect(o).toHaveProperty("answer_span");
      if (o.abstained) continue;
      const supporting = o.citations.filter((c) => c.supports_answer);
      expect(supporting.length, o.question).toBeGreaterThan(0);
      const marker = Number(/\[(\d+)\]$/.exec(o.answer)?.[1]);
      expect(
        supporting.map((c: { n: number }) => c.n),
        o.question,
      ).toContain(marker);
      if (o.answer_span) expect(o.answer.startsWith(`${o.answer_span}`), o.question).toBe(true);
    }
  });

  it("puts the gold answer in the top-3 excerpts for every answerable question", () => {
    const misses = answerable().filter(
      ([q, o]) => !q.answers.some((g: string) => o.citations.slice(0, 3).some((c) => n(c.excerpt).includes(n(g)))),
    );
    expect(misses.map(([q]) => q.id)).toEqual([]);
  });

  it("cites a right file first for at least 95 % of answerable questions", () => {
    const rows = answerable();
    const right = rows.filter(([q, o]) => q.sources.includes(o.citations[0]?.source)).length;
    expect(right / rows.length).toBeGreaterThanOrEqual(0.95);
  });

  it("names the right headline on the citation that holds the answer, wherever the set names one", () => {
    for (const [q, o] of answerable().filter(([q]) => q.title)) {
      const holding = o.citations.find((c) => q.sources.includes(c.source) && q.answers.some((g: string) => n(c.excerpt).includes(n(g))));
      expect(n(holding?.title), q.id).toBe(n(q.title));
    }
  });

  it("gives the answer in the short answer for at least 90 % of answerable questions", () => {
    const rows = answerable();
    const hits = rows.filter(([q, o]) => q.answers.some((g: string) => n(o.answer).includes(n(g)))).length;
    expect(hits / rows.length).toBeGreaterThanOrEqual(0.9);
  });

  it("quotes every excerpt verbatim from its source file", () => {
    for (const o of out)
      for (const c of o.citations) expect(isVerbatim(c.excerpt, readFileSync(path.join(CORPUS, c.source), "utf8")), c.excerpt).toBe(true);
  });

  it("abstains on every unanswerable question and on no answerable one", () => {
    qa.forEach((q, i) => {
      expect(out[i]!.abstained, q.id).toBe(!q.answerable);
      if (!q.answerable) expect(out[i]!.citations).toEqual([]);
    });
  });
});
