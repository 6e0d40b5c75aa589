/** Display text of paragraphs (bylines, headline lines): markers, brackets and letter-spacing tidied away. */
import type { Para } from "./layout.js";
import { BOX } from "./line-classes.js";
import { tidyDisplay } from "./text.js";

const openBracket = (text: string): boolean => (text.match(/[（(]/g) ?? []).length > (text.match(/[）)]/g) ?? []).length;

/** The paragraph's text for display fields (bylines): whitespace collapsed, lines joined by spaces. */
export function displayText(p: Para, joiner = " "): string {
  // a line broken inside brackets (`…（记` / `者 蒙佳怡）`) joins without a space
  const texts = p.lines.map((l) => l.text.replace(BOX, ""));
  const joined = texts.reduce((acc, t, i) => (i === 0 ? t : acc + (openBracket(acc) ? "" : joiner) + t), "");
  return tidyDisplay(joined).replace(/^[（(]\s*([^（）()]+?)\s*[）)]$/u, "$1");
}

/** A brief's marker before its headline (`▲`, `●`, `▶`); a byline's (`▢`) is dropped by `displayText`. */
const MARK = /^[▲△●○▶►◆◇■□★☆▼▽]\s*(?=\S{4})/u;

/** The brief's marker the paragraph opens with (`▶`), or null. */
export const briefMark = (p: Para): string | null => MARK.exec(p.lines[0]?.text ?? "")?.[0].trim() || null;

/** The brief's marker a headline block carries, or null. */
export const markOf = (block: Para[]): string | null => block.map(briefMark).find((m) => m !== null) ?? null;

/** A brief's headline set in lenticular brackets (`【市区新增5条定制公交】`; a label's are shorter). */
const BRACKETED = /^【([^【】]{6,})】$/u;
/** A column label in brackets printed in front of the headline on its line (`【百姓身边事】城乡居民医保缴费开始了`). */
const LEADING_LABEL = /^【[^【】]{2,8}】\s*(?=\S{6})/u;

/** Each line of the paragraph as display text, with column-overlap repetitions removed. */
export function displayLines(p: Para): string[] {
  return p.lines.map((l) =>
    unspace(
      tidyDisplay(
        l.text
          .slice(0, l.text.length - l.dropTail)
          .replace(/^#{1,6}\s+/, "")
          .replace(MARK, "")
          .replace(BRACKETED, "$1")
          .replace(LEADING_LABEL, ""),
      ),
    ),
  );
}

/** A letter-spaced headline (`琅 溪 县 地 区 …`, most words one character long) without the spaces between CJK characters. */
function unspace(text: string): string {
  const words = text.split(/\s+/);
  if (words.length < 4 || words.filter((w) => Array.from(w).length === 1).length < 0.6 * words.length) return text;
  return text.replace(/(?<=[\p{Script=Han}\d])\s+(?=[\p{Script=Han}\d])/gu, "");
}
