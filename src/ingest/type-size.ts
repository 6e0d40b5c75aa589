/**
 * Type size, where the input has it (PDF text layers, OCR boxes): a paragraph set larger than the
 * page's body type is a headline block whatever its punctuation, and within a headline block the
 * largest type is the title, smaller type above it the kicker, below it the subtitle — what a
 * text dump can only guess from clause structure (README "PDFs and page photos").
 */
import type { Line, Para } from "./layout.js";
import { hasCreditWords, isGluedCredit, isPaperName } from "./line-classes.js";

/** Type this much larger than the body's makes a heading. */
const LARGER = 1.15;
/** Type under this share of the body's (and naming no writer) is a caption or page furniture. */
const SMALL = 0.88;
/** A label is at most this share of a column line's length… */
const LABEL_SHARE = 0.6;
/** …and a subtitle set across columns longer than this share of it. */
const OVER_COLUMN = 1.15;
/** Sizes within this share of each other are the same type. */
const SAME = 0.12;

/** Sets each line's type size from `sizes` (by physical line number, as `splitLines` numbers them). */
export function applyTypeSizes(lines: Array<Line | null>, sizes: number[] | undefined): void {
  if (!sizes) return;
  lines.forEach((l, i) => {
    if (l && sizes[i]! > 0) l.size = sizes[i];
  });
}

/** A paragraph's type size (that of its first line), or 0 when unknown. */
export const paraSize = (p: Para): number => p.lines[0]?.size ?? 0;

/** The body type of a page: the size most characters are set in (0 when sizes are unknown). */
function bodySize(paras: Para[]): number {
  const weight = new Map<number, number>();
  for (const p of paras)
    for (const l of p.lines)
      if (l.size) weight.set(Math.round(l.size * 10) / 10, (weight.get(Math.round(l.size * 10) / 10) ?? 0) + l.text.length);
  let best = 0;
  let most = 0;
  for (const [size, w] of weight)
    if (w > most) {
      best = size;
      most = w;
    }
  return best;
}

/**
 * Paragraph kinds from type size: body text (and openers) set larger than the body type is a
 * headline block; a short line set smaller that names writers, or made of roles and names only
 * (`记者方俊`, which a text dump cannot tell from a headline), is a byline; a "heading" in body
 * type is body text (a line cut off at
 * a column foot, not a headline).
 */
export function kindsByTypeSize(paras: Para[]): Para[] {
  const body = bodySize(paras);
  if (!body) return paras;
  const largest = Math.max(...paras.map(paraSize));
  return paras.map((p, i): Para => {
    const size = paraSize(p);
    if (!size) return p;
    // the page's first block in large type right over a running head (date, page): the masthead;
    // so is a paper's name in the page's largest type wherever the columns put it
    if (i === 0 && p.kind === "heading" && paras[1]?.kind === "furniture") return { ...p, kind: "furniture" };
    if (p.kind === "heading" && p.lines.length === 1 && isPaperName(p.lines[0]!.text) && size >= largest)
      return { ...p, kind: "furniture" };
    const text = p.lines.map((l) => l.text).join("");
    // a photographer's credit in small type (`本报记者 谭书音 摄`, under a caption) is no byline
    if (p.kind === "byline" && size < (1 - SAME) * body && /摄$/u.test(text.trim())) return { ...p, kind: "furniture" };
    if ((p.kind === "body" || p.kind === "opener") && size >= LARGER * body) return { ...p, kind: "heading" };
    // (`记者手记` over a headline is a column label: no family name follows the role)
    const credit = p.lines.length === 1 && (isGluedCredit(text) || (size < (1 - SAME) * body && hasCreditWords(text)));
    if ((p.kind === "heading" || p.kind === "body") && credit) return { ...p, kind: "byline", marked: true };
    // (unless it stands with the headline type next to it: `金秋助学` over `青禾助学基金今年资助学生320名`)
    if (p.kind === "heading" && Math.abs(size - body) <= SAME * body && !headlineCompanion(paras, i, body)) return { ...p, kind: "body" };
    // text in type smaller than the body's that names no writer: a caption or page furniture
    if ((p.kind === "body" || p.kind === "heading") && size < SMALL * body) return { ...p, kind: "furniture" };
    return p;
  });
}

/** The median length (characters) of the page's body lines: a column's line. */
function columnLine(paras: Para[]): number {
  const lengths = paras
    .filter((p) => p.kind === "body")
    .flatMap((p) => p.lines.map((l) => l.text.trim().length))
    .sort((a, b) => a - b);
  return lengths[Math.floor(lengths.length / 2)] ?? 0;
}

/**
 * Whether a one-line "heading" in body type stands with the headline type next to it, as its
 * kicker or column label (above) or its subtitle (below), rather than being a line cut off at a
 * column foot. A cut line runs its column's width and follows text; so a line over headline type
 * counts when what precedes it is no body text (page furniture, a byline, nothing) or ends a
 * sentence while the line is clearly shorter than a column's; a line under headline type when it
 * opens with a dash or is clearly shorter or longer than a column's line.
 */
function headlineCompanion(paras: Para[], i: number, body: number): boolean {
  const own = paras[i]!.lines;
  if (own.length !== 1) return false;
  const len = own[0]!.text.trim().length;
  const column = columnLine(paras);
  const offColumn = len <= LABEL_SHARE * column || len > OVER_COLUMN * column;
  const headline = (p: Para | undefined) => !!p && paraSize(p) >= LARGER * body;
  if (headline(paras[i + 1])) {
    const prev = paras[i - 1];
    if (!prev || (prev.kind !== "body" && prev.kind !== "opener")) return true;
    const end = prev.lines.at(-1)?.text.trim() ?? "";
    if (/[。！？!?”」』）)…]$/u.test(end) && len <= LABEL_SHARE * column) return true;
  }
  return headline(paras[i - 1]) && (/^[—―-]{1,2}/u.test(own[0]!.text.trim()) || offColumn);
}

/**
 * Kicker, title and subtitle of a headline block by type size: the largest type is the title (one
 * or more paragraphs in it), what stands above it the kicker, below it the subtitle. Null when a
 * paragraph has no size or all share one size (then the clause rules decide).
 */
export function anatomyBySize(block: string[][], sizes: number[]): { kicker: string[]; title: string[]; subtitle: string[] } | null {
  if (block.length < 2 || sizes.some((s) => !(s > 0))) return null;
  const max = Math.max(...sizes);
  const same = (s: number) => Math.abs(s - max) <= SAME * max;
  if (sizes.every(same)) return null;
  const first = sizes.findIndex(same);
  let last = first;
  while (last + 1 < sizes.length && same(sizes[last + 1]!)) last++;
  return { kicker: block.slice(0, first).flat(), title: block.slice(first, last + 1).flat(), subtitle: block.slice(last + 1).flat() };
}

/** Whether every line of the paragraphs carries a type size. */
export const sized = (paras: Para[]): boolean => paras.length > 0 && paras.every((p) => p.lines.every((l) => (l.size ?? 0) > 0));
