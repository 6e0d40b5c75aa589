import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chunkArticle, splitSentences } from "../../src/ingest/chunk.js";
import { segmentPage } from "../../src/ingest/segment.js";
import { CORPUS } from "../helpers/paths.js";

const pages = readdirSync(CORPUS).filter((f) => f.endsWith(".txt"));
const articles = pages.flatMap((f) => segmentPage(readFileSync(path.join(CORPUS, f), "utf8"), { source: f }));

describe("sentence splitting", () => {
  it.each([
    ["他说：“好。”然后走了。", ["他说：“好。”", "然后走了。"]],
    ["真的吗？是的！好……", ["真的吗？", "是的！", "好……"]],
    ["第一段\n第二段。", ["第一段\n", "第二段。"]],
    ["分号；也断句", ["分号；", "也断句"]],
  ])("%s", (text, want) => {
    expect(splitSentences(text).map((s) => text.slice(s.start, s.end))).toEqual(want);
  });
});

describe("chunk invariants on the seed corpus", () => {
  it.each(articles.map((a) => [`${a.source}#${a.ordinal}`, a] as const))("%s", (_name, article) => {
    const chunks = chunkArticle(article);
    expect(chunks.length).toBeGreaterThan(0);
    // Text equals its body slice, chunks stay inside the article.
    for (const c of chunks) {
      expect(c.text).toBe(article.body.slice(c.start, c.end));
      expect(c.articleId).toBe(article.id);
    }
    // No text lost: chunks cover the whole body, each starting at or before the previous end.
    expect(chunks[0]!.start).toBe(0);
    expect(chunks[chunks.length - 1]!.end).toBe(article.body.length);
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i]!.start).toBeLessThanOrEqual(chunks[i - 1]!.end);
      expect(chunks[i]!.start).toBeGreaterThan(chunks[i - 1]!.start);
      // No text duplicated beyond one sentence of overlap.
      const overlap = article.body.slice(chunks[i]!.start, chunks[i - 1]!.end);
      expect(splitSentences(overlap).length).toBeLessThanOrEqual(1);
    }
    // Sizes: at most 300 characters, and at least 150 unless the article (or its tail) is shorter.
    for (const [i, c] of chunks.entries()) {
      expect(c.text.length).toBeLessThanOrEqual(300);
      if (i < chunks.length - 1) expect(c.text.length).toBeGreaterThanOrEqual(150);
    }
  });
});
