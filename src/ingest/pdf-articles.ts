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
import { repairHeadline } from "./ocr-alternatives.js";
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

/**
 * Articles of every page of a PDF; a page without a readable text layer is read by OCR from its
 * scan image (cached in `cacheDir` under the PDF's hash and the page number); warnings for unreadable
 * files and for pages with neither.
 */
export async function pdfArticles(
  data: Uint8Array,
  file: string,
  meta: DocMeta,
  warn: (w: IngestWarning) => void,
  cacheDir?: string,
): Promise<Article[]> {
  let pages: Awaited<ReturnType<typeof readPdf>>;
  try {
    pages = await readPdf(data, { scans: true });
  } catch (err) {
    if (!(err instanceof PdfError)) throw err;
    warn({ file, message: `skipped: ${err.message}` });
    return [];
  }
  const unread = pages.filter((p) => (p.chars === 0 || p.garbled) && !p.scan).map((p) => p.number);
  if (unread.length)
    warn({
      file,
      message: `page${unread.length > 1 ? "s" : ""} ${unread.join(", ")}: no readable text layer, and the page could not be rendered for OCR; skipped`,
    });
  const hash = sha256(data);
  const articles: Article[] = [];
  for (const page of pages) {
    const source = pageSource(file, page.number);
    if (page.scan)
      articles.push(
        ...(await ocrArticles(page.scan, `${hash}-p${page.number}`, source, { ...meta, page: String(page.number) }, warn, cacheDir)),
      );
    else if (page.chars > 0 && !page.garbled)
      articles.push(
        ...segmentPage(page.text, {
          source,
          meta: pageMeta({ ...meta, page: String(page.number) }, file, page.text),
          lineSizes: page.lineSizes,
        }),
      );
  }
  if (articles.length === 0 && pages.length > unread.length) warn({ file, message: "skipped: no text found" });
  return articles;
}

/** A page's metadata with the date its file name, sidecar or page text states. */
function pageMeta(meta: DocMeta, file: string, text: string): DocMeta {
  const dated = meta.date && !normalizeDate(meta.date) ? null : documentDate(file, text, meta.date);
  return dated ? { ...meta, date: dated.date, date_source: dated.source } : meta;
}

/** The page image a source names: an image file, or the scan (else the rendering) of a PDF page (`file.pdf#p3`) without a text layer. */
export async function pageImage(corpusDir: string, source: string): Promise<{ image: Buffer; hash: string } | null> {
  const { file, page } = splitPageSource(source);
  const data = await fs.readFile(path.join(corpusDir, file));
  if (page === null) return IMAGE_EXTENSIONS.includes(path.extname(file).toLowerCase()) ? { image: data, hash: sha256(data) } : null;
  const [p] = await readPdf(data, { scans: true, pages: [page] });
  return p?.scan ? { image: p.scan, hash: `${sha256(data)}-p${page}` } : null;
}

/** The text a source names: a PDF page's text layer or OCR text (null when there is no such page). */
export async function pdfPageText(data: Uint8Array, page: number, ocrCacheDir?: string): Promise<string | null> {
  const [p] = await readPdf(data, { scans: true, pages: [page] });
  if (!p) return null;
  return p.scan ? (await readImagePage(p.scan, `${sha256(data)}-p${page}`, ocrCacheDir)).text : p.text;
}

/** Articles of a page photo or scan (`abs` its path), read by OCR (cached by content hash in `cacheDir`). */
export function imageArticles(
  abs: string,
  hash: string,
  file: string,
  meta: DocMeta,
  warn: (w: IngestWarning) => void,
  cacheDir?: string,
): Promise<Article[]> {
  return ocrArticles(abs, hash, file, meta, warn, cacheDir);
}

/** Articles of a page image read by OCR; `source` names the page in citations. */
async function ocrArticles(
  image: string | Buffer,
  hash: string,
  source: string,
  meta: DocMeta,
  warn: (w: IngestWarning) => void,
  cacheDir?: string,
): Promise<Article[]> {
  const file = splitPageSource(source).file;
  let page: Awaited<ReturnType<typeof readImagePage>>;
  try {
    page = await readImagePage(image, hash, cacheDir);
  } catch (err) {
    if (!(err instanceof OcrError)) throw err;
    warn({ file, message: `skipped: ${err.message}` });
    return [];
  }
  if (page.chars === 0) {
    const pdfPage = splitPageSource(source).page;
    warn({
      file,
      message: pdfPage === null ? "skipped: no text found in the image" : `page ${pdfPage}: no text layer, and OCR found no text; skipped`,
    });
    return [];
  }
  const repair = (field: string | null, body: string) => (field ? repairHeadline(field, body, page.alternatives) : field);
  return segmentPage(page.text, { source, meta: pageMeta({ ...meta, ocr: "true" }, file, page.text), lineSizes: page.lineSizes })
    .map((a) => ({ ...a, title: repair(a.title, a.body), kicker: repair(a.kicker, a.body), subtitle: repair(a.subtitle, a.body) }))
    .map(closeQuotes);
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
  if (page !== null) return (await pdfPageText(data, page, ocrCacheDir)) ?? "";
  if (IMAGE_EXTENSIONS.includes(path.extname(file).toLowerCase())) return (await readImagePage(abs, sha256(data), ocrCacheDir)).text;
  const decoded = decodeText(data);
  return decoded.ok ? decoded.text : "";
}
