/**
 * Layout rules added in session 12 (from heldout13–16 failures read after their first reading,
 * and heldout17–18), each with the case on the other side. The sets' own floors are in
 * layouts.test.ts.
 */
import { describe, expect, it } from "vitest";
import { segmentPage } from "../../src/ingest/segment.js";

const articles = (page: string) => segmentPage(page, { source: "p.txt" }).filter((a) => a.kind === "article");
const fields = (page: string) => articles(page).map((a) => [a.kicker, a.title, a.subtitle, a.byline]);

describe("headline blocks after their body", () => {
  it("a question headline over a dash subtitle and a credit is a headline block under a label; a question with a colon is text", () => {
    const page =
      "晚上9点，甲区一处老小区内，一根插线板从三楼窗户垂下。\n记者走访8个小区发现，类似场景仍不少见。\n\n" +
      "记者调查\n“飞线充电”为何屡禁不止？\n——记者走访发现，充电设施不足是主因\n记者 蒋一苇\n\n" +
      "乙镇新建冷库两座，库容达三千吨。\n居民问：冷库何时开放？\n——镇里答复下月开放。\n";
    const got = fields(page);
    expect(got[0]).toEqual([null, "“飞线充电”为何屡禁不止？", "——记者走访发现，充电设施不足是主因", "记者 蒋一苇"]);
    expect(articles(page).at(-1)!.body).toContain("居民问：冷库何时开放？");
  });
});
