/** Publication dates: only where the document states one (metadata, masthead, file name), never guessed. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { documentDate, fileNameDate, listCorpus, loadFile, mastheadDate, normalizeDate } from "../../src/ingest/index.js";
import { ROOT } from "../helpers/paths.js";

const DATED = path.join(ROOT, "test/fixtures/dated");

describe("dates from file names", () => {
  it.each([
    ["yunxi-2021-12-28.txt", "2021-12-28"],
    ["yx20230615.txt", "2023-06-15"],
    ["archive/2022_06_17_p3.md", "2022-06-17"],
    ["2022.06.17.txt", "2022-06-17"],
    ["000_d579d1dab696a189.txt", null], // a hash, not a date
    ["page-a.txt", null],
    ["scan-20221345.txt", null], // no month 13
    ["report-120230615.txt", null], // part of a longer number
    ["a3f20211228b9c1d2e4f.txt", null], // eight digits inside a hexadecimal hash
  ])("%s → %s", (name, want) => {
    expect(fileNameDate(name)).toBe(want);
  });
});

describe("dates from mastheads and running heads", () => {
  it.each([
    ["云溪日报 2024年3月8日 星期五 第1版\n\n正文。", "2024-03-08"],
    ["2023年1月9日 星期一\n\n正文。", "2023-01-09"],
    ["南屏日报  2022年9月5日 星期一  第2版\n\n正文。", "2022-09-05"],
    ["正文。\n\n第3版  2021年12月28日 星期二", "2021-12-28"],
    // a date inside running text is what the article is about, not when it was printed
    ["2021年12月28日，中国共产党义乌市第十五次代表大会开幕。", null],
    ["本报讯 2022年6月17日上午，全市召开大会。", null],
    ["云溪日报 2023年2月30日 星期一", null], // no such day
    // a county paper's name, a folio at either end
    ["鹤汀县报 2024年11月8日 综合新闻 2\n\n正文。", "2024-11-08"],
    ["A8 文体·健康 2024年10月22日\n\n正文。", "2024-10-22"],
    ["本报讯 2024年11月8日 记者从县里获悉\n\n正文。", null],
  ])("%#", (text, want) => {
    expect(mastheadDate(text)).toBe(want);
  });

  it("metadata wins over the masthead, the masthead over the file name", () => {
    expect(documentDate("p-2020-01-01.txt", "2021年1月1日 星期五\n正文", "2022/6/17")).toEqual({ date: "2022-06-17", source: "metadata" });
    expect(documentDate("p-2020-01-01.txt", "2021年1月1日 星期五\n正文", undefined)).toEqual({ date: "2021-01-01", source: "masthead" });
    expect(documentDate("p-2020-01-01.txt", "正文。", undefined)).toEqual({ date: "2020-01-01", source: "file name" });
    expect(documentDate("page.txt", "正文。", undefined)).toBeNull();
    expect(normalizeDate("2022年6月17日")).toBe("2022-06-17");
    expect(normalizeDate("2021年冬")).toBeNull();
  });
});

describe("every article of a file gets its date, from wherever the file states it", () => {
  it("the dated test archive: sidecar, front matter, masthead, file name, and undated pages", async () => {
    const want = JSON.parse(readFileSync(path.join(DATED, "expected-dates.json"), "utf8")) as Record<string, string | null>;
    const dir = path.join(DATED, "pages");
    const got: Record<string, string | null> = {};
    for (const f of await listCorpus(dir)) {
      const loaded = await loadFile(dir, f, () => {});
      const dates = new Set(loaded!.articles.map((a) => a.meta.date ?? null));
      expect(dates.size).toBe(1);
      got[f.path] = [...dates][0]!;
    }
    expect(got).toEqual(want);
  });
});
