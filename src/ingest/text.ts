import type { OffsetSpan } from "./types.js";

const HAN = /\p{Script=Han}/u;
/** CJK and full-width punctuation, including the curly quotes and dashes Chinese text uses. */
const CJK_PUNCT = /[\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014\u2015\u2018\u2019\u201c\u201d\u2026\u00b7]/;
const ASCII_VISIBLE = /[\x21-\x7e]/;
const LATIN_WORD = /[A-Za-z0-9]/;

export const isHan = (c: string | undefined): boolean => c !== undefined && HAN.test(c);
export const isCjkPunct = (c: string | undefined): boolean => c !== undefined && CJK_PUNCT.test(c);
export const isCjk = (c: string | undefined): boolean => isHan(c) || isCjkPunct(c);
export const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);

/** Sentence-final punctuation, including the closing marks that may follow it. */
// (a half-width full stop after a CJK character or a closing quote ends a sentence in pages set with
// half-width punctuation, `…没有电梯.`; between digits it is a decimal point)
export const SENTENCE_END = /(?:[。！？!?…；;]|(?<=[\p{Script=Han}"”）)])\.)["'”’」』）)]*$/u;
export const HAS_SENTENCE_END = /[。！？!?]|[\p{Script=Han}"”）)]\./u;

/** Builds cleaned text while remembering where each character came from. */
export class MappedTextBuilder {
  private parts: string[] = [];
  private length = 0;
  readonly spans: OffsetSpan[] = [];
  /** Body offsets where source text was dropped (e.g. a column-overlap repetition). */
  readonly cuts: number[] = [];

  /** Marks that source text was dropped at the current position. */
  cut(): void {
    if (this.cuts[this.cuts.length - 1] !== this.length) this.cuts.push(this.length);
  }

  /** Appends one character taken from the source at `src`, or synthetic when src is null. */
  push(ch: string, src: number | null): void {
    if (src !== null) {
      const last = this.spans[this.spans.length - 1];
      if (last && last.bodyStart + last.length === this.length && last.srcStart + last.length === src) last.length += ch.length;
      else this.spans.push({ bodyStart: this.length, srcStart: src, length: ch.length });
    }
    this.parts.push(ch);
    this.length += ch.length;
  }

  get size(): number {
    return this.length;
  }

  lastChar(): string | undefined {
    const p = this.parts[this.parts.length - 1];
    return p === undefined ? undefined : p[p.length - 1];
  }

  toString(): string {
    return this.parts.join("");
  }
}

/** True when a space between these two characters carries meaning (between Latin words or numbers). */
export function keepsSpace(before: string | undefined, after: string | undefined): boolean {
  return before !== undefined && after !== undefined && ASCII_VISIBLE.test(before) && ASCII_VISIBLE.test(after);
}

/** True when a line break between these characters stood between two Latin words. */
export function needsSpaceAtBreak(before: string | undefined, after: string | undefined): boolean {
  if (before === undefined || after === undefined) return false;
  return LATIN_WORD.test(before) && LATIN_WORD.test(after) && /[A-Za-z]/.test(before + after);
}

/**
 * Length of an exact immediate repetition at the end of a line (column overlap in OCR:
 * "为市场为市场"), or 0. Only repetitions of three or more characters with two Han
 * characters count, so ordinary reduplication ("看看", "一步一步") is left alone.
 */
export function trailingRepeatLength(line: string): number {
  for (let k = Math.floor(line.length / 2); k >= 3; k--) {
    const tail = line.slice(line.length - k);
    if (line.slice(line.length - 2 * k, line.length - k) !== tail) continue;
    if ((tail.match(/\p{Script=Han}/gu) ?? []).length >= 2) return k;
  }
  return 0;
}

/** Collapses whitespace for display text (titles, bylines): single spaces, none next to CJK punctuation. */
export function tidyDisplay(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .replace(/ ?([\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\u2014\u2018\u2019\u201c\u201d\u2026]) ?/g, "$1")
    .trim();
}

/** Character bigrams of Han/Latin/digit characters, punctuation and spaces ignored. */
export function charBigrams(text: string): string[] {
  const clean = text.replace(/[^\p{Script=Han}A-Za-z0-9]/gu, "");
  if (clean.length < 2) return clean ? [clean] : [];
  const out: string[] = [];
  for (let i = 0; i + 1 < clean.length; i++) out.push(clean.slice(i, i + 2));
  return out;
}

/** Display width: CJK characters count 1, ASCII 0.5. */
export function visualWidth(text: string): number {
  let w = 0;
  for (const ch of text.replace(/\s+/g, "")) w += /[\x00-\x7f]/.test(ch) ? 0.5 : 1;
  return w;
}
