/**
 * Read-only questions about a page's paragraphs that the segmenter asks while it walks them: the
 * gaps between them, which bylines lead or close an article, what body a headline block would head.
 */
import { visualWidth } from "./columns.js";
import type { Draft } from "./draft.js";
import { HEADLINE_MARGIN, labelShaped } from "./headline.js";
import { type Para, displayLines, plainText } from "./layout.js";
import { briefMark } from "./display.js";
import { BOX, NOTICE_TITLE } from "./line-classes.js";

export class PageParas {
  /** Blank lines before each paragraph, and the page's usual gap between paragraphs. */
  protected readonly gaps: number[];
  protected readonly usualGap: number;

  constructor(
    protected readonly paras: Para[],
    text: string,
  ) {
    this.gaps = paras.map((p, i) => (i === 0 ? 0 : blankLinesBetween(text, paras[i - 1]!, p)));
    this.usualGap = mode(this.gaps.slice(1));
  }

  /** The block at i stands apart: a wider gap before it than the page puts between paragraphs, or a column label on top. */
  protected standsApart(i: number): boolean {
    const prev = this.paras[i - 1];
    // a column label on its own line right above counts as on top of it
    const labelAbove = prev?.kind === "furniture" && prev.lines.length === 1 && visualWidth(prev.lines[0]!.text) <= 8;
    return this.gaps[i]! > this.usualGap || labelShaped(displayLines(this.paras[i]!)) || labelAbove;
  }

  protected skipFurniture(k: number): number {
    while (k < this.paras.length && (this.paras[k]!.kind === "furniture" || this.paras[k]!.kind === "jump")) k++;
    return k;
  }

  protected isLeadingByline(k: number): boolean {
    const p = this.paras[k];
    if (p?.kind !== "byline") return false;
    return p.marked === true || this.paras[this.skipFurniture(k + 1)]?.kind === "opener";
  }

  /** Does the text from k on end in a closing byline before the next article start? */
  protected segmentHasClosingByline(k: number): boolean {
    for (; k < this.paras.length; k++) {
      const kind = this.paras[k]!.kind;
      if (kind === "opener" || kind === "mdTitle") return false;
      if (kind === "byline") return !this.isLeadingByline(k) && !this.bylineBeforeBody(k);
    }
    return false;
  }

  /** A byline with body text right after it (a leading one, marked or not). */
  protected bylineBeforeBody(k: number): boolean {
    const after = this.paras[this.skipFurniture(k + 1)]?.kind;
    return after === "body" || after === "opener";
  }

  /** The body paragraphs a headline block at k would head: after furniture and a byline, up to the next block or article start. */
  protected bodyBelow(k: number): Para[] {
    let i = this.skipFurniture(k);
    if (this.paras[i]?.kind === "byline") i = this.skipFurniture(i + 1);
    const out: Para[] = [];
    for (; i < this.paras.length; i++) {
      const p = this.paras[i]!;
      if (p.kind === "furniture" || p.kind === "jump") continue;
      if (p.kind === "body" || (p.kind === "opener" && out.length === 0)) out.push(p);
      else break;
    }
    return out;
  }

  /**
   * Body text set apart (a wider gap than the page's, or page furniture between), after an article that has its byline on
   * top, that runs into a closing credit: an article has one byline, so that text is another
   * article (its headline after it).
   */
  protected startsAnother(i: number, d: Draft): boolean {
    // (a marked section label, `■为何难建`, sets nothing apart: it heads a section of the same article)
    const prev = this.paras[i - 1];
    const apart = this.gaps[i]! > this.usualGap || (prev?.kind === "furniture" && !BOX.test(prev.lines[0]!.text));
    return d.byline !== null && !d.byline.closing && d.body.length > 0 && apart && this.segmentHasClosingByline(i);
  }

  /** Does a closing cue surround a headline block after the open article `d` (next: what follows the block)? */
  protected closingCue(d: Draft, nextIdx: number): boolean {
    const next = this.paras[nextIdx];
    return (
      d.jumped ||
      d.closed ||
      next === undefined ||
      next.kind === "opener" ||
      next.kind === "mdTitle" ||
      this.isLeadingByline(nextIdx) ||
      (next.kind === "byline" && this.bylineBeforeBody(nextIdx)) ||
      (d.byline !== null && next.kind !== "byline" && this.segmentHasClosingByline(nextIdx))
    );
  }

  /**
   * A lone short heading in a headed article that has not closed is its section (`记者手记`,
   * `编者按`: its few bigrams, `记者`, recur anywhere); so is a numbered heading: neither closes the
   * article for a credit further down, which is another article's.
   */
  protected isSection(
    i: number,
    d: Draft,
    next: Para | undefined,
    run: Para[],
    numbered: boolean[],
    overBelow: number,
    overAbove: number,
    hasSections: boolean,
  ): boolean {
    if (d.closed || d.jumped || next?.kind !== "body") return false;
    if (numbered.every(Boolean)) return true;
    if (d.mark !== null && run.some((p) => briefMark(p) === d.mark)) return false;
    if (run.some((p) => NOTICE_TITLE.test(plainText(p)))) return false;
    return d.title !== null && run.length === 1 && !this.standsApart(i) && this.sectionLabel(run[0]!, overBelow, overAbove, hasSections);
  }

  /** A short heading inside a headed article: its section (`记者手记`, `藕塘连成片`), not a new headline. */
  protected sectionLabel(p: Para, overBelow: number, overAbove: number, hasSections: boolean): boolean {
    const width = visualWidth(plainText(p));
    // (in an article that has sections already, the next short heading is one more)
    return width <= MAX_SECTION_LABEL || (width <= MAX_SECTION_HEADING && (hasSections || overBelow - overAbove < HEADLINE_MARGIN));
  }
}

/** A heading this short inside a headed article is a section label, not a headline. */
const MAX_SECTION_LABEL = 4;
/** ... and one this short too, unless its words clearly belong to the body below rather than above. */
const MAX_SECTION_HEADING = 8;

/** Blank lines in the source between two paragraphs. */
function blankLinesBetween(text: string, a: Para, b: Para): number {
  const last = a.lines[a.lines.length - 1]!;
  const between = text.slice(last.start + last.text.length, b.lines[0]!.start);
  return Math.max(0, (between.match(/\n/g) ?? []).length - 1);
}

/** The most common value (0 for none). */
function mode(xs: number[]): number {
  const counts = new Map<number, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
}
