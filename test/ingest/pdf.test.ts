/**
 * PDF pages with a text layer (issue #16): pages made here in two and three columns, headlines in
 * larger type over the columns they span, kickers and subtitles in middle-sized type, small bylines,
 * one page turned by its /Rotate. The articles drawn are those of a text-dump test set (its pages
 * segmented by the text rules); what is drawn is the gold.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createAnswerService } from "../../src/answer/index.js";
import { readQaJsonl, runEval } from "../../src/eval/index.js";
import { listCorpus, loadFile, type Article, type IngestWarning } from "../../src/ingest/index.js";
import { pdfArticles } from "../../src/ingest/pdf-articles.js";
import { clippingImage } from "../../src/ingest/clipping.js";
import { readImagePage } from "../../src/ingest/ocr.js";
import { garbled, RENDER_DPI } from "../../src/ingest/pdf.js";
import { segmentPage } from "../../src/ingest/segment.js";
import { HashEmbeddings } from "../../src/search/hash-embeddings.js";
import { localRetriever } from "../../src/search/index.js";
import { buildIndex } from "../../src/search/index-store.js";
import { squash } from "../helpers/index.js";
import { ROOT } from "../helpers/paths.js";
import { type DrawnArticle, makeEncryptedPdf, makePdf, makeTextlessPdf, newspaperRows, type PageSpec } from "../helpers/pdf-pages.js";

const SET = path.join(ROOT, "test/fixtures/layouts/heldout3");

const drawn: Array<{ file: string; page: number; article: DrawnArticle }> = [];
let corpus: string;
let articles: Article[];
let clipSpec: PageSpec;

beforeAll(async () => {
  corpus = mkdtempSync(path.join(os.tmpdir(), "citebot-pdf-"));
  const pages = readdirSync(path.join(SET, "pages")).sort();
  for (const [half, file] of [
    [pages.slice(0, 4), "two-columns.pdf"],
    [pages.slice(4), "three-columns.pdf"],
  ] as const) {
    const specs = half.map((name, i): PageSpec => {
      const texts = segmentPage(readFileSync(path.join(SET, "pages", name), "utf8"), { source: name }).filter(
        (a) => a.kind === "article" && a.title,
      );
      const page = texts.map((a) => ({
        title: a.title!,
        kicker: a.kicker,
        subtitle: a.subtitle,
        byline: a.byline,
        paragraphs: a.body.split("\n"),
      }));
      for (const article of page) drawn.push({ file, page: i + 1, article });
      return {
        columns: file.startsWith("two") ? 2 : 3,
        rows: newspaperRows(page, file.startsWith("two") ? 2 : 3),
        rotate: i === 3 ? 90 : 0,
      };
    });
    writeFileSync(path.join(corpus, file), await makePdf(specs));
    clipSpec = specs[0]!;
  }
  const warnings: IngestWarning[] = [];
  const files = await listCorpus(corpus, (w) => warnings.push(w));
  articles = (await Promise.all(files.map((f) => loadFile(corpus, f, (w) => warnings.push(w))))).flatMap((f) => f?.articles ?? []);
  expect(warnings).toEqual([]);
}, 60_000);

describe("PDF pages with a text layer", () => {
  it("finds every article with its headline, kicker, subtitle and byline, body text exact (≥ 95 %)", () => {
    let right = 0;
    let exactBody = 0;
    const wrong: string[] = [];
    for (const { file, page, article } of drawn) {
      const got = articles.find(
        (a) => a.source === `${file}#p${page}` && squash(a.body).startsWith(squash(article.paragraphs[0]).slice(0, 12)),
      );
      const ok =
        !!got &&
        squash(got.title) === squash(article.title) &&
        squash(got.kicker) === squash(article.kicker) &&
        squash(got.subtitle) === squash(article.subtitle) &&
        squash(got.byline) === squash(article.byline);
      right += Number(ok);
      if (!ok) wrong.push(`${file}#p${page} ${article.title} → ${got?.title}`);
      if (got && squash(got.body) === squash(article.paragraphs.join(""))) exactBody++;
    }
    console.log(
      `PDF articles: ${right}/${drawn.length} with headline and byline right, ${exactBody} bodies exact${wrong.length ? `; ${wrong.join(" | ")}` : ""}`,
    );
    expect(drawn.length).toBe(32);
    expect(right / drawn.length).toBeGreaterThanOrEqual(0.95);
    expect(exactBody / drawn.length).toBeGreaterThanOrEqual(0.95);
  });

  it("names the page in the source and the metadata; reads the turned page (/Rotate 90) like the others", () => {
    const turned = articles.filter((a) => a.source === "two-columns.pdf#p4" && a.kind === "article");
    expect(turned.length).toBe(drawn.filter((d) => d.file === "two-columns.pdf" && d.page === 4).length);
    for (const a of articles) expect(a.meta.page).toBe(a.source.replace(/.*#p/, ""));
  });

  it("answers the set's questions from the PDFs: answer in the top-3 excerpts ≥ 97 %, excerpts verbatim", async () => {
    const items = (await readQaJsonl(path.join(SET, "questions.jsonl"))).map((q) => ({
      ...q,
      sources: q.sources.map((s) => (Number(/\d+/.exec(s)![0]) <= 4 ? "two-columns.pdf" : "three-columns.pdf")),
    }));
    const data = mkdtempSync(path.join(os.tmpdir(), "citebot-pdf-data-"));
    const { index } = await buildIndex({ corpusDir: corpus, dataDir: data, embeddings: new HashEmbeddings() });
    const { summary } = await runEval(createAnswerService({ retriever: localRetriever(() => index) }), items, corpus);
    console.log(
      `PDF questions: answer in top-3 ${(100 * summary.answerInTopK).toFixed(1)} %, right file first ${(100 * summary.hit1).toFixed(1)} %`,
    );
    expect(summary.answerInTopK).toBeGreaterThanOrEqual(0.97);
    expect(summary.verbatim).toBe(1);
  }, 60_000);
});

describe("clippings of PDF pages", () => {
  it("cuts an article out of the rendered page with its excerpt marked: OCR reads its headline and excerpt back from the image", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "citebot-pdf-clip-"));
    writeFileSync(path.join(dir, "page.pdf"), await makePdf([clipSpec], { fullFonts: true }));
    const [file] = await listCorpus(dir);
    const got = ((await loadFile(dir, file!, () => {}))?.articles ?? []).filter((a) => a.kind === "article");
    const a = got[1] ?? got[0]!;
    const clip = await clippingImage(dir, a, 0, 40);
    const { default: sharp } = await import("sharp");
    const meta = await sharp(clip!).metadata();
    expect(meta.format).toBe("png");
    expect(meta.width!).toBeLessThan(((clipSpec.columns === 3 ? 0.8 : 0.9) * 595 * RENDER_DPI) / 72);
    const seen = squash((await readImagePage(clip!, "pdf-clipping-test")).text);
    expect(seen).toContain(squash(a.title));
    expect(seen).toContain(squash(a.body.slice(0, 20)));
  }, 60_000);
});

describe("garbled text layers", () => {
  it.each([
    ["glyph codes in the private-use area", "\uE012\uE0A7\uE113\uE020，\uE0B1\uE1C4", true],
    ["control characters for letters", "\u0003\u0011\u0012\u0004\u0005\u0006 \u0007", true],
    ["Chinese text", "9月18日，南门街历史街区保护更新项目正式开工。", false],
    ["Latin text with digits and symbols", "Page 3 — © 2024 Daily News (p. 12)", false],
  ])("%s → garbled %s", (_name, text, expected) => {
    expect(garbled(text)).toBe(expected);
  });
});

describe("PDFs that cannot be read", () => {
  it.each([
    ["a password-protected PDF", makeEncryptedPdf, /^skipped: the PDF is password-protected$/],
    ["a truncated PDF", async () => (await makeTextlessPdf()).slice(0, 200), /^skipped: not a readable PDF/],
    [
      "a page with only a drawing (no text layer; OCR of the rendered page finds none)",
      makeTextlessPdf,
      /^page 1: no text layer, and OCR found no text; skipped$/,
    ],
  ])("%s gets one clear warning and no articles", async (_name, make, message) => {
    const warnings: IngestWarning[] = [];
    const got = await pdfArticles(await make(), "x.pdf", {}, (w) => warnings.push(w));
    expect(got).toEqual([]);
    expect(warnings.map((w) => w.message)[0]).toMatch(message);
    expect(warnings.every((w) => w.file === "x.pdf")).toBe(true);
  });
});
