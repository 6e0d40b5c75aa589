/**
 * Headline blocks: which lines of a block are the headline, its kicker and subtitle, and which are
 * column labels or other furniture — judged by whose words they repeat (the body they head).
 */
import { visualWidth } from "./columns.js";
import { type Para, displayLines, plainText } from "./layout.js";
import { charBigrams, needsSpaceAtBreak } from "./text.js";

/** The headline fields a block fills in. */
export interface HeadlineFields {
  title: string | null;
  kicker: string | null;
  subtitle: string | null;
}

/** Minimum share of a headline paragraph's character bigrams that must recur in the body above. */
export const HEADLINE_OVERLAP = 0.3;
/** Without a cue around it, a headline block's words must recur this much more on one side than on the other. */
export const HEADLINE_MARGIN = 0.2;
/** A two-line headline joins into one title while the joined title stays this short (characters). */
const MAX_JOINED_TITLE = 26;

export function headlineOverlap(candidate: string, bodyGrams: Set<string>): number {
  const grams = charBigrams(candidate);
  if (grams.length === 0) return 0;
  return grams.filter((g) => bodyGrams.has(g)).length / grams.length;
}

/** Title and subtitle from the lines of one headline paragraph. */
function splitTitleLines(lines: string[]): { title: string; subtitle: string | null } {
  let title = lines[0]!;
  let i = 1;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^[—–-]{1,2}/.test(line) || /[，,]/.test(line) || (title + line).replace(/\s+/g, "").length > MAX_JOINED_TITLE) break;
    title += needsSpaceAtBreak(title[title.length - 1], line[0]) ? ` ${line}` : line;
  }
  const rest = lines.slice(i).join("");
  return { title, subtitle: rest || null };
}

/** An enumerated section heading: `一、`, `（一）`, `第一，`, `1.`, `2、`. */
export const SECTION_NUMBER =
  /^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|第[一二三四五六七八九十]{1,3}[，、]|\d{1,2}[.．、](?!\d))/u;

/** Character bigrams of paragraphs' text. */
export const gramsOf = (paras: Para[]): Set<string> => new Set(charBigrams(paras.map(plainText).join("")));

/** A label line (`聚焦热点`) this short or shorter can sit on top of a headline paragraph. */
const MAX_LABEL_CHARS = 5;
/** ... and shares less than this share of its words with the body (a 4-character label shares at most one word by chance). */
const LABEL_OVERLAP = 0.5;

/**
 * A column label printed on the headline's first line: a short line none of whose words recur in
 * the body while the rest of the headline's do. Returns the label as its own paragraph, or null.
 */
function peelLabel(p: Para, bodyGrams: Set<string>): [Para, Para] | null {
  if (p.lines.length < 2) return null;
  const lines = displayLines(p);
  if (visualWidth(lines[0]!) > MAX_LABEL_CHARS || headlineOverlap(lines[0]!, bodyGrams) > 0) return null;
  if (headlineOverlap(lines.slice(1).join(""), bodyGrams) < HEADLINE_OVERLAP) return null;
  return [
    { lines: [p.lines[0]!], kind: "furniture" },
    { ...p, lines: p.lines.slice(1) },
  ];
}

/**
 * Assigns kicker/title/subtitle from a headline block whose words recur in `bodyGrams` (the body
 * it heads, above or below it); returns the paragraphs that are furniture (labels, ads, captions).
 */
export function assignHeadline(draft: HeadlineFields, block: Para[], bodyGrams: Set<string>): Para[] {
  const run = block.flatMap((p) => peelLabel(p, bodyGrams) ?? [p]);
  const scores = run.map((p) => (p.kind === "furniture" ? 0 : headlineOverlap(plainText(p), bodyGrams)));
  const related = scores.flatMap((s, i) => (s >= HEADLINE_OVERLAP ? [i] : []));
  if (related.length === 0) return run;
  const first = related[0]!;
  let last = related[related.length - 1]!;
  // a `——` line right after the headline is its subtitle, whatever its words
  const dashAfter = last + 1 < run.length && /^[—–]/.test(displayLines(run[last + 1]!)[0]!) ? run[last + 1]! : null;
  const furniture = [...run.slice(0, first), ...run.slice(last + 1 + (dashAfter ? 1 : 0))];
  const titlePara = run[last]!;
  const furnitureLines: Para["lines"] = [];
  let lines = displayLines(titlePara);
  let subtitle: string | null = dashAfter ? displayLines(dashAfter).join("") : null;
  if (/^[—–]/.test(lines[0]!) && last > first) {
    subtitle = lines.join("");
    last -= 1;
    lines = displayLines(run[last]!);
  }
  // lines on top of the title paragraph whose words do not recur in the body: a label (short, no
  // shared words: furniture) or the kicker, when the lines below them do recur
  // shared words) or the kicker, when the lines below them do recur. (Line widths say nothing here:
  // the seeds wrap titles both ways, `我市招募` + `企业首席质量官`.)
  const lineScores = lines.map((l) => headlineOverlap(l, bodyGrams));
  const subtitleLike = (l: string) => /^[—–-]{1,2}/.test(l) || /[，,]/.test(l);
  const isLabel = (l: string, k: number) => visualWidth(l) <= MAX_LABEL_CHARS && lineScores[k]! < LABEL_OVERLAP;
  let top = 0;
  while (
    top < lines.length - 1 &&
    !subtitleLike(lines[top + 1]!) &&
    ((lineScores[top]! < HEADLINE_OVERLAP && lineScores.slice(top + 1).some((x) => x >= HEADLINE_OVERLAP)) || isLabel(lines[top]!, top))
  )
    top++;
  furnitureLines.push(...titlePara.lines.slice(0, top).filter((_, k) => isLabel(lines[k]!, k)));
  const kickerLines = lines.slice(0, top).filter((l, k) => !isLabel(l, k));
  lines = lines.slice(top);
  const split = splitTitleLines(lines);
  draft.title = split.title;
  draft.subtitle = subtitle ?? split.subtitle;
  const kicker = [...run.slice(first, last).flatMap(displayLines), ...kickerLines].join(" ");
  draft.kicker = kicker || null;
  return [...furniture, ...furnitureLines.map((l): Para => ({ lines: [l], kind: "furniture" }))];
}
