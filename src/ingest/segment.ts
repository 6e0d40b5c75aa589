/**
 * Splits a newspaper page (or any text document) into articles: a state machine over its
 * paragraphs (README "Layout rules"). Bylines and openers start articles; every headline block is
 * judged from both sides — whose words it repeats, the body above or the body below — and the cues
 * around it, so it closes the article above (headline after its body), heads the one below
 * (headline before it), splits between them, or stays a section heading. Furniture never enters a
 * body; it is kept as one `note` per page so it stays searchable.
 */
import { blankLinesBetween, joinColumnBreaks, mode, repairParagraphs, visualWidth } from "./columns.js";
import {
  HEADLINE_MARGIN,
  HEADLINE_OVERLAP,
  NO_SHARED_WORDS,
  ONE_SIDED_OVERLAP,
  SECTION_NUMBER,
  assignHeadline,
  gramsOf,
  labelShaped,
  paragraphOverlap,
} from "./headline.js";
import { type Para, displayLines, displayText, hasCreditWords, plainText, splitLines, toParagraphs } from "./layout.js";
import { assembleArticles } from "./assemble.js";
import { applyTypeSizes, kindsByTypeSize, sized } from "./type-size.js";
import { type Draft, newDraft, type SegmentOptions } from "./draft.js";
import type { Article } from "./types.js";

export type { SegmentOptions } from "./draft.js";

/** The state machine over a page's paragraphs: which paragraphs make which article, and what is furniture. */
class PageSegmenter {
  readonly drafts: Draft[] = [];
  readonly notes: Para[] = [];
  private cur: Draft | null = null;

  /** Blank lines before each paragraph, and the page's usual gap between paragraphs. */
  private readonly gaps: number[];
  private readonly usualGap: number;

  constructor(
    private readonly paras: Para[],
    text: string,
  ) {
    this.gaps = paras.map((p, i) => (i === 0 ? 0 : blankLinesBetween(text, paras[i - 1]!, p)));
    this.usualGap = mode(this.gaps.slice(1));
  }

  /** The block at i stands apart: a wider gap before it than the page puts between paragraphs, or a column label on top. */
  private standsApart(i: number): boolean {
    const prev = this.paras[i - 1];
    // a column label on its own line right above counts as on top of it
    const labelAbove = prev?.kind === "furniture" && prev.lines.length === 1 && visualWidth(prev.lines[0]!.text) <= 8;
    return this.gaps[i]! > this.usualGap || labelShaped(displayLines(this.paras[i]!)) || labelAbove;
  }

  run(): this {
    for (let i = 0; i < this.paras.length; i++) i = this.step(i);
    return this;
  }

  private start(init: Partial<Draft> = {}): Draft {
    this.cur = newDraft(init);
    this.drafts.push(this.cur);
    return this.cur;
  }

  private skipFurniture(k: number): number {
    while (k < this.paras.length && (this.paras[k]!.kind === "furniture" || this.paras[k]!.kind === "jump")) k++;
    return k;
  }

  private isLeadingByline(k: number): boolean {
    const p = this.paras[k];
    if (p?.kind !== "byline") return false;
    return p.marked === true || this.paras[this.skipFurniture(k + 1)]?.kind === "opener";
  }

  /** Does the text from k on end in a closing byline before the next article start? */
  private segmentHasClosingByline(k: number): boolean {
    for (; k < this.paras.length; k++) {
      const kind = this.paras[k]!.kind;
      if (kind === "opener" || kind === "mdTitle") return false;
      if (kind === "byline") return !this.isLeadingByline(k) && !this.bylineBeforeBody(k);
    }
    return false;
  }

  /** A byline with body text right after it (a leading one, marked or not). */
  private bylineBeforeBody(k: number): boolean {
    const after = this.paras[this.skipFurniture(k + 1)]?.kind;
    return after === "body" || after === "opener";
  }

  /** Handles paragraph i (and any run it starts); returns the index of the last paragraph used. */
  private step(i: number): number {
    const p = this.paras[i]!;
    const d = this.cur;
    switch (p.kind) {
      case "mdTitle":
        this.start({ title: displayLines(p).join(" "), fromMarkdown: true });
        break;
      case "jump":
        if (d && /下转|转第|转下/.test(plainText(p))) d.jumped = true;
        this.notes.push(p);
        break;
      case "furniture":
        this.notes.push(p);
        break;
      case "byline":
        this.byline(i, p, d);
        break;
      case "opener":
        if (d && d.body.length === 0 && !d.closed) d.body.push(p);
        else this.start().body.push(p);
        break;
      case "body":
      case "mdSection":
        if (!d || d.closed || this.startsAnother(i, d)) this.start().body.push(p);
        else d.body.push(p);
        break;
      case "heading":
        return this.headingRun(i, d);
    }
    return i;
  }

  /**
   * Body text set apart (a wider gap than the page's, or page furniture between), after an article that has its byline on
   * top, that runs into a closing credit: an article has one byline, so that text is another
   * article (its headline after it).
   */
  private startsAnother(i: number, d: Draft): boolean {
    const apart = this.gaps[i]! > this.usualGap || this.paras[i - 1]?.kind === "furniture";
    return d.byline !== null && !d.byline.closing && d.body.length > 0 && apart && this.segmentHasClosingByline(i);
  }

  private byline(i: number, p: Para, d: Draft | null): void {
    // a marked line with no credit in it, right above a headline, is a column label (`■聚焦民生`)
    if (!hasCreditWords(displayText(p)) && this.paras[i + 1]?.kind === "heading") {
      this.notes.push(p);
      return;
    }
    // an article has one byline: another one after its body, before more text, opens the next
    // article; so does one after a headed article's body (its headline is above it: nothing of it
    // can follow a byline that more body text follows)
    const leading =
      !p.closing &&
      (this.isLeadingByline(i) || (d !== null && (d.byline !== null || d.title !== null) && d.body.length > 0 && this.bylineBeforeBody(i)));
    // a byline between a finished article and a headline block stands over that headline
    const overHeadline = d?.closed === true && this.paras[this.skipFurniture(i + 1)]?.kind === "heading";
    if (d && !d.byline && d.body.length === 0 && !d.closed) d.byline = p;
    else if (leading || overHeadline) this.start({ byline: p });
    else if (d && !d.byline && d.body.length > 0) {
      d.byline = p;
      d.closed = true;
    } else this.notes.push(p);
  }

  /** The body paragraphs a headline block at k would head: after furniture and a byline, up to the next block or article start. */
  private bodyBelow(k: number): Para[] {
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

  /** Does a closing cue surround a headline block after the open article `d` (next: what follows the block)? */
  private closingCue(d: Draft, nextIdx: number): boolean {
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

  /** Opens a new article headed by `block` (headline before its body); the block's other lines are furniture. */
  private openWith(block: Para[], below: Set<string>, threshold = HEADLINE_OVERLAP): void {
    this.notes.push(...assignHeadline(this.start(), block, below, threshold));
  }

  /**
   * A run of heading paragraphs: a banner, a section heading inside the body, the headline that
   * closes the article above (headline after its body), the headline of the article below
   * (headline before its body), or both — decided from evidence on both sides: whose words each
   * paragraph repeats (the body above or the body below) and the cues around the block.
   */
  private headingRun(i: number, d: Draft | null): number {
    const paras = this.paras;
    let j = i;
    while (j < paras.length && paras[j]!.kind === "heading") j++;
    const run = paras.slice(i, j);
    const nextIdx = this.skipFurniture(j);
    const next = paras[nextIdx];
    const belowParas = this.bodyBelow(j);
    const below = gramsOf(belowParas);
    const opensBelow = belowParas.length > 0 && next !== undefined && next.kind !== "mdTitle";
    // a numbered heading (`一、…`, `（二）…`, `3.`) is a section of an article, never a headline
    const numbered = run.map((p) => SECTION_NUMBER.test(plainText(p)));
    const overBelow = run.map((p, k) => (opensBelow && !numbered[k] ? paragraphOverlap(p, below) : 0));
    // a block in headline type (PDF, OCR) over body text is that body's headline: pages are read top down
    const typeSet = opensBelow && sized(run);
    if (!d || d.body.length === 0) {
      // before any body: the headline of the article below, else a banner or caption (or, after a
      // leading byline, the start of its body)
      if (d && !d.fromMarkdown && !d.closed && d.title === null && overBelow.some((o) => o >= HEADLINE_OVERLAP))
        this.notes.push(...assignHeadline(d, run, below));
      else if (!d && (typeSet || overBelow.some((o) => o >= HEADLINE_OVERLAP))) this.openWith(run, below);
      // a headline over a `（上接第1版）` line heads the continuation below, whatever words it shares
      else if (!d && opensBelow && paras[j]?.kind === "jump" && /上接|接上|接第/u.test(plainText(paras[j]!))) this.openWith(run, below, 0);
      // a block, then a byline, then body: the headline of that article even when it shares few words
      else if (!d && next?.kind === "byline" && this.bylineBeforeBody(nextIdx) && Math.max(...overBelow) >= NO_SHARED_WORDS)
        this.openWith(run, below, Math.max(...overBelow));
      else if (d && !d.fromMarkdown && !d.closed && next && next.kind === "body") d.body.push(...run);
      else this.notes.push(...run);
      return j - 1;
    }
    const above = gramsOf(d.body);
    const overAbove = run.map((p) => paragraphOverlap(p, above));
    const cue = this.closingCue(d, nextIdx);
    // the block's paragraphs from the first that clearly heads the body below belong to that body
    // an article that already has section headings of its own takes the next one as a section too
    // unless it stands apart; (weaker overlap counts when the block shares no word at all with the article above and
    // stands apart from it: a wider gap or a column label — an unnumbered section heading does not)
    const hasSections = d.body.some((p) => p.kind === "heading");
    const heads = overBelow.findIndex(
      (o, k) =>
        (o >= HEADLINE_OVERLAP &&
          (cue || d.closed
            ? o > overAbove[k]! || d.title !== null
            : o - overAbove[k]! >= HEADLINE_MARGIN && (d.title === null || this.standsApart(i + k) || !hasSections))) ||
        (o >= ONE_SIDED_OVERLAP && overAbove[k]! < NO_SHARED_WORDS && !numbered[k] && this.standsApart(i + k)) ||
        // the article above has its headline and a byline opens the body below: a block between
        // them that shares any words with that body (and none with the one above) is its headline
        (cue && d.title !== null && o >= NO_SHARED_WORDS && overAbove[k]! < NO_SHARED_WORDS && this.bylineBeforeBody(nextIdx)),
    );
    const opensAt = typeSet ? 0 : heads;
    const upper = opensAt < 0 ? run : run.slice(0, opensAt);
    const lower = opensAt < 0 ? [] : run.slice(opensAt);
    // without a cue, the part above closes the article only when its words clearly come from above
    const closesAbove =
      d.title === null &&
      !d.closed &&
      upper.some(
        (_, k) => overAbove[k]! >= HEADLINE_OVERLAP && (cue || (!numbered[k] && overAbove[k]! - overBelow[k]! >= HEADLINE_MARGIN)),
      );
    if (lower.length === 0 && !cue && !closesAbove && !d.closed) {
      d.body.push(...run); // a section heading inside the article
      return j - 1;
    }
    // with a cue, a paragraph that shares words only with the article above is its headline from
    // the weaker overlap on (the same one-sided evidence that opens an article below)
    const oneSided = upper.every((_, k) => overBelow[k]! < NO_SHARED_WORDS) && upper.some((_, k) => overAbove[k]! >= ONE_SIDED_OVERLAP);
    const closeWith = cue && oneSided ? ONE_SIDED_OVERLAP : HEADLINE_OVERLAP;
    if (d.title !== null || d.closed) {
      if (d.title === null && upper.length > 0) this.notes.push(...assignHeadline(d, upper, above, closeWith));
      else this.notes.push(...upper);
    } else this.notes.push(...assignHeadline(d, upper, above, closeWith));
    d.closed = true;
    if (lower.length > 0) this.openWith(lower, below, Math.min(HEADLINE_OVERLAP, overBelow[opensAt]!));
    return j - 1;
  }
}

/** Splits one decoded document into articles (and at most one furniture note). */
export function segmentPage(text: string, options: SegmentOptions): Article[] {
  const lines = splitLines(text);
  applyTypeSizes(lines, options.lineSizes);
  const { drafts, notes } = new PageSegmenter(joinColumnBreaks(kindsByTypeSize(repairParagraphs(toParagraphs(lines)))), text).run();
  return assembleArticles(drafts, notes, text, { ...options, bylineText: displayText });
}
