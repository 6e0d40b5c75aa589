/**
 * Headline blocks: which lines of a block are the headline, its kicker and subtitle, and which are
 * column labels or other furniture — judged by whose words they repeat (the body they head).
 */
import { PORTRAIT, endsOpen, hasPredicate, startsWithVerb, subtitleLike } from "./clauses.js";
import { visualWidth } from "./columns.js";
import { type Para, displayLines, plainText } from "./layout.js";
import { NOTICE_TITLE } from "./line-classes.js";
import { charBigrams, needsSpaceAtBreak } from "./text.js";
import { anatomyBySize, paraSize, sized } from "./type-size.js";

/** The headline fields a block fills in. */
export interface HeadlineFields {
  title: string | null;
  kicker: string | null;
  subtitle: string | null;
}

/** Minimum share of a headline paragraph's character bigrams that must recur in the body above. */
export const HEADLINE_OVERLAP = 0.3;
/** A block sharing no word with the article above heads the body below from this overlap on. */
export const ONE_SIDED_OVERLAP = 0.2;
/** Below this overlap a block shares (next to) no words with a body: one chance bigram in a long block. */
export const NO_SHARED_WORDS = 0.1;
/** Without a cue around it, a headline block's words must recur this much more on one side than on the other. */
export const HEADLINE_MARGIN = 0.2;
/** A two-line headline joins into one title while the joined title stays this short (characters). */
const MAX_JOINED_TITLE = 26;

export function headlineOverlap(candidate: string, bodyGrams: Set<string>): number {
  const grams = charBigrams(candidate);
  if (grams.length === 0) return 0;
  return grams.filter((g) => bodyGrams.has(g)).length / grams.length;
}

const joinTitle = (lines: string[]): string =>
  lines.reduce(
    (title, line) => (title === "" ? line : needsSpaceAtBreak(title[title.length - 1], line[0]) ? `${title} ${line}` : title + line),
    "",
  );
const titleWidth = (lines: string[]): number => lines.join("").replace(/\s+/g, "").length;

/**
 * Kicker, title and subtitle from the lines of one headline paragraph: lines join into the title
 * while it stays short (`MAX_JOINED_TITLE`); a line that does not fit is the subtitle when it reads
 * as one, else it is the title and the lines above it the kicker (keeping with it those of the
 * lines above that still fit: `全县首个“零碳”示范村通过验收` / `屋顶光伏点亮` + `白沙镇桃源村`).
 */
function splitTitleLines(lines: string[], kickerAbove = false): { kicker: string | null; title: string; subtitle: string | null } {
  if (threeClauses(lines)) return { kicker: lines[0]!, title: lines[1]!, subtitle: lines[2]! };
  let start = 0;
  let i = 1;
  const kicker: string[] = [];
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^[—–-]{1,2}/.test(line) || /[，,]/.test(line)) break;
    if (titleWidth([...lines.slice(start, i), line]) <= MAX_JOINED_TITLE) {
      // two clauses, each with its own predicate: the second (this line and the title lines after
      // it) is the title when it has its own subject (the first is the kicker), the subtitle when
      // it starts without one
      const above = joinTitle(lines.slice(start, i));
      const end = lines.findIndex((l, k) => k > i && (/^[—–-]{1,2}/.test(l) || /[，,]/.test(l)));
      const below = lines.slice(i, end < 0 ? lines.length : end);
      const clause = titleWidth(below) <= MAX_JOINED_TITLE ? joinTitle(below) : line;
      // (a line opening with a bracket, `（二期）施工招标公告`, runs on from the one above)
      if (hasPredicate(clause) && hasPredicate(above) && !endsOpen(above) && !/^[（(]/u.test(line)) {
        // (a preposition or conjunction first continues the same clause: `…部署` / `同本地实际紧密结合`)
        // a second clause with the figures the first lacks is its subtitle (`…建成通车` / `…车程缩至12分钟`)
        // (unless a subtitle follows: then this clause is the title and the one above its kicker)
        const subtitleBelow = end > i;
        if (!subtitleBelow && (kickerAbove || startsWithVerb(line) || (/\d/.test(clause) && !/\d/.test(above)))) break;
        if (!subtitleLike(line)) {
          kicker.push(above);
          start = i;
        }
      }
      continue;
    }
    if (subtitleLike(line)) break;
    let k = start + 1;
    while (k < i && titleWidth(lines.slice(k, i + 1)) > MAX_JOINED_TITLE) k++;
    // (lines that run on into the next are no kicker: the line that does not fit is the subtitle)
    if (endsOpen(joinTitle(lines.slice(start, k)))) break;
    kicker.push(joinTitle(lines.slice(start, k)));
    start = k;
  }
  const rest = lines.slice(i).join("");
  return { kicker: kicker.join(" ") || null, title: joinTitle(lines.slice(start, i)), subtitle: rest || null };
}

/**
 * Three lines, each a clause with a predicate of its own, none running on into the next: kicker,
 * title, subtitle (`小茶籽榨出大产业` / `槐溪油茶林面积突破12万亩` / `1.6万户茶农年均增收4800元`).
 */
const threeClauses = (lines: string[]): boolean =>
  lines.length === 3 &&
  lines.every((l) => !/^[—–-]{1,2}/.test(l) && visualWidth(l) > MAX_LABEL_CHARS && hasPredicate(l)) &&
  !lines.slice(0, 2).some(endsOpen);

/** An enumerated section heading: `一、`, `（一）`, `第一，`, `1.`, `2、`. */
export const SECTION_NUMBER =
  /^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|第[一二三四五六七八九十]{1,3}[，、]|\d{1,2}[.．、](?!\d))/u;

/** Character bigrams of paragraphs' text. */
export const gramsOf = (paras: Para[]): Set<string> => new Set(charBigrams(paras.map(plainText).join("")));

/** A label line (`聚焦热点`) this short or shorter can sit on top of a headline paragraph. */
const MAX_LABEL_CHARS = 5;
/** ... and shares less than this share of its words with the body (a 4-character label shares at most one word by chance). */
const LABEL_OVERLAP = 0.5;

/** The first line is short enough to be a column label. */
export const labelShaped = (lines: string[]): boolean => lines.length >= 2 && visualWidth(lines[0]!) <= MAX_LABEL_CHARS;
/**
 * A first line of at most 4 characters above a line at least twice as wide reads as a label
 * whatever its words (`天气` over `本周我县将迎来降雨降温`); a title wrapped after a short first
 * line keeps a second line of similar length (`我市招募` + `企业首席质量官`).
 */
const labelByWidth = (lines: string[]): boolean =>
  lines.length >= 2 && visualWidth(lines[0]!) <= 4 && visualWidth(lines[1]!) >= 2 * visualWidth(lines[0]!) + 2;

/** A paragraph's overlap with a body, not counting a label-shaped first line (it would dilute the headline's). */
export function paragraphOverlap(p: Para, bodyGrams: Set<string>): number {
  const whole = headlineOverlap(plainText(p), bodyGrams);
  const lines = displayLines(p);
  // in a block of several lines (label, kicker, title, subtitle) the title line is what recurs
  const best = Math.max(0, ...lines.filter((l) => visualWidth(l) >= MIN_TITLE_LINE).map((l) => headlineOverlap(l, bodyGrams)));
  return Math.max(whole, labelShaped(lines) ? headlineOverlap(lines.slice(1).join(""), bodyGrams) : 0, lines.length > 1 ? best : 0);
}

/** A line this wide can carry a headline of its own (shorter ones overlap by chance). */
const MIN_TITLE_LINE = 6;

/**
 * A column label printed on the headline's first line: a short line none of whose words recur in
 * the body while the rest of the headline's do. Returns the label as its own paragraph, or null.
 */
function peelLabel(p: Para, bodyGrams: Set<string>): [Para, Para] | null {
  if (p.lines.length < 2) return null;
  const lines = displayLines(p);
  if (!labelShaped(lines) || (headlineOverlap(lines[0]!, bodyGrams) > 0 && !labelByWidth(lines))) return null;
  const rest: Para = { ...p, lines: p.lines.slice(1) };
  if (paragraphOverlap(rest, bodyGrams) < HEADLINE_OVERLAP) return null;
  return [{ lines: [p.lines[0]!], kind: "furniture" }, rest];
}

/**
 * Assigns kicker/title/subtitle from a headline block whose words recur in `bodyGrams` (the body
 * it heads, above or below it); returns the paragraphs that are furniture (labels, ads, captions).
 */
export function assignHeadline(draft: HeadlineFields, block: Para[], bodyGrams: Set<string>, threshold = HEADLINE_OVERLAP): Para[] {
  // type size, where the input has it, says which lines are the title: the whole block is the headline
  // (a short line in headline type over the title is its kicker, not a column label)
  if (sized(block)) {
    const byType = anatomyBySize(block.map(displayLines), block.map(paraSize));
    draft.title = joinTitle(byType ? byType.title : block.flatMap(displayLines));
    draft.kicker = byType?.kicker.length ? joinTitle(byType.kicker) : null;
    draft.subtitle = byType?.subtitle.length ? byType.subtitle.join("") : null;
    return [];
  }
  if (noticeTitle(draft, block)) return [];
  const run = block.flatMap((p) => peelLabel(p, bodyGrams) ?? [p]);
  const scores = run.map((p) => (p.kind === "furniture" ? 0 : paragraphOverlap(p, bodyGrams)));
  // a one-line label paragraph (`文化长廊`) above the headline shares a word by chance at most
  const labelPara = (p: Para, i: number) =>
    p.lines.length === 1 && visualWidth(plainText(p)) <= MAX_LABEL_CHARS && scores[i]! < LABEL_OVERLAP;
  const related = scores.flatMap((s, i) =>
    s >= threshold && !(labelPara(run[i]!, i) && scores.slice(i + 1).some((x) => x >= threshold)) ? [i] : [],
  );
  if (related.length === 0) return run;
  const first = related[0]!;
  let last = related[related.length - 1]!;
  // a `——` line right after the headline is its subtitle, whatever its words
  const dashAfter = last + 1 < run.length && /^[—–]/.test(displayLines(run[last + 1]!)[0]!) ? run[last + 1]! : null;
  const furniture = [...run.slice(0, first), ...run.slice(last + 1 + (dashAfter ? 1 : 0))];
  const furnitureLines: Para["lines"] = [];
  let lines = displayLines(run[last]!);
  let subtitle: string | null = dashAfter ? displayLines(dashAfter).join("") : null;
  const prevText = last > first && related.includes(last - 1) ? plainText(run[last - 1]!) : null;
  // the last related paragraph is the subtitle when it starts with a dash, or when it is a clause
  // carrying the figures the clause above it lacks (`山地越野赛鸣枪开赛` / `420名骑手竞逐仙人坪`)
  const figures =
    prevText !== null &&
    !dashAfter &&
    /\d/.test(lines.join("")) &&
    !/\d/.test(prevText) &&
    hasPredicate(prevText) &&
    hasPredicate(lines.join(""));
  if ((/^[—–]/.test(lines[0]!) && last > first) || figures) {
    subtitle = lines.join("");
    last -= 1;
    lines = displayLines(run[last]!);
  }
  const titlePara = run[last]!;
  // lines on top of the title paragraph whose words do not recur in the body: a label (short, no
  // shared words: furniture) or the kicker, when the lines below them do recur
  // shared words) or the kicker, when the lines below them do recur. (Line widths say nothing here:
  // the seeds wrap titles both ways, `我市招募` + `企业首席质量官`.)
  const lineScores = lines.map((l) => headlineOverlap(l, bodyGrams));
  const dashOrComma = (l: string) => /^[—–-]{1,2}/.test(l) || /[，,]/.test(l);
  const isLabel = (l: string, k: number) =>
    visualWidth(l) <= MAX_LABEL_CHARS && (lineScores[k]! < LABEL_OVERLAP || (k === 0 && labelByWidth(lines)));
  let top = 0;
  const clauses = threeClauses(lines);
  while (
    !clauses &&
    top < lines.length - 1 &&
    !dashOrComma(lines[top + 1]!) &&
    !PORTRAIT.test(lines[top + 1]!) &&
    ((lineScores[top]! < HEADLINE_OVERLAP && lineScores.slice(top + 1).some((x) => x >= HEADLINE_OVERLAP) && !endsOpen(lines[top]!)) ||
      isLabel(lines[top]!, top))
  )
    top++;
  furnitureLines.push(...titlePara.lines.slice(0, top).filter((_, k) => isLabel(lines[k]!, k)));
  const kickerLines = lines.slice(0, top).filter((l, k) => !isLabel(l, k));
  const end = trailingLabel(lines, lineScores, top);
  furnitureLines.push(...titlePara.lines.slice(end));
  lines = lines.slice(top, end);
  // (a kicker found above: a second clause here is the subtitle, not another title)
  const split = splitTitleLines(lines, kickerLines.length > 0 || last > first);
  draft.title = split.title;
  draft.subtitle = subtitle ?? split.subtitle;
  const kicker = [...run.slice(first, last).flatMap(displayLines), ...kickerLines, ...(split.kicker ? [split.kicker] : [])].join(" ");
  draft.kicker = kicker || null;
  return [...furniture, ...furnitureLines.map((l): Para => ({ lines: [l], kind: "furniture" }))];
}

/** A notice's title is one however many lines it takes (`云岭县人民政府` / `关于加强…` / `…的通告`). */
function noticeTitle(draft: HeadlineFields, block: Para[]): boolean {
  const whole = block.flatMap(displayLines);
  if (!NOTICE_TITLE.test(whole.join("")) || whole.length > 4) return false;
  draft.title = joinTitle(whole);
  return true;
}

/**
 * Where a headline's lines end before a label under them that shares no words with the body: the
 * next column's (`体坛简讯`). A quoted word is the title's own (`一棵核桃树撑起` / `“致富伞”`).
 */
function trailingLabel(lines: string[], lineScores: number[], top: number): number {
  const label = (l: string, k: number) =>
    visualWidth(l) <= MAX_LABEL_CHARS && lineScores[k]! < NO_SHARED_WORDS && !/[“"「『《（(]/u.test(l);
  let end = lines.length;
  while (end - 1 > top + 1 && label(lines[end - 1]!, end - 1)) end--;
  return end;
}
