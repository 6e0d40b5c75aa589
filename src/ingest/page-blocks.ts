/**
 * Blocks of a page image, found on its pixels before any OCR: a recursive XY-cut over ink
 * projections (the classic layout analysis for printed pages). A region is cut at its widest blank
 * channel — a column gutter running down the whole region, or a blank band across it, whichever is
 * wider — until what is left is one column of lines. Punctuation gaps do not line up down a column,
 * so they never make a channel; a single line is never cut down its length.
 */

/** A grey-scale page: `dark(x, y)` is ink (rules excepted); `rule(x, y)` is a printed rule. */
export interface Ink {
  width: number;
  height: number;
  dark(x: number, y: number): boolean;
  rule(x: number, y: number): boolean;
}

/** A rectangle of the page, in pixels. */
export interface Block {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Ink is a grey level under this (thin strokes are anti-aliased). */
const INK = 200;

/**
 * Printed rules: straight runs of ink, across or down the page, longer than any stroke of type
 * (8 % of the page's width: a 40-point headline's `一` is shorter). They separate columns and
 * articles, but as ink they would fill the very gutters and bands the block cut looks for.
 */
function ruleMask(data: Buffer, width: number, height: number, channels: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const min = Math.max(60, Math.round(0.08 * width));
  const dark = (x: number, y: number) => data[(y * width + x) * channels]! < INK;
  const mark = (len: number, at: (i: number) => number) => {
    for (let i = 0; i < len; i++) mask[at(i)] = 1;
  };
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; ) {
      let end = x;
      while (end < width && dark(end, y)) end++;
      if (end - x >= min) mark(end - x, (i) => y * width + x + i);
      x = end + 1;
    }
  for (let x = 0; x < width; x++)
    for (let y = 0; y < height; ) {
      let end = y;
      while (end < height && dark(x, end)) end++;
      if (end - y >= min) mark(end - y, (i) => (y + i) * width + x);
      y = end + 1;
    }
  return mask;
}

/** The page image's ink and its rules, through sharp. */
export async function readInk(file: string | Buffer): Promise<Ink> {
  const { default: sharp } = await import("sharp");
  const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
  const rules = ruleMask(data, info.width, info.height, info.channels);
  return {
    width: info.width,
    height: info.height,
    dark: (x, y) => data[(y * info.width + x) * info.channels]! < INK && !rules[y * info.width + x],
    rule: (x, y) => rules[y * info.width + x] === 1,
  };
}

/** Runs of `true` in a profile, as [start, end). */
function runs(profile: boolean[], offset: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < profile.length; i++) {
    if (!profile[i]) continue;
    const last = out.at(-1);
    if (last && last[1] === offset + i) last[1]++;
    else out.push([offset + i, offset + i + 1]);
  }
  return out;
}

/** Which rows and which columns of the block have ink. */
function profiles(ink: Ink, b: Block): { rows: boolean[]; cols: boolean[] } {
  const rows = new Array<boolean>(b.h).fill(false);
  const cols = new Array<boolean>(b.w).fill(false);
  for (let y = 0; y < b.h; y++)
    for (let x = 0; x < b.w; x++)
      if (ink.dark(b.x + x, b.y + y)) {
        rows[y] = true;
        cols[x] = true;
      }
  return { rows, cols };
}

/** Blank stretches between runs of ink, as [start, end). */
const gapsBetween = (r: Array<[number, number]>): Array<[number, number]> => r.slice(1).map((s, i) => [r[i]![1], s[0]]);

/** The page's line height: the median height of runs of inked rows across the whole page. */
function lineHeight(ink: Ink): number {
  const { rows } = profiles(ink, { x: 0, y: 0, w: ink.width, h: ink.height });
  const heights = runs(rows, 0)
    .map(([a, z]) => z - a)
    .filter((h) => h >= 4)
    .sort((a, b) => a - b);
  return heights[Math.floor(heights.length / 2)] ?? 20;
}

/**
 * Under a line or two set across columns (a headline and byline over the columns of their article)
 * the region may have a gutter the top lines hide: the gap under the last such line, when what is
 * below it has a channel through three lines or more.
 */
function headOverColumns(ink: Ink, box: Block, rowRuns: Array<[number, number]>, em: number): [number, number] | null {
  for (let k = 1; k <= 3 && rowRuns.length - k >= 3; k++) {
    const [top, bottom] = [rowRuns[k]![0], box.y + box.h];
    const { cols } = profiles(ink, { x: box.x, y: top, w: box.w, h: bottom - top });
    const colRuns = runs(cols, box.x);
    if (gapsBetween(colRuns).some(([a, z]) => z - a >= 1.2 * em)) return [rowRuns[k - 1]![1], top];
  }
  return null;
}

/** The page cut into blocks (one column of lines each), in reading order. */
export function pageBlocks(ink: Ink): Block[] {
  const em = lineHeight(ink);
  const out: Block[] = [];
  const cut = (b: Block, depth: number): void => {
    const { rows, cols } = profiles(ink, b);
    const rowRuns = runs(rows, b.y);
    const colRuns = runs(cols, b.x);
    if (rowRuns.length === 0) return;
    // the region's ink bounding box
    const box = { x: colRuns[0]![0], y: rowRuns[0]![0], w: colRuns.at(-1)![1] - colRuns[0]![0], h: rowRuns.at(-1)![1] - rowRuns[0]![0] };
    const width = ([a, z]: [number, number]) => z - a;
    // a channel down the region, at least 1.2 line heights wide (a comma's blank in two lines on
    // the same character grid can reach one): through three lines or more, or 1.6 through two
    const minChannel = rowRuns.length >= 3 ? 1.2 * em : rowRuns.length === 2 ? 1.6 * em : Number.POSITIVE_INFINITY;
    const channels = gapsBetween(colRuns).filter((g) => width(g) >= minChannel);
    // (a blank band: wider than the leading between lines, which is under a line high)
    const bands = gapsBetween(rowRuns).filter((g) => width(g) >= 1.1 * em);
    const widestChannel = Math.max(0, ...channels.map(width));
    const widestBand = Math.max(0, ...bands.map(width));
    // without either, the widest line gap when it is wider than the others (a headline over two
    // columns is cut off under it, and what is left has its gutter)
    const lineGaps = gapsBetween(rowRuns);
    const widestGap = Math.max(0, ...lineGaps.map(width));
    const usual = lineGaps.map(width).sort((a, b) => a - b)[Math.floor(lineGaps.length / 2)] ?? 0;
    const uneven = lineGaps.length > 0 && widestGap >= usual + 0.3 * em;
    let cuts: Array<[number, number]>;
    let byChannels: boolean;
    const head = !channels.length && !bands.length ? headOverColumns(ink, box, rowRuns, em) : null;
    if (head) [cuts, byChannels] = [[head], false];
    else if (channels.length && widestChannel >= widestBand)
      [cuts, byChannels] = [channels.filter((g) => width(g) >= 0.95 * widestChannel), true];
    else if (bands.length) [cuts, byChannels] = [bands.filter((g) => width(g) >= 0.95 * widestBand), false];
    else if (uneven && depth <= 60) [cuts, byChannels] = [lineGaps.filter((g) => width(g) >= 0.95 * widestGap), false];
    else return void out.push(box);
    if (depth > 60) return void out.push(box);
    let from = byChannels ? box.x : box.y;
    for (const [a, z] of [...cuts, [byChannels ? box.x + box.w : box.y + box.h, 0] as [number, number]]) {
      const part = byChannels ? { x: from, y: box.y, w: a - from, h: box.h } : { x: box.x, y: from, w: box.w, h: a - from };
      if (part.w > 0 && part.h > 0) cut(part, depth + 1);
      from = z;
    }
  };
  cut({ x: 0, y: 0, w: ink.width, h: ink.height }, 0);
  return out;
}
