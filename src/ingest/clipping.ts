/**
 * The clipping of an article from a page image or a PDF page: the part of the page its lines cover
 * (headline block included), cropped, with the lines of a cited excerpt marked — what a reader
 * would cut out of the paper. Lines of OCR'd pages come from the cached OCR (no OCR is run again
 * when the index build left its cache); lines of PDF pages from their text layer over the page
 * rendered at RENDER_DPI — in both, the text and boxes the article was built from.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { readImagePage } from "./ocr.js";
import type { PageText } from "./page-geometry.js";
import { readPdf, RENDER_DPI, renderPdfPage } from "./pdf.js";
import { pageImage, splitPageSource } from "./pdf-articles.js";
import type { Article } from "./types.js";

/** Pixels kept around the article's lines. */
const MARGIN = 14;
/** Widest clipping sent (Telegram shows photos up to about this). */
const MAX_WIDTH = 1280;

const squash = (s: string | null | undefined) => (s ?? "").replace(/\s+/g, "");

/** Index of the physical line each offset of `text` is on. */
function lineOfOffset(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
}

/** Lines (by index) holding the body offsets [start, end) of the article. */
function linesOf(article: Article, start: number, end: number, line: (offset: number) => number): Set<number> {
  const out = new Set<number>();
  for (const s of article.spans) {
    const [a, z] = [Math.max(start, s.bodyStart), Math.min(end, s.bodyStart + s.length)];
    if (a < z) for (let o = s.srcStart + (a - s.bodyStart); o < s.srcStart + (z - s.bodyStart); o++) out.add(line(o));
  }
  return out;
}

/** The page an article was read from: its image, its text with line boxes, and the pixels per box unit. */
interface ClippingPage {
  image: Buffer;
  page: PageText;
  scale: number;
}

async function clippingPage(corpusDir: string, article: Article, ocrCacheDir?: string): Promise<ClippingPage | null> {
  if (article.meta.ocr === "true") {
    const found = await pageImage(corpusDir, article.source);
    return found ? { image: found.image, page: await readImagePage(found.image, found.hash, ocrCacheDir), scale: 1 } : null;
  }
  const { file, page } = splitPageSource(article.source);
  if (page === null) return null;
  const data = await fs.readFile(path.join(corpusDir, file));
  const [text] = await readPdf(data, { pages: [page] });
  const image = text ? await renderPdfPage(data, page) : null;
  return text && image ? { image, page: text, scale: RENDER_DPI / 72 } : null;
}

/**
 * The clipping image (PNG) of an article of a page image, a scanned PDF page (both read by OCR) or
 * a PDF page with a text layer (rendered), its excerpt [start, end) (body offsets) marked; null for
 * articles of text files.
 */
export async function clippingImage(
  corpusDir: string,
  article: Article,
  start: number,
  end: number,
  ocrCacheDir?: string,
): Promise<Buffer | null> {
  const found = await clippingPage(corpusDir, article, ocrCacheDir);
  if (!found) return null;
  const { image: data, page, scale } = found;
  const lines = page.text.split("\n");
  const line = lineOfOffset(page.text);
  const body = linesOf(article, 0, article.body.length, line);
  if (body.size === 0) return null;
  // the headline block: lines just above the body whose text is part of its headline or byline
  const head = squash(`${article.kicker}${article.title}${article.subtitle}${article.byline}`);
  for (let i = Math.min(...body) - 1; i >= 0 && i >= Math.min(...body) - 8; i--)
    if (lines[i] && head.includes(squash(lines[i]))) body.add(i);
  const boxesOf = (ids: Iterable<number>) =>
    [...ids].flatMap((i) => page.lineBoxes[i] ?? []).map((b) => ({ x: b.x * scale, top: b.top * scale, w: b.w * scale, h: b.h * scale }));
  const boxes = boxesOf(body);
  const { default: sharp } = await import("sharp");
  const meta = await sharp(data).metadata();
  const [W, H] = [meta.width ?? 0, meta.height ?? 0];
  const x0 = Math.max(0, Math.floor(Math.min(...boxes.map((b) => b.x)) - MARGIN));
  const y0 = Math.max(0, Math.floor(Math.min(...boxes.map((b) => b.top)) - MARGIN));
  const x1 = Math.min(W, Math.ceil(Math.max(...boxes.map((b) => b.x + b.w)) + MARGIN));
  const y1 = Math.min(H, Math.ceil(Math.max(...boxes.map((b) => b.top + b.h)) + MARGIN));
  if (x1 - x0 < 4 || y1 - y0 < 4) return null;
  const marks = boxesOf(linesOf(article, start, end, line)).map(
    (b) =>
      `<rect x="${b.x - x0 - 3}" y="${b.top - y0 - 3}" width="${b.w + 6}" height="${b.h + 6}" fill="#ffd54f" fill-opacity="0.35" stroke="#f9a825" stroke-width="2"/>`,
  );
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${x1 - x0}" height="${y1 - y0}">${marks.join("")}</svg>`);
  let image = sharp(data)
    .extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 })
    .composite([{ input: svg, top: 0, left: 0 }]);
  if (x1 - x0 > MAX_WIDTH) image = sharp(await image.png().toBuffer()).resize({ width: MAX_WIDTH });
  return image.png().toBuffer();
}
