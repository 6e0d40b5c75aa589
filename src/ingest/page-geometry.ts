/**
 * From positioned text to a page's text: boxes of text (a PDF's text layer, OCR lines) with their
 * position and type size → blocks (recursive XY-cut at the widest gap: a column gutter or a gap
 * between rows of articles) → lines → the same kind of text dump the layout rules read, with a blank
 * line between blocks and a new block wherever the type size changes; each physical line keeps
 * its type size and box, so headline anatomy can follow type size (see `type-size.ts`).
 */

/** A run of text on a page: top-left corner, width and height (the type size), in page units. */
export interface TextBox {
  text: string;
  x: number;
  top: number;
  w: number;
  /** Height of the box: the type size where `size` is not given. */
  h: number;
  /** Type size when it is not the box's height (OCR: the character pitch). */
  size?: number;
}

export interface PageText {
  /** Blocks separated by a blank line, lines by "\n". */
  text: string;
  /** Type size of each physical line of `text` (0 for blank lines). */
  lineSizes: number[];
  /** Bounding box of each physical line (null for blank lines). */
  lineBoxes: Array<{ x: number; top: number; w: number; h: number } | null>;
}

/** A vertical gutter between columns is at least this many type sizes wide. */
const GUTTER = 0.9;
/** A gap between blocks is at least this many type sizes tall (leading is about half of one). */
const BLOCK_GAP = 0.9;
/** Type sizes that differ by more than this share start a new block (a headline over its body). */
const SIZE_CHANGE = 0.12;
/** A body line starting this many type sizes in from its block's left edge opens a paragraph. */
const INDENT = 1.5;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

/** Gaps in the union of intervals, as [end of one, start of the next], in order. */
function gapsIn(intervals: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  let end = -Infinity;
  for (const [a, b] of sorted) {
    if (end > -Infinity && a > end) out.push([end, a]);
    end = Math.max(end, b);
  }
  return out;
}

/** Splits boxes at the given cut positions along one axis. */
function splitAt(boxes: TextBox[], cuts: number[], start: (b: TextBox) => number): TextBox[][] {
  const parts: TextBox[][] = Array.from({ length: cuts.length + 1 }, () => []);
  for (const box of boxes) parts[cuts.filter((c) => start(box) > c).length]!.push(box);
  return parts.filter((p) => p.length > 0);
}

const middle = ([a, b]: [number, number]) => (a + b) / 2;

/**
 * Recursive XY-cut: the widest gap of the region cuts it — a column gutter running through the
 * whole region (columns left to right) or a gap between blocks running across it (top to bottom),
 * whichever is wider, so rows of articles come apart before their columns do. Without either, the
 * widest line gap cuts (a headline over two columns is cut off at the gap under it, and what is
 * left has its gutter); a region whose line gaps are all alike (one column of text) is a block.
 */
function xyCut(boxes: TextBox[], size: number, depth = 0): TextBox[][] {
  if (boxes.length <= 1 || depth > 200) return [boxes];
  const width = ([a, b]: [number, number]) => b - a;
  const gutters = gapsIn(boxes.map((b) => [b.x, b.x + b.w])).filter((g) => width(g) >= GUTTER * size);
  const gaps = gapsIn(boxes.map((b) => [b.top, b.top + b.h]));
  const widestGap = Math.max(0, ...gaps.map(width));
  const widestGutter = Math.max(0, ...gutters.map(width));
  const byColumns = () => splitAt(boxes, gutters.map(middle), (b) => b.x).flatMap((c) => xyCut(c, size, depth + 1));
  const byRows = (min: number) =>
    splitAt(boxes, gaps.filter((g) => width(g) >= min).map(middle), (b) => b.top).flatMap((r) => xyCut(r, size, depth + 1));
  if (gutters.length && widestGutter >= widestGap) return byColumns();
  if (widestGap >= BLOCK_GAP * size) return byRows(Math.max(BLOCK_GAP * size, 0.95 * widestGap));
  if (gutters.length) return byColumns();
  if (gaps.length === 0) return [boxes];
  // (line boxes read by OCR jitter by a few pixels: a quarter of a type size)
  const uniform = widestGap <= Math.min(...gaps.map(width)) * 1.3 + 0.25 * size;
  if (!sideBySide(boxes, size)) return uniform ? [boxes] : byRows(0.95 * widestGap);
  // lines side by side under (or over) a line that crosses their gutter — a byline, caption or
  // headline set across the columns: that line is cut off at the gap next to it, and what is
  // left has its gutter (cutting at every like gap would read the columns row by row)
  const crossing = crossingLines(boxes, size);
  const cuts = gaps.filter(([a, b]) => crossing.some((c) => Math.abs(c.top - b) < 1 || Math.abs(c.top + c.h - a) < 1));
  if (cuts.length) return splitAt(boxes, cuts.map(middle), (b) => b.top).flatMap((r) => xyCut(r, size, depth + 1));
  return uniform ? [boxes] : byRows(0.95 * widestGap);
}

/**
 * Boxes that close a gutter most lines of the region leave blank (x ranges at least GUTTER type
 * sizes wide that at most a fifth of the boxes cover, with text on both sides): boxes across it, or
 * into it so far that no gutter is left beside them.
 */
function crossingLines(boxes: TextBox[], size: number): TextBox[] {
  const left = Math.min(...boxes.map((b) => b.x));
  const right = Math.max(...boxes.map((b) => b.x + b.w));
  const step = Math.max(1, size / 4);
  const cover = new Array<number>(Math.ceil((right - left) / step) + 1).fill(0);
  for (const b of boxes) for (let x = b.x; x < b.x + b.w; x += step) cover[Math.floor((x - left) / step)]!++;
  const few = boxes.length / 5;
  const out = new Set<TextBox>();
  for (let i = 0; i < cover.length; ) {
    if (cover[i]! > few) {
      i++;
      continue;
    }
    let j = i;
    while (j < cover.length && cover[j]! <= few) j++;
    const [x0, x1] = [left + i * step, left + j * step];
    // a box blocks the gutter when what it leaves of the range on either side is narrower than a gutter
    // (a headline that ends a few pixels short of the next column still closes it)
    const blocks = (b: TextBox) =>
      b.x < x1 && b.x + b.w > x0 && Math.max(0, b.x - x0) < GUTTER * size && Math.max(0, x1 - b.x - b.w) < GUTTER * size;
    if (x1 - x0 >= GUTTER * size && x0 > left && x1 < right) for (const b of boxes) if (blocks(b)) out.add(b);
    i = j;
  }
  return [...out];
}

/** Whether two boxes on one line stand a gutter apart (at least GUTTER type sizes). */
function sideBySide(boxes: TextBox[], size: number): boolean {
  const rows = new Map<number, TextBox[]>();
  for (const b of boxes) {
    const key = Math.round((b.top + b.h / 2) / (size / 2));
    rows.set(key, [...(rows.get(key) ?? []), b]);
  }
  for (const row of rows.values()) {
    row.sort((a, b) => a.x - b.x);
    let right = Number.NEGATIVE_INFINITY;
    for (const b of row) {
      if (right > Number.NEGATIVE_INFINITY && b.x - right >= GUTTER * size) return true;
      right = Math.max(right, b.x + b.w);
    }
  }
  return false;
}

interface PageLine {
  text: string;
  size: number;
  x: number;
  top: number;
  w: number;
  h: number;
}

/** The boxes of one block as lines: boxes whose vertical middles are within half a type size of each other, left to right. */
function linesOf(block: TextBox[]): PageLine[] {
  const sorted = [...block].sort((a, b) => a.top + a.h / 2 - (b.top + b.h / 2) || a.x - b.x);
  const rows: TextBox[][] = [];
  for (const box of sorted) {
    const row = rows.at(-1);
    const mid = (b: TextBox) => b.top + b.h / 2;
    if (row && Math.abs(mid(box) - mid(row[0]!)) <= Math.min(box.h, row[0]!.h) / 2) row.push(box);
    else rows.push([box]);
  }
  return rows.map((row) => {
    row.sort((a, b) => a.x - b.x);
    let text = "";
    let right = -Infinity;
    for (const b of row) {
      // a gap of a type size or more between runs on one line is a space (`全媒体记者 吴峰宇`)
      if (text && b.x - right >= b.h * 0.8 && !/\s$/.test(text)) text += " ";
      text += b.text;
      right = Math.max(right, b.x + b.w);
    }
    const x = Math.min(...row.map((b) => b.x));
    const top = Math.min(...row.map((b) => b.top));
    // a line's type size: that of most of its characters
    const size = median(row.flatMap((b) => Array.from({ length: Math.max(1, b.text.length) }, () => b.size ?? b.h)));
    return { text: text.trim(), size, x, top, w: right - x, h: Math.max(...row.map((b) => b.top + b.h)) - top };
  });
}

/** The page's text in reading order, with each line's type size and box. */
export function layoutBoxes(input: TextBox[]): PageText {
  const boxes = input.filter((b) => b.text.trim() !== "" && b.h > 0 && Number.isFinite(b.x + b.top + b.w + b.h));
  const out: PageText = { text: "", lineSizes: [], lineBoxes: [] };
  if (boxes.length === 0) return out;
  const bodySize = median(boxes.flatMap((b) => Array.from({ length: Math.min(50, b.text.length) }, () => b.size ?? b.h)));
  const lines: string[] = [];
  const blank = () => {
    if (lines.length && lines.at(-1) !== "") {
      lines.push("");
      out.lineSizes.push(0);
      out.lineBoxes.push(null);
    }
  };
  const bodyType = (l: PageLine) => Math.abs(l.size - bodySize) <= SIZE_CHANGE * bodySize;
  for (const block of xyCut(boxes, bodySize)) {
    blank();
    let prev: PageLine | undefined;
    const blockLines = linesOf(block).filter((l) => l.text);
    const left = Math.min(...blockLines.filter(bodyType).map((l) => l.x));
    for (const line of blockLines) {
      if (prev && Math.abs(line.size - prev.size) > SIZE_CHANGE * Math.max(line.size, prev.size)) blank();
      // a body line set in from the block's edge opens a paragraph: written as the indent a text dump has
      lines.push(bodyType(line) && line.x - left >= INDENT * line.size ? `\u3000\u3000${line.text}` : line.text);
      out.lineSizes.push(line.size);
      out.lineBoxes.push({ x: line.x, top: line.top, w: line.w, h: line.h });
      prev = line;
    }
  }
  out.text = lines.join("\n");
  return out;
}
