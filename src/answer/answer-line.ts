/**
 * The answer line users read first: the fact itself when the question asks for one (a quantity,
 * a date, the author), then the supporting sentence with `[n]` naming its citation. Everything
 * is verbatim from the source except the `[n]` markers, `…` at cuts and the `：` after the fact.
 * The sentence is the whole grammatical sentence around the best clause, with the paragraph's
 * neighbouring sentences while they fit (clauses joined by `；`
 * stay together: `…总值达1831.4亿元；其中出口1678.3亿元；进口153.1亿元。`), without the
 * dateline (`本报讯`, `新华社…电`) that opens many newspaper stories.
 */
import type { Article } from "../ingest/index.js";
import { articleSentences, excerptText } from "./excerpt.js";
import { DATE, QUANTITY } from "./answer-patterns.js";
import { chooseCitations } from "./citation-choice.js";
import { occurrences, strictlyInsideWord } from "./features.js";
import { answerSlot } from "./ranker.js";
import { answerKind, type Candidate } from "./scoring.js";
import type { Citation } from "./types.js";

/**
 * Another article is cited only when its passage covers at least this share of the question
 * weight the best passage covers (measured: 0.6 drops 8 % of the seed answers' citations and
 * changes neither CMRC's answer-in-top-3 nor Hit@5; 0.8 cost Hit@5 0.2 points).
 */
export const SUPPORT_SHARE = 0.6;

/** The answer line's longest length (characters), fact and markers included. */
export const ANSWER_LINE_CHARS = 150;

/** A sentence shorter than this (characters) is shown with the next one. */
const SHORT_SENTENCE = 20;
/** Room kept in the line for the fact and the marker when choosing the sentence group. */
const FACT_ROOM = 24;

/** "Who wrote it / which reporter" questions: answered from the byline. */
const AUTHOR_QUESTION = /谁写的|作者是谁|作者是|哪位记者|哪个记者|记者是谁|谁报道|谁采写|署名/u;
/** Datelines and other furniture that open a story: never the start of an answer. */
const DATELINE =
  /^(?:本报讯|本报[^，。\s]{0,12}电|(?:新华社|中新社|人民网|央视网|新华网)[^，。]{0,16}?电(?:[（(][^）)]{0,20}[）)])?|[（(]记者[^）)]{0,20}[）)])\s*/u;

export interface AnswerLine {
  /** The body range of the best sentence with its ；-joined clauses (inside start..end). */
  core: { start: number; end: number };
  /** The line: fact first (when there is one), then the sentence and its `[n]`. */
  text: string;
  /** The fact alone (verbatim), or null. */
  span: string | null;
  /** With a fact: just the sentence (and its clauses) that states it, with `[n]` (what a chat shows under the fact). */
  supporting?: string;
  /** The body range of the supporting sentence(s). */
  start: number;
  end: number;
}

/** The article's byline name (its last word of 2–4 Han characters), when it has one. */
const bylineName = (byline: string | null): string | null =>
  byline
    ?.split(/[\s▢□■◆●]+/u)
    .filter((w) => /^\p{Script=Han}{2,4}$/u.test(w))
    .at(-1) ?? null;

/** The sentence group (clauses joined by `；`) around sentence `s`, at most `max` characters, kept around `s`. */
function sentenceGroup(article: Article, s: number, max: number): { start: number; end: number; core: { start: number; end: number } } {
  const sentences = articleSentences(article);
  const body = article.body;
  const joined = (i: number) => /[；;]["”’」』）)]*\s*$/u.test(body.slice(sentences[i]!.start, sentences[i]!.end));
  let first = s;
  let last = s;
  // a very short sentence is shown with the next one (context)
  if (sentences[s]!.end - sentences[s]!.start < SHORT_SENTENCE && s + 1 < sentences.length) last = s + 1;
  while (last + 1 < sentences.length && joined(last) && sentences[last + 1]!.end - sentences[first]!.start <= max) last++;
  while (first > 0 && joined(first - 1) && sentences[last]!.end - sentences[first - 1]!.start <= max) first--;
  const core = { start: sentences[first]!.start, end: sentences[last]!.end };
  // room left: the paragraph's following sentences (answers often follow the sentence that
  // matches the question), then its preceding ones
  const endsParagraph = (i: number) => /\n\s*$/.test(body.slice(sentences[i]!.start, sentences[i]!.end));
  while (last + 1 < sentences.length && !endsParagraph(last) && sentences[last + 1]!.end - sentences[first]!.start <= max) last++;
  while (first > 0 && !endsParagraph(first - 1) && sentences[last]!.end - sentences[first - 1]!.start <= max) first--;
  // and the beginning of the next sentence when some room is left (the line is cut with …)
  if (last + 1 < sentences.length && !endsParagraph(last) && max - (sentences[last]!.end - sentences[first]!.start) >= 12) last++;
  return { start: sentences[first]!.start, end: sentences[last]!.end, core };
}

/** Words that state a figure (`达到21.2万场`, `总值为…`), as opposed to mentioning one in passing. */
const STATES_FIGURE = /(?:达到?|为|是|共|计|实现|完成|有|超过|合计|总计)\s*$/u;
/** Figures a change arrives at (`增加至26班`), with the asked unit (`班`) or a percentage when one follows. */
function arrivals(text: string, unit: string | undefined): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  for (const m of text.matchAll(ARRIVES_AT)) {
    const figure = m[1]!;
    const after = text.slice(m.index! + m[0].length);
    const tail = unit && after.startsWith(unit) ? unit : after.startsWith("%") ? "%" : "";
    const match = Object.assign([`${figure}${tail}`], {
      index: m.index! + m[0].length - figure.length,
      input: text,
    }) as unknown as RegExpExecArray;
    out.push(match);
  }
  return out;
}
const ARRIVES_AT =
  /(?:增加|增长|提高|提升|上升|上调|扩大|延长|下降|减少|降低|下调|缩短|压缩)(?:至|到)\s*(\d+(?:\.\d+)?(?:\s*[万亿千百])*)/gu;

/** What follows a change's starting figure: the change and where it arrives (`增加至`, `提高到`, `降为`). */
const CHANGES_TO = /^\s*[^\d，。；]{0,3}?(?:增加|增长|增|提高|提升|上升|上调|扩大|延长|下降|减少|降低|下调|缩短|压缩|降|减)(?:至|到|为)/u;

/**
 * The fact the question asks for, as `text` writes it: for "how many", a quantity in the unit
 * asked (`多少场` → …场) when there is one, one the sentence states (`达到…`) before one it
 * mentions in passing, then the one nearest the question's terms; for "when", the nearest date.
 */
function factSpan(text: string, question: string, terms: string[]): string | null {
  const kind = answerKind(question);
  const pattern = kind === "number" ? QUANTITY : kind === "time" ? DATE : null;
  if (!pattern) return null;
  let found = [...text.matchAll(pattern)].filter((m) => /\d|[午日年]/u.test(m[0]) && m[0].trim().length > 0);
  const unit = /(?:多少|几)([^\d\s，。？?！!的]{1,2})/u.exec(question)?.[1];
  // (the figure a change arrives at, `由18班增加至26班`, which the quantity pattern leaves out as a range's end)
  if (kind === "number") found.push(...arrivals(text, unit?.slice(-1)));
  const inUnit = unit ? found.filter((m) => m[0].trim().endsWith(unit.slice(-1))) : [];
  if (inUnit.length) found = inUnit;
  if (!found.length) return null;
  // where the question's terms are, as words of the line (出口 in 其中出口, not in 进出口)
  const norm = text.normalize("NFKC").toLowerCase();
  const anchors = terms.flatMap((t) => {
    const at = occurrences(t, norm);
    const whole = at.filter((i) => !strictlyInsideWord(i, i + t.length, norm));
    return whole.length ? whole : at;
  });
  const distance = (i: number) => (anchors.length ? Math.min(...anchors.map((a) => Math.abs(a - i))) : i);
  // a quantity with a unit beats a bare number; one right after a question word (`出口1678.3亿元`)
  // beats one the sentence states (`达到21.2万场`), which beats one mentioned in passing
  const before = (m: RegExpMatchArray) => text.slice(Math.max(0, m.index! - 4), m.index);
  const follows = (m: RegExpMatchArray) =>
    anchors.some(
      (a) =>
        a < m.index! &&
        m.index! - a <= 8 &&
        before(m).length > 0 &&
        terms.some((t) => norm.slice(a, a + t.length) === t && a + t.length >= m.index! - 4),
    );
  // the figure right after the word the interrogative asks about (`总面积是多少` → `总面积3.6万平方米`) first
  const slot = answerSlot(question.normalize("NFKC").toLowerCase())?.left ?? "";
  const afterSlot = (m: RegExpMatchArray) =>
    slot.length >= 2 && norm.slice(Math.max(0, m.index! - slot.length - 1), m.index).includes(slot);
  // the figure a change starts from (`由18班增加至26班`) gives way to the one it arrives at
  const leaves = (m: RegExpMatchArray) =>
    /[由从]\s*$/u.test(text.slice(Math.max(0, m.index! - 2), m.index)) && CHANGES_TO.test(text.slice(m.index! + m[0].length));
  const rank = (m: RegExpMatchArray) =>
    (/\D$/u.test(m[0].trim()) ? 0 : 4) +
    (leaves(m) ? 8 : 0) +
    (afterSlot(m) ? 0 : follows(m) ? 1 : STATES_FIGURE.test(text.slice(Math.max(0, m.index! - 3), m.index)) ? 2 : 3);
  const best = found.sort((a, b) => rank(a) - rank(b) || distance(a.index!) - distance(b.index!))[0]!;
  return best[0].trim();
}

/**
 * Citations and the answer line. Citations follow the hand score (it puts the right article first
 * most often); the answer line takes the model's best sentence among the cited articles, and that
 * article's excerpt is centred on it, so the citation holds what the line says. Citations are
 * marked with whether they support the line.
 */
export function answerFromCandidates(
  question: string,
  candidates: Candidate[],
  topK: number,
  terms: string[],
  /** The candidates in the learned ranker's order (undefined: the hand order decides). */
  ranked: Candidate[] | undefined,
): { line: AnswerLine; citations: Citation[] } {
  let chosen = chooseCitations(candidates, topK);
  const cited = new Set(chosen.map((c) => c.articleId));
  const best = ranked?.find((c) => cited.has(c.hit.article.id)) ?? candidates[0]!;
  if (best !== candidates[0]) {
    // the best sentence leads its article's candidates; the articles keep their order
    const rest = candidates.filter((c) => c !== best);
    const at = rest.findIndex((c) => c.hit.article.id === best.hit.article.id);
    chosen = chooseCitations([...rest.slice(0, at), best, ...rest.slice(at)], topK);
  }
  // only citations that support the question: another article is cited when its passage covers at
  // least SUPPORT_SHARE of what the best passage covers
  const cover = new Map<string, number>();
  for (const c of candidates) cover.set(c.hit.article.id, Math.max(cover.get(c.hit.article.id) ?? 0, c.passageCoverage));
  const most = Math.max(...cover.values());
  chosen = chosen
    .filter((c) => c.articleId === best.hit.article.id || (cover.get(c.articleId) ?? 0) >= SUPPORT_SHARE * most)
    .map((c, i) => ({ ...c, n: i + 1 }));
  const line = composeAnswerLine(question, best, chosen, terms);
  const citations = chosen.map((c) => ({
    ...c,
    supportsAnswer:
      c.articleId === best.hit.article.id &&
      ((c.start < line.end && line.start < c.end) || (line.span !== null && c.excerpt.includes(line.span))),
  }));
  return { line, citations };
}

/** The answer line for a candidate sentence. */
export function composeAnswerLine(question: string, top: Candidate, citations: Citation[], terms: string[]): AnswerLine {
  const article = top.hit.article;
  const n = citations.find((c) => c.articleId === article.id)?.n ?? 1;
  if (AUTHOR_QUESTION.test(question)) {
    const name = bylineName(article.byline);
    if (name && article.byline) {
      // the byline stands for the whole article: any excerpt of it supports the answer
      const text = `${name}（${article.byline.replace(/^[▢□■◆●\s]+/u, "")}）[${n}]`;
      return { text, span: name, start: 0, end: article.body.length, core: { start: 0, end: article.body.length } };
    }
  }
  const marker = `[${n}]`;
  const kind = answerKind(question);
  const range = sentenceGroup(
    article,
    top.sentence,
    ANSWER_LINE_CHARS - (kind === "number" || kind === "time" ? FACT_ROOM : marker.length),
  );
  let sentence = excerptText(article, range.start, range.end).replace(DATELINE, "");
  const coreText = excerptText(article, range.core.start, range.core.end).replace(DATELINE, "");
  // the fact comes from the best sentence (its ；-joined clauses) when it holds one, else from the line
  const span = factSpan(coreText, question, terms) ?? factSpan(sentence, question, terms);
  const room = ANSWER_LINE_CHARS - marker.length - (span ? Array.from(span).length + 1 : 0);
  const fit = (text: string) =>
    Array.from(text).length > room
      ? `${Array.from(text)
          .slice(0, room - 1)
          .join("")}…`
      : text;
  sentence = fit(sentence);
  // with a fact first, the sentence it comes from is all a reader needs under it
  const supporting = span && coreText.includes(span) ? `${fit(coreText)}${marker}` : undefined;
  return { text: `${span ? `${span}：` : ""}${sentence}${marker}`, span, supporting, start: range.start, end: range.end, core: range.core };
}
