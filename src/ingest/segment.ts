/**
 * Splits a newspaper page (or any text document) into articles: a state machine over its
 * paragraphs (README "Layout rules"). Bylines and openers start articles; every headline block is
 * judged from both sides — whose words it repeats, the body above or the body below — and the cues
 * around it, so it closes the article above (headline after its body), heads the one below
 * (headline before it), splits between them, or stays a section heading. Furniture never enters a
 * body; it is kept as one `note` per page so it stays searchable.
 */
import { joinColumnBreaks, repairParagraphs } from "./columns.js";
import {
  HEADLINE_MARGIN,
  HEADLINE_OVERLAP,
  NO_SHARED_WORDS,
  ONE_SIDED_OVERLAP,
  SECTION_NUMBER,
  assignHeadline,
  gramsOf,
  paragraphOverlap,
} from "./headline.js";
import { captionsOverHeadlines, splitBackToBack } from "./headline-blocks.js";
import { type Para, displayLines, displayText, hasCreditWords, plainText, splitLines, toParagraphs } from "./layout.js";
import { briefMark, markOf } from "./display.js";
import { assembleArticles } from "./assemble.js";
import { applyTypeSizes, kindsByTypeSize, sized } from "./type-size.js";
import { type Draft, newDraft, type SegmentOptions } from "./draft.js";
import { SENTENCE_END, visualWidth } from "./text.js";
import { BOX, NAMES_LINE, NOTICE_TITLE } from "./line-classes.js";
import type { Article } from "./types.js";
import { PageParas } from "./page-paras.js";

export type { SegmentOptions } from "./draft.js";

/** The state machine over a page's paragraphs: which paragraphs make which article, and what is furniture. */
class PageSegmenter extends PageParas {
  readonly drafts: Draft[] = [];
  readonly notes: Para[] = [];
  private cur: Draft | null = null;
  /** How the page's headlines have stood so far: over their body (first) or under it (after). */
  private readonly order = { first: 0, after: 0 };
  /** The last paragraph of the headline block that last closed an article (headline after its body). */
  private closedAt = -1;

  run(): this {
    for (let i = 0; i < this.paras.length; i++) i = this.step(i);
    return this;
  }

  private start(init: Partial<Draft> = {}): Draft {
    this.cur = newDraft(init);
    this.drafts.push(this.cur);
    return this.cur;
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
      case "mdSection": {
        const into = !d || d.closed || this.startsAnother(i, d) ? this.start() : d;
        into.body.push(p);
        // a notice is set as one block: it ends at the next blank line
        if (into.notice && (this.gaps[i + 1] ?? 0) > 0) into.closed = true;
        break;
      }
      case "heading":
        return this.headingRun(i, d);
    }
    return i;
  }

  private byline(i: number, p: Para, d: Draft | null): void {
    // a marked line with no credit in it, right above a headline, is a column label (`■聚焦民生`); one
    // with no names either is a contents line (`▶ …何时不再“卡壳”？　4版`)
    const credits = hasCreditWords(displayText(p));
    if (!p.closing && !credits && (this.paras[i + 1]?.kind === "heading" || !NAMES_LINE.test(displayText(p, "")))) {
      this.notes.push(p);
      return;
    }
    // an article has one byline: another one after its body, before more text, opens the next article;
    // so does one after a headed article's body (nothing of it can follow a byline that more text follows)
    const leading =
      !p.closing &&
      (this.isLeadingByline(i) || (d !== null && (d.byline !== null || d.title !== null) && d.body.length > 0 && this.bylineBeforeBody(i)));
    // a byline between a finished article and a headline block stands over that headline
    const overHeadline = d?.closed === true && this.paras[this.skipFurniture(i + 1)]?.kind === "heading";
    // on a page whose headlines stand under their bodies, an unmarked credit right under the headline
    // that closed an article without one is that article's when set apart from the text below (`…首演`
    // / `文/图　许蔓` / blank line / `3月13日，…`) or when the headline after it has a credit of its own
    const apart = this.gaps[i]! < (this.gaps[i + 1] ?? 0) && this.order.first === 0;
    const nextHasOwn = this.paras[i + 1]?.kind === "heading" && this.paras[i + 2]?.kind === "byline";
    if (d?.closed && !d.byline && this.closedAt === i - 1 && (apart || nextHasOwn) && !BOX.test(p.lines[0]!.text)) {
      d.byline = p;
      return;
    }
    if (d && !d.byline && d.body.length === 0 && !d.closed) d.byline = p;
    else if (leading || overHeadline) this.start({ byline: p });
    else if (d && !d.byline && d.body.length > 0) {
      d.byline = p;
      d.closed = true;
    } else this.notes.push(p);
  }

  /**
   * A block before any body of the current article: the headline of the article below, else a
   * banner or caption (or, after a leading byline, the start of its body).
   */
  private beforeBody(
    d: Draft | null,
    run: Para[],
    j: number,
    nextIdx: number,
    below: Set<string>,
    overBelow: number[],
    opensBelow: boolean,
    typeSet: boolean,
  ): void {
    const paras = this.paras;
    const next = paras[nextIdx];
    if (d && !d.fromMarkdown && !d.closed && d.title === null && overBelow.some((o) => o >= HEADLINE_OVERLAP)) {
      this.notes.push(...assignHeadline(d, run, below));
      d.mark = markOf(run);
      this.order.first++;
    } else if (!d && (typeSet || overBelow.some((o) => o >= HEADLINE_OVERLAP))) this.openWith(run, below);
    // a headline over a `（上接第1版）` line heads the continuation below, whatever words it shares
    else if (!d && opensBelow && paras[j]?.kind === "jump" && /上接|接上|接第/u.test(plainText(paras[j]!))) this.openWith(run, below, 0);
    // a block, then a byline, then body: the headline of that article even when it shares few words
    else if (!d && next?.kind === "byline" && this.bylineBeforeBody(nextIdx) && Math.max(...overBelow) >= NO_SHARED_WORDS)
      this.openWith(run, below, Math.max(...overBelow));
    else if (d && !d.fromMarkdown && !d.closed && next && next.kind === "body") d.body.push(...run);
    else this.notes.push(...run);
  }

  /** The part of a block above what heads the body below closes `d` (its headline after its body; `last`: the block's end). */
  private closeAbove(d: Draft, upper: Para[], above: Set<string>, threshold: number, last: number): void {
    if (d.title === null && (upper.length > 0 || !d.closed)) {
      this.notes.push(...assignHeadline(d, upper, above, threshold));
      this.order.after++;
      this.closedAt = last;
      return;
    }
    // (a headed article cannot take a second headline: it may head the end of its body instead)
    if (d.title !== null && !d.closed && upper.length > 0 && this.splitOff(d, upper)) return;
    this.notes.push(...upper);
  }

  /**
   * A headline after a body, under an article that already has its headline (headline first, no
   * closing credit): it heads the paragraphs at the end of that body whose words it repeats, when
   * the paragraphs above them do not (`鸿屹精密…` + caption + `3月17日，市统计局…` + `前两月全市…增长7.8%`).
   */
  private splitOff(d: Draft, block: Para[]): boolean {
    if (visualWidth(block.map(plainText).join("")) <= MAX_LABEL_WIDTH) return false;
    const overlap = (paras: Para[]) => Math.max(...block.map((p) => paragraphOverlap(p, gramsOf(paras))));
    const margins: Array<{ at: number; margin: number }> = [];
    for (let k = 1; k < d.body.length; k++) {
      if (d.body[k]!.kind !== "body" || !SENTENCE_END.test(plainText(d.body[k - 1]!))) continue;
      const [below, above] = [overlap(d.body.slice(k)), overlap(d.body.slice(0, k))];
      if (below >= HEADLINE_OVERLAP && below - above >= HEADLINE_MARGIN) margins.push({ at: k, margin: below - above });
    }
    if (margins.length === 0) return false;
    // the nearest paragraphs that carry its words about as clearly as any (a headline sits under its own body)
    const top = Math.max(...margins.map((m) => m.margin));
    const best = margins.filter((m) => m.margin >= top - NEAR_TIE).at(-1)!;
    const tail = d.body.splice(best.at);
    d.closed = true;
    const article = this.start({ body: tail, closed: true });
    this.notes.push(...assignHeadline(article, block, gramsOf(tail)));
    this.order.after++;
    this.closedAt = this.paras.indexOf(block.at(-1)!);
    return true;
  }

  /** Opens a new article headed by `block` (headline before its body); the block's other lines are furniture. */
  private openWith(block: Para[], below: Set<string>, threshold = HEADLINE_OVERLAP): void {
    const d = this.start({ mark: markOf(block), notice: block.some((p) => NOTICE_TITLE.test(plainText(p))) });
    this.notes.push(...assignHeadline(d, block, below, threshold));
    this.order.first++;
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
      this.beforeBody(d, run, j, nextIdx, below, overBelow, opensBelow, typeSet);
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
        (cue && d.title !== null && o >= NO_SHARED_WORDS && overAbove[k]! < NO_SHARED_WORDS && this.bylineBeforeBody(nextIdx)) ||
        // a heading with the marker of the article's own headline is the next brief's; a notice's heads the notice
        (d.mark !== null && briefMark(run[k]!) === d.mark) ||
        (opensBelow && NOTICE_TITLE.test(plainText(run[k]!))) ||
        // a headline right over a `（上接第1版）` line heads the continuation
        (k === run.length - 1 && paras[j]?.kind === "jump" && /上接|接上|接第/u.test(plainText(paras[j]!))) ||
        // on a page whose headlines have all stood over their bodies, one sharing any words with the
        // body below and fewer with the one above does too (`少年棋手争锋楚河汉界` over `…青少年象棋锦标赛…`)
        // (or, standing apart after a headed article, none with either: a photo's headline, `稻浪翻金　秋收正忙`)
        (this.order.first >= 2 &&
          this.order.after === 0 &&
          !numbered[k] &&
          ((o >= NO_SHARED_WORDS && o > overAbove[k]!) ||
            (d.title !== null && overAbove[k]! < NO_SHARED_WORDS && this.standsApart(i + k)))),
    );
    const section = !typeSet && this.isSection(i, d, next, run, numbered, overBelow[0]!, overAbove[0]!, hasSections);
    if (section) {
      d.body.push(...run);
      return j - 1;
    }
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
    this.closeAbove(d, upper, above, closeWith, j - 1);
    d.closed = true;
    if (lower.length > 0) this.openWith(lower, below, Math.min(HEADLINE_OVERLAP, overBelow[opensAt]!));
    return j - 1;
  }
}

/** A block this short is a column label (`民生简讯` over the next headline): too few words to head part of a body. */
const MAX_LABEL_WIDTH = 5;

/** Split points whose margins differ by less than this are about as clear: the nearer one wins. */
const NEAR_TIE = 0.1;

/** Splits one decoded document into articles (and at most one furniture note). */
export function segmentPage(text: string, options: SegmentOptions): Article[] {
  const lines = splitLines(text);
  applyTypeSizes(lines, options.lineSizes);
  const paras = captionsOverHeadlines(splitBackToBack(joinColumnBreaks(kindsByTypeSize(repairParagraphs(toParagraphs(lines))))));
  const { drafts, notes } = new PageSegmenter(paras, text).run();
  return assembleArticles(drafts, notes, text, { ...options, bylineText: displayText });
}
