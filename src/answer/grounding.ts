/**
 * The grounding check for LLM answers: every `[n]` must name a passage that was given; every
 * quoted span — 「」『』“”"" ‘’ 《》〈〉«» — must occur verbatim (whitespace aside) in a passage
 * its sentence cites; and every number and name the sentence states outside quotes (jieba's
 * numeral and proper-noun tags, and words not in its dictionary) must occur in a cited passage
 * too, so an unquoted claim such as "补贴上调为五十万元[1]" against a source saying 两万元 fails.
 * Sentences that fail — or cite nothing — are dropped; the survivors are renumbered.
 */
import { claimTokens } from "../search/index.js";

export type SentenceProblem = "no-citation" | "unknown-citation" | "quote-not-in-passage" | "claim-not-in-passage";

export interface GroundedSentence {
  text: string;
  /** Passage numbers (1-based, as the model wrote them). */
  cites: number[];
  quotes: string[];
  problem?: SentenceProblem;
  /** The number or name that no cited passage states (with claim-not-in-passage). */
  unsupported?: string;
}

export interface Grounding {
  /** The kept sentences, markers renumbered to `used`. */
  text: string;
  kept: GroundedSentence[];
  dropped: GroundedSentence[];
  /** Original passage numbers in order of first use; `[k]` in `text` means used[k-1]. */
  used: number[];
}

const SENTENCE = /[^。！？!?\n]+(?:[。！？!?]+)?(?:\s*[[［]\s*[0-9０-９]+\s*[\]］])*/gu;
/** `[2]`, also full-width `［２］`. */
const MARKER = /[[［]\s*([0-9０-９]+)\s*[\]］]/gu;
const markerNumber = (digits: string) => Number(digits.normalize("NFKC"));
const QUOTE = /「([^」]*)」|『([^』]*)』|“([^”]*)”|"([^"]*)"|‘([^’]*)’|《([^》]*)》|〈([^〉]*)〉|«([^»]*)»/gu;
/** Quotes shorter than this are not checked (a quoted word is not a claim about the source). */
export const MIN_CHECKED_QUOTE = 2;

const squash = (s: string) => s.normalize("NFKC").replace(/\s+/g, "");

export function groundAnswer(raw: string, passages: string[]): Grounding {
  const sources = passages.map(squash);
  const kept: GroundedSentence[] = [];
  const dropped: GroundedSentence[] = [];
  for (const m of raw.matchAll(SENTENCE)) {
    const text = m[0].trim();
    if (!/[\p{L}\p{N}]/u.test(text.replace(MARKER, ""))) continue;
    const cites = [...new Set(Array.from(text.matchAll(MARKER), (x) => markerNumber(x[1]!)))];
    const quotes = Array.from(text.matchAll(QUOTE), (q) => q.slice(1).find((g) => g !== undefined) ?? "").filter(
      (q) => squash(q).length >= MIN_CHECKED_QUOTE,
    );
    const s: GroundedSentence = { text, cites, quotes };
    const stated = (span: string) => cites.some((n) => sources[n - 1]!.includes(squash(span)));
    if (cites.length === 0) s.problem = "no-citation";
    else if (cites.some((n) => !Number.isInteger(n) || n < 1 || n > passages.length)) s.problem = "unknown-citation";
    else if (quotes.some((q) => !stated(q))) s.problem = "quote-not-in-passage";
    else {
      const unsupported = claimTokens(text.replace(QUOTE, " ").replace(MARKER, " ")).find((c) => !stated(c));
      if (unsupported) Object.assign(s, { problem: "claim-not-in-passage", unsupported });
    }
    (s.problem ? dropped : kept).push(s);
  }
  const used: number[] = [];
  for (const s of kept) for (const n of s.cites) if (!used.includes(n)) used.push(n);
  const renumber = (t: string) => t.replace(MARKER, (_, n: string) => `[${used.indexOf(markerNumber(n)) + 1}]`);
  const text = kept
    .map((s) => renumber(s.text))
    .reduce((acc, t) => (acc && /[\p{Script=Han}。！？，、；：」』”]$/u.test(acc) ? acc + t : acc ? `${acc} ${t}` : t), "");
  return { text, kept, dropped, used };
}

/** A sentence is complete once something other than its closing marks and markers follows it. */
const COMPLETE_PREFIX = /^[\s\S]*[。！？!?\n](?:\s*[[［]\s*[0-9０-９]+\s*[\]］])*(?=\s*[^\s[［。！？!?\]］0-9０-９])/u;

/**
 * Turns streamed tokens into checked snapshots: each time a sentence completes, the text so far
 * is grounded and, when the checked text grew, passed to `emit`. Unchecked text is never emitted.
 */
export function checkedStream(passages: string[], emit: (checkedText: string) => void): (token: string) => void {
  let raw = "";
  let shown = "";
  return (token) => {
    raw += token;
    const complete = COMPLETE_PREFIX.exec(raw)?.[0];
    if (!complete) return;
    const { text } = groundAnswer(complete, passages);
    if (text && text !== shown) {
      shown = text;
      emit(text);
    }
  };
}
