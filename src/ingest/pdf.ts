/**
 * PDF pages with a text layer → positioned text boxes → page text (`page-geometry.ts`). Uses
 * pdf.js through `unpdf` (its serverless build: no canvas or worker needed to read text). Page
 * rotation is applied (boxes are in the upright page's coordinates); encrypted, broken and
 * text-less PDFs are reported with one clear reason each.
 */
import { extractImages, getDocumentProxy, renderPageAsImage } from "unpdf";
import { CitebotError } from "../errors.js";
import { layoutBoxes, type PageText, type TextBox } from "./page-geometry.js";

/** Why a PDF cannot be read; `reason` is stable for messages. */
export class PdfError extends CitebotError {
  constructor(
    readonly reason: "encrypted" | "broken",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface PdfPage extends PageText {
  /** 1-based page number. */
  number: number;
  width: number;
  height: number;
  /** Characters in the text layer (0: a scan or a page of images). */
  chars: number;
  /** Whether the text layer is unreadable (glyphs without Unicode: private-use or control characters). */
  garbled: boolean;
  /** A page without a readable text layer: its largest image (the scan) as PNG, else the page rendered, when asked for. */
  scan?: Buffer;
}

export interface ReadPdfOptions {
  /** Extract the page image of pages without a readable text layer (for OCR). */
  scans?: boolean;
  /** Read only these pages (1-based). */
  pages?: number[];
}

/** Share of a text layer's characters that may be unmapped glyphs before the layer counts as garbled. */
const GARBLED_SHARE = 0.2;

/**
 * Whether a text layer is glyph codes rather than text: a font embedded without a Unicode map gives
 * private-use, control or replacement characters where the letters should be.
 */
export function garbled(text: string): boolean {
  const chars = Array.from(text.replace(/\s+/g, ""));
  if (chars.length === 0) return false;
  const bad = chars.filter((c) => /[\p{Co}\p{Cc}\p{Cn}\uFFFD]/u.test(c)).length;
  return bad / chars.length > GARBLED_SHARE;
}

/** Scan images smaller than this (pixels on the shorter side) are not a page. */
const MIN_SCAN_SIDE = 300;

/** The page's largest image as PNG (a scanned page), or undefined. */
async function scanImage(doc: Awaited<ReturnType<typeof getDocumentProxy>>, n: number): Promise<Buffer | undefined> {
  const images = await extractImages(doc, n).catch(() => []);
  const best = images.sort((a, b) => b.width * b.height - a.width * a.height)[0];
  if (!best || Math.min(best.width, best.height) < MIN_SCAN_SIDE) return undefined;
  const { default: sharp } = await import("sharp");
  const raw = { width: best.width, height: best.height, channels: best.channels as 1 | 2 | 3 | 4 };
  return sharp(Buffer.from(best.data.buffer, best.data.byteOffset, best.data.byteLength), { raw })
    .png()
    .toBuffer();
}

type Matrix = [number, number, number, number, number, number];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[2] * n[1],
  m[1] * n[0] + m[3] * n[1],
  m[0] * n[2] + m[2] * n[3],
  m[1] * n[2] + m[3] * n[3],
  m[0] * n[4] + m[2] * n[5] + m[4],
  m[1] * n[4] + m[3] * n[5] + m[5],
];

interface RawItem {
  str?: string;
  transform?: number[];
  width?: number;
}

/** A text item in the upright page's (viewport) coordinates (y grows downwards), with its baseline's direction. */
function placed(item: RawItem, viewport: Matrix): { m: Matrix; angle: number; item: RawItem } | null {
  if (!item.str || !item.transform) return null;
  const m = multiply(viewport, item.transform as Matrix);
  return Math.hypot(m[2], m[3]) > 0 ? { m, angle: Math.atan2(m[1], m[0]), item } : null;
}

/**
 * Boxes of the page's text, turned so that its prevailing writing direction runs left to right:
 * a page whose text runs sideways (a landscape scan turned by its /Rotate, text drawn at 90°) is
 * read as its reader would turn it.
 */
function boxesOf(items: RawItem[], viewport: Matrix): TextBox[] {
  const runs = items.flatMap((it) => placed(it, viewport) ?? []);
  const weight = new Map<number, number>();
  for (const r of runs) {
    const q = ((Math.round(r.angle / (Math.PI / 2)) % 4) + 4) % 4;
    weight.set(q, (weight.get(q) ?? 0) + (r.item.str?.length ?? 0));
  }
  const quarter = [...weight.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const theta = (quarter * Math.PI) / 2;
  const [cos, sin] = [Math.round(Math.cos(theta)), Math.round(Math.sin(theta))];
  return runs.map(({ m, item }) => {
    const size = Math.hypot(m[2], m[3]);
    const scale = Math.hypot(item.transform![0]!, item.transform![1]!) || 1;
    const x = m[4] * cos + m[5] * sin;
    const y = -m[4] * sin + m[5] * cos;
    return { text: item.str!, x, top: y - size, w: ((item.width ?? 0) * Math.hypot(m[0], m[1])) / scale, h: size };
  });
}

/** Reads every page of a PDF. Throws PdfError when the file is encrypted or not a readable PDF. */
export async function readPdf(data: Uint8Array, options: ReadPdfOptions = {}): Promise<PdfPage[]> {
  let doc: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js takes ownership of the buffer it is given: hand it a copy
    doc = await getDocumentProxy(new Uint8Array(data), { verbosity: 0 });
  } catch (err) {
    const name = (err as Error)?.name ?? "";
    if (name === "PasswordException") throw new PdfError("encrypted", "the PDF is password-protected", { cause: err });
    throw new PdfError("broken", `not a readable PDF (${(err as Error)?.message ?? err})`, { cause: err });
  }
  try {
    const pages: PdfPage[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      if (options.pages && !options.pages.includes(n)) continue;
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: 1 });
      const content = await page.getTextContent();
      const boxes = boxesOf(content.items as RawItem[], viewport.transform as Matrix);
      const text = layoutBoxes(boxes);
      const chars = boxes.reduce((s, b) => s + b.text.trim().length, 0);
      const bad = garbled(text.text);
      const scan = options.scans && (chars === 0 || bad) ? ((await scanImage(doc, n)) ?? (await renderPdfPage(data, n))) : undefined;
      pages.push({ ...text, number: n, width: viewport.width, height: viewport.height, chars, garbled: bad, ...(scan ? { scan } : {}) });
      page.cleanup();
    }
    return pages;
  } catch (err) {
    throw new PdfError("broken", `the PDF could not be read to the end (${(err as Error)?.message ?? err})`, { cause: err });
  } finally {
    await doc.loadingTask.destroy().catch(() => {});
  }
}

/** Pages are rendered at this resolution (for OCR of pages without text, and for clippings). */
export const RENDER_DPI = 150;

/**
 * pdf.js 5 renders through `ArrayBuffer.prototype.transferToFixedLength`, which Node 20 lacks: the
 * standard's behaviour (a copy of the first `length` bytes; the old buffer is not detached here).
 */
function ensureTransfer(): void {
  const proto = ArrayBuffer.prototype as ArrayBuffer & { transferToFixedLength?: (n?: number) => ArrayBuffer };
  if (proto.transferToFixedLength) return;
  Object.defineProperty(proto, "transferToFixedLength", {
    configurable: true,
    writable: true,
    value(this: ArrayBuffer, length?: number) {
      const out = new ArrayBuffer(length ?? this.byteLength);
      new Uint8Array(out).set(new Uint8Array(this, 0, Math.min(this.byteLength, out.byteLength)));
      return out;
    },
  });
}

/** Page `n` of a PDF rendered as PNG at `dpi` (pdf.js drawing on @napi-rs/canvas); null when it cannot be. */
export async function renderPdfPage(data: Uint8Array, n: number, dpi = RENDER_DPI): Promise<Buffer | null> {
  ensureTransfer();
  try {
    const doc = await getDocumentProxy(new Uint8Array(data), { verbosity: 0 });
    try {
      const png = await renderPageAsImage(doc, n, { canvasImport: () => import("@napi-rs/canvas"), scale: dpi / 72 });
      return Buffer.from(png);
    } finally {
      await doc.loadingTask.destroy().catch(() => {});
    }
  } catch {
    return null;
  }
}

/** Does the data start like a PDF? */
export const looksLikePdf = (data: Uint8Array): boolean => Buffer.from(data.subarray(0, 1024)).includes("%PDF-");
