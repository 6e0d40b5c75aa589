/**
 * The reply to a question: the answer line, then one compact card per cited article — headline
 * (or the article's first words when it has none), byline, where it was printed (publication,
 * date, page; the file name only when nothing else identifies the source), and each excerpt of
 * that article in an expandable quote. Replies are kept under COMPACT_CHARS by shortening the
 * excerpts (a 更多 button shows them whole); only question terms of two or more characters, or
 * whole numbers, are highlighted.
 */
import type { FormattedString } from "@grammyjs/parse-mode";
import { type Answer, type Citation, highlightRanges } from "../answer/index.js";
import { MessageBuilder, printedLine, type Translate } from "./format.js";

/** A compact reply stays under this many characters; the rest is one 更多 press away. */
export const COMPACT_CHARS = 1000;
/** An excerpt is never shortened below this many characters. */
const MIN_EXCERPT_CHARS = 40;
/** Characters of an untitled article's first words used as its headline. */
const LEAD_CHARS = 18;

export interface ArticleCard {
  /** Card number, as the 原文 N button says. */
  n: number;
  /** The article's citations in answer order (one card per article). */
  citations: Citation[];
}

/** Citations grouped by article, in the order their articles are first cited. */
export function articleCards(citations: Citation[]): ArticleCard[] {
  const cards: ArticleCard[] = [];
  const byArticle = new Map<string, ArticleCard>();
  for (const c of citations) {
    let card = byArticle.get(c.articleId);
    if (!card) {
      card = { n: cards.length + 1, citations: [] };
      byArticle.set(c.articleId, card);
      cards.push(card);
    }
    card.citations.push(c);
  }
  return cards;
}

/** Terms worth bold: two or more characters, or a whole number (a lone 村 or 月 is not). */
export const highlightTerms = (terms: string[]): string[] => terms.filter((t) => Array.from(t).length >= 2 || /^\d+(?:\.\d+)?$/.test(t));

export interface AnswerFormatOptions {
  /** The first words of an article (for a headline when it has none). */
  leadOf?: (articleId: string) => string | undefined;
  /** Whole excerpts, however long (after 更多). */
  full?: boolean;
  /** Show the question first (it was asked by a button, so the chat does not show it). */
  showQuestion?: boolean;
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, " ").trim();
/** "Answer:" takes a space before the text, "答：" does not. */
const spaced = (label: string) => (/[A-Za-z:]$/.test(label) ? `${label} ` : label);

function headline(c: Citation, options: AnswerFormatOptions, t: Translate): string {
  if (c.title) return c.title;
  const lead = oneLine(options.leadOf?.(c.articleId) ?? c.excerpt);
  if (!lead) return t("untitled");
  // the first clause when it is a sensible length, else the first LEAD_CHARS characters
  const clause = /^(.{4,24}?)[，。！？；：,.!?;:]/u.exec(lead)?.[1];
  const chars = Array.from(clause ?? lead);
  const cut = chars.slice(0, LEAD_CHARS).join("");
  return cut.length < lead.length ? `${cut}…` : cut;
}

function build(answer: Answer, t: Translate, options: AnswerFormatOptions, excerptChars: number): FormattedString {
  const b = new MessageBuilder();
  const terms = highlightTerms(answer.terms);
  if (options.showQuestion && answer.question) b.add("❓ ").wrap("italic", oneLine(answer.question)).add("\n");
  const translated = answer.translation?.answer;
  const span = answer.answerSpan;
  const line = oneLine(translated ?? answer.answer);
  if (!translated && span && line.startsWith(`${span}：`)) {
    // the fact in bold on its own line, the sentence it comes from under it
    b.wrap("bold", `${spaced(t("answer-label"))}${span}`)
      .add("\n")
      .add(oneLine(answer.answerSentence ?? line.slice(span.length + 1)));
  } else b.wrap("bold", spaced(t("answer-label"))).add(line);
  // the translation first, then the verbatim Chinese line it was made from
  if (translated) b.add("\n").wrap("italic", oneLine(answer.answer));
  for (const card of articleCards(answer.citations)) {
    const first = card.citations[0]!;
    b.add("\n\n").wrap("bold", `[${card.n}] ${headline(first, options, t)}`);
    if (first.byline) b.add(` — ${first.byline}`);
    const where = printedLine(first.meta, first.source, first.title !== null, t);
    if (where) b.add("\n").wrap("italic", where);
    for (const c of card.citations) {
      const whole = oneLine(c.excerpt);
      const chars = Array.from(whole);
      const excerpt = chars.length > excerptChars ? `${chars.slice(0, excerptChars).join("")}…` : whole;
      b.add("\n").wrap("expandable_blockquote", (q) => q.addHighlighted(excerpt, highlightRanges(excerpt, terms)));
    }
  }
  if (answer.translation) {
    const { model, question, dropped } = answer.translation;
    b.add("\n\n").wrap("italic", t(dropped ? "mode-translation-dropped" : "mode-translated", { model, question }));
  }
  if (answer.llm) {
    b.add("\n\n").wrap(
      "italic",
      answer.mode === "llm" ? t("mode-llm", { model: answer.llm.model }) : t("mode-fallback", { reason: answer.llm.fallback ?? "error" }),
    );
  }
  return b.build();
}

/** The reply, and whether its excerpts were shortened to fit COMPACT_CHARS. */
export function formatAnswer(
  answer: Answer,
  t: Translate,
  options: AnswerFormatOptions = {},
): { message: FormattedString; shortened: boolean } {
  if (answer.abstained)
    return { message: new MessageBuilder().add(t(answer.reason === "empty" ? "empty-question" : "not-found")).build(), shortened: false };
  const whole = build(answer, t, options, Number.POSITIVE_INFINITY);
  if (options.full || whole.text.length <= COMPACT_CHARS) return { message: whole, shortened: false };
  // shorten every excerpt alike, in steps of 10 characters, to the longest that fits (never below
  // MIN_EXCERPT_CHARS); a reply only grows with its excerpts, so the step is found by bisection
  const longest = Math.max(...answer.citations.map((c) => Array.from(oneLine(c.excerpt)).length));
  const steps = Math.floor((longest - 10 - MIN_EXCERPT_CHARS) / 10) + 1; // chars = longest - 10 (i + 1), i < steps
  let [lo, hi] = [0, steps]; // the first step that fits is in [lo, hi]; hi = steps: none does
  let fitting: FormattedString | undefined;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const message = build(answer, t, options, longest - 10 * (mid + 1));
    if (message.text.length <= COMPACT_CHARS) {
      [hi, fitting] = [mid, message];
    } else lo = mid + 1;
  }
  if (lo < steps) return { message: fitting ?? build(answer, t, options, longest - 10 * (lo + 1)), shortened: true };
  return { message: build(answer, t, options, MIN_EXCERPT_CHARS), shortened: true };
}

/** One citation alone (inline results). */
export function formatCitation(c: Citation, terms: string[], t: Translate): FormattedString {
  const b = new MessageBuilder();
  b.wrap("bold", `[${c.n}] ${headline(c, {}, t)}`);
  if (c.byline) b.add(` — ${c.byline}`);
  const where = printedLine(c.meta, c.source, c.title !== null, t);
  if (where) b.add("\n").wrap("italic", where);
  const excerpt = oneLine(c.excerpt);
  return b
    .add("\n")
    .wrap("expandable_blockquote", (q) => q.addHighlighted(excerpt, highlightRanges(excerpt, highlightTerms(terms))))
    .build();
}
