/**
 * Time-aware questions over a dated archive (test/fixtures/dated: one city over 2021–2024, the same
 * offices and statistics at different times; dates from sidecars, front matter, mastheads and file
 * names): questions about the present cite the newest article first and the answer names its
 * date; questions naming a time (absolute or relative to the archive's newest date) cite an
 * article of that time first.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type AnswerService, createAnswerService } from "../../src/answer/answer-service.js";
import { chineseDate, parseTimeQuery } from "../../src/answer/time-query.js";
import { HashEmbeddings } from "../../src/search/hash-embeddings.js";
import { buildIndex } from "../../src/search/index-store.js";
import { localRetriever } from "../../src/search/index.js";
import { seedService } from "../helpers/index.js";
import { ROOT } from "../helpers/paths.js";

interface TimeItem {
  id: string;
  question: string;
  answers: string[];
  date: string;
  kind: "present" | "absolute" | "relative";
}

const DATED = path.join(ROOT, "test/fixtures/dated");
const items = readFileSync(path.join(DATED, "questions.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as TimeItem);

describe("reading the time in a question", () => {
  const ref = "2024-05-21";
  it.each([
    ["2022年6月云溪港吞吐量？", { range: { from: "2022-06-01", to: "2022-06-30" }, monthDay: null, present: false }],
    ["2021年市长是谁？", { range: { from: "2021-01-01", to: "2021-12-31" }, monthDay: null, present: false }],
    ["6月17日开幕的是什么？", { range: null, monthDay: "06-17", present: false }],
    ["去年港口吞吐量多少？", { range: { from: "2023-01-01", to: "2023-12-31" }, monthDay: null, present: false }],
    ["上个月接待游客多少？", { range: { from: "2024-04-01", to: "2024-04-30" }, monthDay: null, present: false }],
    ["去年5月接待游客多少？", { range: { from: "2023-05-01", to: "2023-05-31" }, monthDay: null, present: false }],
    ["现任市长是谁？", { range: null, monthDay: null, present: true }],
    ["今年1-5月出口多少？", { range: { from: "2024-01-01", to: "2024-12-31" }, monthDay: null, present: false }],
    ["义乌直播带货一共多少场？", { range: null, monthDay: null, present: false }],
  ])("%s", (q, want) => {
    expect(parseTimeQuery(q, ref)).toEqual(want);
  });

  it("上个月 in January is December of the year before", () => {
    expect(parseTimeQuery("上个月的数据", "2024-01-15").range).toEqual({ from: "2023-12-01", to: "2023-12-31" });
  });
});

describe("questions with a time, over a dated archive", () => {
  let service: AnswerService;
  beforeAll(async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "citebot-dated-"));
    const { index } = await buildIndex({ corpusDir: path.join(DATED, "pages"), dataDir, embeddings: new HashEmbeddings() });
    service = createAnswerService({ retriever: localRetriever(() => index) });
  });

  it.each(items.map((i) => [i.id, i.kind, i.question, i] as const))("%s (%s) %s", async (_id, kind, _q, item) => {
    const a = await service.ask(item.question);
    expect(a.abstained).toBe(false);
    // the first citation is the article of the time asked, and it holds the answer
    expect(a.citations[0]!.meta.date).toBe(item.date);
    expect(a.citations.some((c) => item.answers.some((ans) => c.excerpt.replace(/\s+/g, "").includes(ans)))).toBe(true);
    if (kind === "present") {
      expect(a.answerDate).toBe(item.date);
      expect(a.answer).toContain(`（${chineseDate(item.date)}）`);
    }
  });
});

describe("an undated archive answers as it did before", () => {
  it("no date on citations or the answer line, whatever time the question names", async () => {
    const service = await seedService();
    for (const q of ["目前义乌有多少个电商园区？", "去年义乌直播带货多少场？", "2021年义乌外贸进出口总值是多少？"]) {
      const a = await service.ask(q);
      expect(a.answerDate).toBeUndefined();
      expect(a.answer).not.toMatch(/（\d{4}年\d{1,2}月\d{1,2}日）/);
    }
  });
});
