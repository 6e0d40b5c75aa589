import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { segmentPage } from "../../src/ingest/segment.js";
import { type GoldArticle, squash } from "../helpers/index.js";
import { CORPUS, SEED_ARTICLES } from "../helpers/paths.js";

const expected = JSON.parse(readFileSync(SEED_ARTICLES, "utf8")) as Record<string, GoldArticle[]>;

describe.each(Object.entries(expected))("segmentation of %s", (file, want) => {
  const text = readFileSync(path.join(CORPUS, file), "utf8");
  const all = segmentPage(text, { source: file });
  const got = all.filter((a) => a.kind === "article");

  it("finds every article in reading order", () => {
    const prefix = (s: string, w: GoldArticle) => s.slice(0, Math.min(8, w.starts.length));
    expect(got.map((a, i) => (want[i] ? prefix(squash(a.body), want[i]!) : squash(a.body)))).toEqual(want.map((w) => prefix(w.starts, w)));
  });

  it.each(want.map((w, i) => [i, w] as const))("article %i: title, byline, kicker, subtitle, start and end", (i, w) => {
    const a = got[i]!;
    expect(squash(a.body).startsWith(w.starts)).toBe(true);
    expect(squash(a.body).endsWith(w.ends)).toBe(true);
    expect(squash(a.title)).toBe(squash(w.title));
    expect(squash(a.byline)).toBe(squash(w.byline));
    if (w.kicker) expect(squash(a.kicker)).toBe(squash(w.kicker));
    if (w.subtitle) expect(squash(a.subtitle)).toBe(squash(w.subtitle));
  });

  it("keeps furniture out of article bodies but searchable as a page note", () => {
    const bodies = got.map((a) => a.body).join("\n");
    expect(bodies).not.toMatch(/（下转|详见第|自主申报|本版图片/);
    const note = all.find((a) => a.kind === "note");
    if (note) expect(note.title).toBeNull();
  });

  it("maps every body character back to the source", () => {
    for (const a of all) {
      let mapped = 0;
      for (const s of a.spans) {
        expect(a.body.slice(s.bodyStart, s.bodyStart + s.length)).toBe(text.slice(s.srcStart, s.srcStart + s.length));
        mapped += s.length;
      }
      // Only paragraph separators and inter-word spaces are synthetic.
      expect(a.body.length - mapped).toBe(
        (a.body.match(/[\n ]/g) ?? []).length -
          a.spans.reduce((n, s) => n + (a.body.slice(s.bodyStart, s.bodyStart + s.length).match(/ /g) ?? []).length, 0),
      );
    }
  });
});

describe("segmentation rules beyond the seeds", () => {
  it("a Markdown heading titles the document and its captions stay out of the body", () => {
    const arts = segmentPage("# 标题在此\n\n图片说明\n\n正文第一句，说明情况。第二句。\n", { source: "x.md" });
    expect(arts[0]).toMatchObject({ title: "标题在此", kind: "article" });
    expect(arts[0]!.body).toBe("正文第一句，说明情况。第二句。");
  });

  it("a section heading inside a long article stays in its body", () => {
    const page = "▢ 记者 张三\n\n本报讯 今天开会，讨论了很多事情。\n\n一、第一部分的小标题\n\n会议认为，工作做得很好。\n\n大会讨论工作\n";
    const [a] = segmentPage(page, { source: "p.txt" });
    expect(a!.body).toContain("一、第一部分的小标题");
    expect(a!.title).toBe("大会讨论工作");
    expect(a!.byline).toBe("记者 张三");
  });

  it("an opener starts a new article even without a byline", () => {
    const page = "本报讯 甲事件发生了。\n\n甲事件发生\n\n本报讯 乙事件也发生了。\n\n乙事件发生\n";
    const arts = segmentPage(page, { source: "p.txt" }).filter((a) => a.kind === "article");
    expect(arts.map((a) => a.title)).toEqual(["甲事件发生", "乙事件发生"]);
  });

  it("credit lines are furniture", () => {
    const page = "▢ 记者 张三\n\n本报讯 今天开会。\n\n今天开会\n\n责任编辑 李四\n校对 王五\n";
    const all = segmentPage(page, { source: "p.txt" });
    expect(all[0]!.body).toBe("本报讯今天开会。");
    expect(all.find((a) => a.kind === "note")!.body).toContain("责任编辑");
  });

  it("ids are stable across runs", () => {
    const text = readFileSync(path.join(CORPUS, Object.keys(expected)[0]!), "utf8");
    expect(segmentPage(text, { source: "a.txt" }).map((a) => a.id)).toEqual(segmentPage(text, { source: "a.txt" }).map((a) => a.id));
  });
});
