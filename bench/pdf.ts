/**
 * PDF throughput for the benchmark: a multi-page PDF made like the test pages (test/helpers/
 * pdf-pages.ts: two and three columns, headlines in larger type) from the articles of a layout test
 * set, then read (text layer → page text) and read + segmented (→ articles), pages per second;
 * pages rendered at 150 dpi for clippings, seconds per page; and the same pages rendered as
 * images at 150 dpi and read by OCR, seconds per page.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pdfArticles } from "../src/ingest/pdf-articles.js";
import { readPdf, renderPdfPage } from "../src/ingest/pdf.js";
import { segmentPage } from "../src/ingest/segment.js";
import { makePdf, type PageSpec, renderPageImages } from "../test/helpers/pdf-pages.js";

export interface OcrBench {
  pages: number;
  secondsPerPage: number[];
}

/** OCR seconds per page image (150 dpi, two and three columns; the engine loaded before timing). */
export async function benchOcr(root: string, pages: number): Promise<OcrBench> {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const os = await import("node:os");
  const { readImagePage } = await import("../src/ingest/ocr.js");
  const dir = path.join(root, "test/fixtures/layouts/heldout6/pages");
  const specs: PageSpec[] = readdirSync(dir)
    .sort()
    .slice(0, pages)
    .map((name, i) => {
      const columns = i % 2 ? 3 : 2;
      const page = segmentPage(readFileSync(path.join(dir, name), "utf8"), { source: name })
        .filter((a) => a.kind === "article" && a.title)
        .map((a) => ({ title: a.title!, kicker: a.kicker, subtitle: a.subtitle, byline: a.byline, paragraphs: a.body.split("\n") }));
      return { columns, rows: page.map((article) => [{ span: columns, article }]) };
    });
  const work = mkdtempSync(path.join(os.tmpdir(), "citebot-bench-ocr-"));
  const files = renderPageImages(specs, 150).map((png, i) => {
    const file = path.join(work, `p${i + 1}.png`);
    writeFileSync(file, png);
    return file;
  });
  await readImagePage(files[0]!, "warm-up");
  const secondsPerPage: number[] = [];
  for (const [i, file] of files.entries()) {
    const t0 = performance.now();
    await readImagePage(file, `p${i}`);
    secondsPerPage.push((performance.now() - t0) / 1000);
  }
  return { pages: files.length, secondsPerPage };
}

export interface PdfBench {
  pages: number;
  bytes: number;
  readPagesPerS: number;
  articlesPagesPerS: number;
  articles: number;
  /** Seconds to render one page at RENDER_DPI (what a PDF clipping costs), mean over the first pages. */
  renderSecondsPerPage: number;
}

export async function benchPdf(root: string, repeat: number): Promise<PdfBench> {
  const dir = path.join(root, "test/fixtures/layouts/heldout3/pages");
  const specs: PageSpec[] = [];
  for (let r = 0; r < repeat; r++)
    for (const [i, name] of readdirSync(dir).sort().entries()) {
      const page = segmentPage(readFileSync(path.join(dir, name), "utf8"), { source: name })
        .filter((a) => a.kind === "article" && a.title)
        .map((a) => ({ title: a.title!, kicker: a.kicker, subtitle: a.subtitle, byline: a.byline, paragraphs: a.body.split("\n") }));
      const columns = i % 2 ? 3 : 2;
      specs.push({ columns, rows: page.map((article) => [{ span: columns, article }]) });
    }
  const pdf = await makePdf(specs);
  await readPdf(pdf); // warm-up: pdf.js loads on first use
  const t0 = performance.now();
  await readPdf(pdf);
  const read = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const articles = await pdfArticles(pdf, "bench.pdf", {}, () => {});
  const whole = (performance.now() - t1) / 1000;
  const rendered = Math.min(4, specs.length);
  await renderPdfPage(pdf, 1); // warm-up: the canvas loads on first use
  const t2 = performance.now();
  for (let n = 1; n <= rendered; n++) await renderPdfPage(pdf, n);
  const render = (performance.now() - t2) / 1000 / rendered;
  return {
    renderSecondsPerPage: render,
    pages: specs.length,
    bytes: pdf.length,
    readPagesPerS: specs.length / read,
    articlesPagesPerS: specs.length / whole,
    articles: articles.length,
  };
}
