/**
 * Page images and PDFs as corpus documents. A photo or scan is one page read by OCR (`meta.ocr`
 * "true": its excerpts quote the OCR text). A PDF: one source page per PDF page (`file.pdf#p3`, `meta.page` "3"),
 * each read into page text with type sizes and segmented by the same layout rules as text dumps.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { documentDate, normalizeDate } from "./dates.js";
import { decodeText } from "./decode.js";
import { sha256 } from "./hash.js";
import { OcrError, readImagePage } from "./ocr.js";
import { PdfError, readPdf } from "./pdf.js";
import { segmentPage } from "./segment.js";
import type { Article, DocMeta, IngestWarning } from "./types.js";

/** The source name of one page of a PDF. */
export const pageSource = (file: string, page: number): string => `${file}#p${page}`;

/** `file.pdf#p3` → { file: "file.pdf", page: 3 }; other sources have no page. */
export function splitPageSource(source: string): { file: string; page: number | null } {
  const m = /^(.*\.pdf)#p(\d+)$/i.exec(source);
  return m ? { file: m[1]!, page: Number(m[2]) } : { file: source, page: null };
}

/** Articles of every page of a PDF; warnings for unreadable files and pages without a text layer. */
export async function pdfArticles(data: Uint8Array, file: string, meta: DocMeta, warn: (w: IngestWarning) => void): Promise<Article[]> {
  let pages: Awaited<ReturnType<typeof readPdf>>;
  try {
    pages = await readPdf(data);
  } catch (err) {
    if (!(err instanceof PdfError)) throw err;
    warn({ file, message: `skipped: ${err.message}` });
    return [];
  }
  const empty = pages.filter((p) => p.chars === 0).map((p) => p.number);
  if (empty.length)
    warn({ file, message: `page${empty.length > 1 ? "s" : ""} ${empty.join(", ")}: no text layer (a scan or an image); skipped` });
  const articles: Article[] = [];
  for (const page of pages) {
    if (page.chars === 0) continue;
    let pageMeta: DocMeta = { ...meta, page: String(page.number) };
    const dated = meta.date && !normalizeDate(meta.date) ? null : documentDate(file, page.text, meta.date);
    if (dated) pageMeta = { ...pageMeta, date: dated.date, date_source: dated.source };
    articles.push(...segmentPage(page.text, { source: pageSource(file, page.number), meta: pageMeta, lineSizes: page.lineSizes }));
  }
  if (articles.length === 0 && pages.length > 0 && empty.length < pages.length) warn({ file, message: "skipped: no text found" });
  return articles;
}

/** The text a source names: a PDF page's text for `file.pdf#pN` (null when there is no such page). */
export async function pdfPageText(data: Uint8Array, page: number): Promise<string | null> {
  const pages = await readPdf(data);
  return pages.find((p) => p.number === page)?.text ?? null;
}

/** Articles of a page photo or scan, read by OCR (cached by content hash in `cacheDir`). */
export async function imageArticles(
  abs: string,
  hash: string,
  file: string,
  meta: DocMeta,
  warn: (w: IngestWarning) => void,
  cacheDir?: string,
): Promise<Article[]> {
  let page: Awaited<ReturnType<typeof readImagePage>>;
  try {
    page = await readImagePage(abs, hash, cacheDir);
  } catch (err) {
    if (!(err instanceof OcrError)) throw err;
    warn({ file, message: `skipped: ${err.message}` });
    return [];
  }
  if (page.chars === 0) {
    warn({ file, message: "skipped: no text found in the image" });
    return [];
  }
  let pageMeta: DocMeta = { ...meta, ocr: "true" };
  const dated = meta.date && !normalizeDate(meta.date) ? null : documentDate(file, page.text, meta.date);
  if (dated) pageMeta = { ...pageMeta, date: dated.date, date_source: dated.source };
  return segmentPage(page.text, { source: file, meta: pageMeta, lineSizes: page.lineSizes }).map(closeQuotes);
}

/**
 * OCR drops a closing quote mark at the end of a line more often than any other character
 * (`…开设“午间门诊`): a headline field is a whole phrase, so one left with an opening “ and no ”
 * gets it back at its end. Body text is left as read (quotes run across lines there).
 */
function closeQuotes(a: Article): Article {
  const close = (s: string | null) => (s && (s.match(/“/g) ?? []).length > (s.match(/”/g) ?? []).length ? `${s}”` : s);
  return { ...a, title: close(a.title), kicker: close(a.kicker), subtitle: close(a.subtitle) };
}

/**
 * The text a citation's source quotes: a PDF page's text layer (`file.pdf#p3`), the OCR text of a
 * page image (read from `ocrCacheDir` when the index build left it there), else the decoded file.
 */
/** Page photos and scans, read by OCR. */
export const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp"];

export async function sourceText(corpusDir: string, source: string, ocrCacheDir?: string): Promise<string> {
  const { file, page } = splitPageSource(source);
  const abs = path.join(corpusDir, file);
  const data = await fs.readFile(abs);
  if (page !== null) return (await pdfPageText(data, page)) ?? "";
  if (IMAGE_EXTENSIONS.includes(path.extname(file).toLowerCase())) return (await readImagePage(abs, sha256(data), ocrCacheDir)).text;
  const decoded = decodeText(data);
  return decoded.ok ? decoded.text : "";
}
