/**
 * Page images drawn by someone else (test/fixtures/pdf-heldout3/images: the six pages of that
 * set's PDFs painted at 150 dpi by its own canvas renderer — rules between columns and articles,
 * grey photo boxes, bold bylines), read by OCR. Measured once before its failures were read
 * (README "Page photos and scans"); the floors hold what the reader reaches now.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readQaJsonl } from "../../src/eval/index.js";
import type { Article } from "../../src/ingest/index.js";
import { imageArticles } from "../../src/ingest/pdf-articles.js";
import { type GoldArticle, squash } from "../helpers/index.js";
import { evalOverImages } from "../helpers/ocr-eval.js";
import { ROOT } from "../helpers/paths.js";

const SET = path.join(ROOT, "test/fixtures/pdf-heldout3");
const images = readdirSync(path.join(SET, "images")).sort();
/** `songlan-daily-20250412-p2.png` → `songlan-daily-20250412.pdf#p2`, the gold's key. */
const goldKey = (image: string) => image.replace(/-p(\d+)\.png$/, ".pdf#p$1");
const cache = mkdtempSync(path.join(os.tmpdir(), "citebot-ocr-heldout-"));
const read = new Map<string, Article[]>();

beforeAll(async () => {
  for (const image of images)
    read.set(image, await imageArticles(path.join(SET, "images", image), `heldout3-${image}`, image, {}, () => {}, cache));
}, 300_000);

describe("page images drawn by someone else, read by OCR", () => {
  it("articles found and their headlines", () => {
    const gold = JSON.parse(readFileSync(path.join(SET, "articles.json"), "utf8")) as Record<string, GoldArticle[]>;
    let [n, found, title] = [0, 0, 0];
    for (const image of images)
      for (const w of gold[goldKey(image)] ?? []) {
        n++;
        const a = read.get(image)!.find((g) => g.kind === "article" && squash(g.body).startsWith(squash(w.starts).slice(0, 6)));
        if (!a) continue;
        found++;
        title += Number(squash(a.title) === squash(w.title));
      }
    console.log(`OCR of foreign page images: ${n} articles, ${found} found, headline right ${title}`);
    expect(n).toBe(30);
    expect(found).toBeGreaterThanOrEqual(27);
    expect(title).toBeGreaterThanOrEqual(23);
  });

  it("questions: answer in the top-3 excerpts, quoted verbatim from the OCR text", async () => {
    const corpus = path.join(SET, "images");
    const data = mkdtempSync(path.join(os.tmpdir(), "citebot-ocr-heldout-data-"));
    cpSync(cache, path.join(data, "ocr-cache"), { recursive: true });
    const items = (await readQaJsonl(path.join(SET, "questions.jsonl")))
      .filter((q) => q.answerable)
      .map((q) => ({ ...q, sources: images.filter((i) => q.sources.some((s) => i.startsWith(s.replace(/\.pdf$/, "-p")))) }));
    const summary = await evalOverImages(corpus, data, items);
    console.log(
      `OCR of foreign page images, questions (${items.length}): answer in top-3 ${(100 * summary.answerInTopK).toFixed(1)} %, right headline on the answer's citation ${(100 * summary.titleRightOnAnswer).toFixed(1)} %`,
    );
    expect(summary.answerInTopK).toBeGreaterThanOrEqual(0.9);
    expect(summary.titleRightOnAnswer).toBeGreaterThanOrEqual(0.75);
    expect(summary.verbatim).toBe(1);
  }, 120_000);
});
