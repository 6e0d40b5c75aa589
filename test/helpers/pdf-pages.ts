/**
 * Newspaper-style PDF pages for tests, made here (pdf-lib + fontkit, the Noto Sans SC TTFs an npm
 * package ships; nothing downloaded): rows of articles across two or three columns, headlines in
 * larger bold type over the columns they span, kicker and subtitle in middle-sized type, a small
 * byline, bodies wrapped and balanced over the article's columns with indented paragraphs. The
 * same pages render as page images (@napi-rs/canvas, same fonts) for the OCR tests.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import fontkit from "@pdf-lib/fontkit";
import { createCanvas, GlobalFonts } from "@napi-rs/canvas";
import { degrees, PDFDocument, type PDFPage } from "pdf-lib";

export interface DrawnArticle {
  title: string;
  kicker?: string | null;
  subtitle?: string | null;
  byline?: string | null;
  paragraphs: string[];
}

export interface PageSpec {
  columns: number;
  /** Rows top to bottom; each row's articles side by side, spans adding up to `columns`. */
  rows: Array<Array<{ span: number; article: DrawnArticle }>>;
  /** Page rotation in degrees (the viewer turns the page; the text is drawn unrotated). */
  rotate?: number;
}

const require = createRequire(import.meta.url);
const fontFile = (weight: string) =>
  readFileSync(
    path.join(path.dirname(require.resolve("@expo-google-fonts/noto-sans-sc/package.json")), weight, `NotoSansSC_${weight}.ttf`),
  );

const WIDTH = 595;
const MARGIN = 36;
const GUTTER = 16;
const BODY = 10;
const LEADING = 15;
const TITLE = 18;
const SIDE = 12;
const BYLINE = 8.5;
const ROW_GAP = 22;

interface Placed {
  text: string;
  x: number;
  y: number;
  size: number;
  bold: boolean;
}

/** Rows for a page of articles: 2 columns (one across, two side by side) or 3 (two plus one, one across, three). */
export function newspaperRows(articles: DrawnArticle[], columns: number): PageSpec["rows"] {
  const pattern = columns === 2 ? [[2], [1, 1]] : [[2, 1], [3], [1, 1, 1]];
  const rows: PageSpec["rows"] = [];
  for (let k = 0, r = 0; k < articles.length; r++) {
    const row = pattern[r % pattern.length]!.slice(0, articles.length - k).map((span, j) => ({ span, article: articles[k + j]! }));
    row[row.length - 1]!.span += columns - row.reduce((s, x) => s + x.span, 0);
    rows.push(row);
    k += row.length;
  }
  return rows;
}

/** Width of text at a type size, in points. */
type Measure = (text: string, size: number, bold: boolean) => number;

/** Greedy line breaking by measured width (CJK breaks anywhere). */
function wrap(text: string, measure: (t: string) => number, width: number, indent = 0): string[] {
  const out: string[] = [];
  let line = "";
  let room = width - indent;
  for (const ch of Array.from(text)) {
    if (line && measure(line + ch) > room) {
      out.push(line);
      line = "";
      room = width;
    }
    line += ch;
  }
  if (line) out.push(line);
  return out;
}

/** One article in a box `width` wide at (x, y), its body over `span` columns; returns what to draw and its height. */
function layArticle(
  a: DrawnArticle,
  x: number,
  y: number,
  span: number,
  colW: number,
  measure: Measure,
): { placed: Placed[]; height: number } {
  const width = span * colW + (span - 1) * GUTTER;
  const placed: Placed[] = [];
  let cy = y;
  const put = (text: string, size: number, bold: boolean, lineGap: number) => {
    for (const l of wrap(text, (t) => measure(t, size, bold), width)) {
      cy += size;
      placed.push({ text: l, x, y: cy, size, bold });
      cy += lineGap;
    }
  };
  if (a.kicker) put(a.kicker, SIDE, false, 6);
  put(a.title, TITLE, true, 6);
  if (a.subtitle) put(a.subtitle, SIDE, false, 6);
  cy += 4;
  if (a.byline) put(a.byline, BYLINE, false, 8);
  // body: indented paragraphs, balanced over the columns
  const lines = a.paragraphs.flatMap((p) =>
    wrap(p, (t) => measure(t, BODY, false), colW, 2 * BODY).map((t, i) => ({ t, indent: i === 0 })),
  );
  const perCol = Math.ceil(lines.length / span);
  for (let c = 0; c < span; c++) {
    lines.slice(c * perCol, (c + 1) * perCol).forEach((l, i) => {
      placed.push({
        text: l.t,
        x: x + c * (colW + GUTTER) + (l.indent ? 2 * BODY : 0),
        y: cy + BODY + i * LEADING,
        size: BODY,
        bold: false,
      });
    });
  }
  return { placed, height: cy - y + perCol * LEADING };
}

/** Where every line of the pages goes (points, y downwards from the top). */
function layoutPages(pages: PageSpec[], measure: Measure): Array<{ width: number; height: number; placed: Placed[] }> {
  return pages.map((spec) => {
    const colW = (WIDTH - 2 * MARGIN - (spec.columns - 1) * GUTTER) / spec.columns;
    const placed: Placed[] = [];
    let y = MARGIN;
    for (const row of spec.rows) {
      let col = 0;
      let tallest = 0;
      for (const { span, article } of row) {
        const r = layArticle(article, MARGIN + col * (colW + GUTTER), y, span, colW, measure);
        placed.push(...r.placed);
        tallest = Math.max(tallest, r.height);
        col += span;
      }
      y += tallest + ROW_GAP;
    }
    return { width: WIDTH, height: Math.max(400, y + MARGIN), placed };
  });
}

/**
 * A PDF of the given pages. Fonts are subset unless `fullFonts` (pdf-lib's subsets of this CJK
 * font lose most glyph outlines: the text layer reads right, a rendering shows gaps; whole fonts
 * render right and make a PDF of about 20 MB).
 */
export async function makePdf(pages: PageSpec[], options: { fullFonts?: boolean } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const fonts = {
    reg: await doc.embedFont(fontFile("400Regular"), { subset: !options.fullFonts }),
    bold: await doc.embedFont(fontFile("700Bold"), { subset: !options.fullFonts }),
  };
  const laid = layoutPages(pages, (t, size, bold) => (bold ? fonts.bold : fonts.reg).widthOfTextAtSize(t, size));
  for (const [i, { width, height, placed }] of laid.entries()) {
    const page: PDFPage = doc.addPage([width, height]);
    for (const p of placed) page.drawText(p.text, { x: p.x, y: height - p.y, size: p.size, font: p.bold ? fonts.bold : fonts.reg });
    if (pages[i]!.rotate) page.setRotation(degrees(pages[i]!.rotate!));
  }
  return doc.save();
}

let fontsRegistered = false;

/** The pages as PNG images at `dpi` (black text on white, as a clean scan would be). */
export function renderPageImages(pages: PageSpec[], dpi = 150): Uint8Array[] {
  if (!fontsRegistered) {
    GlobalFonts.register(fontFile("400Regular"), "TestSansSC");
    GlobalFonts.register(fontFile("700Bold"), "TestSansSCBold");
    fontsRegistered = true;
  }
  const scale = dpi / 72;
  const probe = createCanvas(10, 10).getContext("2d");
  const measure: Measure = (t, size, bold) => {
    probe.font = `${size}px ${bold ? "TestSansSCBold" : "TestSansSC"}`;
    return probe.measureText(t).width;
  };
  return layoutPages(pages, measure).map(({ width, height, placed }) => {
    const canvas = createCanvas(Math.round(width * scale), Math.round(height * scale));
    const g = canvas.getContext("2d");
    g.fillStyle = "white";
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.fillStyle = "black";
    for (const p of placed) {
      g.font = `${p.size * scale}px ${p.bold ? "TestSansSCBold" : "TestSansSC"}`;
      g.fillText(p.text, p.x * scale, p.y * scale);
    }
    return canvas.toBuffer("image/png");
  });
}

/** A scanned PDF: one page image (PNG, at `dpi`) per page, no text layer. */
export async function makeScannedPdf(images: Uint8Array[], dpi = 150): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (const png of images) {
    const image = await doc.embedPng(png);
    const [w, h] = [(image.width * 72) / dpi, (image.height * 72) / dpi];
    doc.addPage([w, h]).drawImage(image, { x: 0, y: 0, width: w, height: h });
  }
  return doc.save();
}

/** A PDF whose trailer names a standard security handler with a user password nobody knows. */
export async function makeEncryptedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([200, 200]);
  const base = Buffer.from(await doc.save({ useObjectStreams: false }));
  const text = base.toString("latin1");
  const prev = Number(/startxref\s+(\d+)/.exec(text)![1]);
  const size = Number(/\/Size (\d+)/.exec(text)![1]);
  const root = /\/Root (\d+ \d+ R)/.exec(text)![1];
  const obj = `${size} 0 obj\n<< /Filter /Standard /V 1 /R 2 /O <${"A".repeat(64)}> /U <${"A".repeat(64)}> /P -4 >>\nendobj\n`;
  const id = "B".repeat(32);
  const tail = `xref\n${size} 1\n${String(base.length).padStart(10, "0")} 00000 n \ntrailer\n<< /Size ${size + 1} /Root ${root} /Prev ${prev} /Encrypt ${size} 0 R /ID [<${id}> <${id}>] >>\nstartxref\n${base.length + obj.length}\n%%EOF\n`;
  return Buffer.concat([base, Buffer.from(obj + tail, "latin1")]);
}

/** A one-page PDF with a drawing and no text (what a scan looks like to a text reader). */
export async function makeTextlessPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([300, 300]).drawRectangle({ x: 20, y: 20, width: 200, height: 100 });
  return doc.save();
}
