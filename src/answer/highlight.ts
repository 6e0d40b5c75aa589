/**
 * Where the question's terms occur in a verbatim excerpt, as ranges of the excerpt itself
 * (UTF-16 offsets), although matching runs on the normalised text (full-width, case,
 * traditional characters folded).
 */
import { normalizeText } from "../search/index.js";

export interface Range {
  start: number;
  end: number;
}

/** Each character's normalised form, once per character (a pure function of it; bounded by Unicode). */
const normalizedChars = new Map<number, string>();
function normalizeChar(cp: number, ch: string): string {
  let n = normalizedChars.get(cp);
  if (n === undefined) normalizedChars.set(cp, (n = normalizeText(ch)));
  return n;
}

export function highlightRanges(text: string, terms: string[]): Range[] {
  const wanted = [...new Set(terms.filter((t) => t.length > 0))];
  if (wanted.length === 0 || !text) return [];
  // Normalise character by character so that every normalised offset maps back to the source.
  let norm = "";
  const origin: number[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const n = normalizeChar(cp, ch);
    for (let k = 0; k < n.length; k++) origin.push(i);
    norm += n;
    i += ch.length;
  }
  origin.push(text.length);
  const hits: Range[] = [];
  for (const term of wanted) {
    for (let at = norm.indexOf(term); at >= 0; at = norm.indexOf(term, at + term.length)) {
      const start = origin[at]!;
      const lastOrigin = origin[at + term.length - 1]!;
      const end = lastOrigin + String.fromCodePoint(text.codePointAt(lastOrigin)!).length;
      hits.push({ start, end });
    }
  }
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Range[] = [];
  for (const h of hits) {
    const last = merged.at(-1);
    if (last && h.start <= last.end) last.end = Math.max(last.end, h.end);
    else merged.push({ ...h });
  }
  return merged;
}
