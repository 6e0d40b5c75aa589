/**
 * Publication dates, only where the document states one (never guessed): the metadata (a
 * `NAME.meta.json` sidecar or Markdown front matter), the page's masthead or running head
 * (`2021年12月28日 星期二`, `云溪日报 2024年3月8日 第1版`), or a date in the file name
 * (`2021-12-28`, `20211228`). Dates are ISO `YYYY-MM-DD`.
 */

/** How an article's date is known. */
export type DateSource = "metadata" | "masthead" | "file name";

/** Is the value a full ISO date (`2024-03-08`), as articles' `meta.date` holds one when known? */
export const isIsoDate = (value: string | undefined): value is string => value !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(value);

/** `YYYY-MM-DD` when year, month and day make a real calendar date (1900–2099), else null. */
export function isoDate(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1) return null;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** A metadata date in a common spelling (`2022-06-17`, `2022/6/17`, `2022.06.17`, `2022年6月17日`, a full ISO time) as ISO, else null. */
export function normalizeDate(value: string): string | null {
  const m = /^\s*(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?(?:[T\s].*)?$/u.exec(value);
  return m ? isoDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

const CN_DATE = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/u;
/** A numeric date as running heads print it (`2025-11-07`, `2023.09.28`), not part of a longer number. */
const NUMERIC_DATE = /(?<![\d.])(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?![\d.])/u;
/** Sentence punctuation: a line with it is running text, not a masthead. */
const SENTENCE_MARKS = /[。，；！？,;!?“”]/u;
/**
 * What a masthead or running head carries besides the date: a weekday, a page number (`第3版`, a
 * folio `A8` at either end), a paper's name (`…日报`, `鹤汀县报`), or nothing else.
 */
const MASTHEAD_CUES =
  /星期[一二三四五六日天]|周[一二三四五六日]|第\s*[0-9一二三四五六七八九十]{1,3}\s*版|[日晚早]报|[\p{Script=Han}]{2,6}报(?=\s)|报社|农历|^[A-H]\d{1,2}(?=\s)|\s[A-H]?\d{1,2}$|^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$|^\s*\d{4}[-.]\d{1,2}[-.]\d{1,2}\s*$/u;
/** Lines looked at from the top and from the bottom of a page. */
const HEAD_LINES = 6;
const FOOT_LINES = 3;
const MAX_MASTHEAD_CHARS = 48;

/**
 * The page's date from its masthead or running head: a short line near the top or bottom of the
 * page, without sentence punctuation, holding a full date and a masthead cue (a weekday, a page
 * number, a paper's name) or nothing but the date. A date inside running text never counts.
 */
export function mastheadDate(text: string): string | null {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const near = [...lines.slice(0, HEAD_LINES), ...lines.slice(Math.max(HEAD_LINES, lines.length - FOOT_LINES))];
  for (const line of near) {
    const iso = mastheadLineDate(line);
    if (iso) return iso;
  }
  return null;
}

/** The date of a masthead or running-head line (`东川日报 2025年3月12日 星期三 第3版`), or null for any other line. */
export function mastheadLineDate(line: string): string | null {
  if (line.length > MAX_MASTHEAD_CHARS || SENTENCE_MARKS.test(line) || !MASTHEAD_CUES.test(line)) return null;
  const m = CN_DATE.exec(line) ?? NUMERIC_DATE.exec(line);
  return m ? isoDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

/**
 * A date in a file name: `2021-12-28`, `2021_12_28`, `2021.12.28` or eight digits `20211228`,
 * not part of a longer number or of a hexadecimal hash.
 */
export function fileNameDate(filePath: string): string | null {
  const name = filePath.split("/").pop() ?? filePath;
  for (const m of name.matchAll(/(?<![0-9])((?:19|20)\d{2})([-_.]?)(\d{2})\2(\d{2})(?![0-9])/g)) {
    if (m[2] === "" && /[0-9a-f]{12,}/i.test(hexRunAround(name, m.index!, m[0].length))) continue;
    const iso = isoDate(Number(m[1]), Number(m[3]), Number(m[4]));
    if (iso) return iso;
  }
  return null;
}

/** The run of hexadecimal characters that contains name[at, at + length). */
function hexRunAround(name: string, at: number, length: number): string {
  let a = at;
  let b = at + length;
  while (a > 0 && /[0-9a-f]/i.test(name[a - 1]!)) a--;
  while (b < name.length && /[0-9a-f]/i.test(name[b]!)) b++;
  return name.slice(a, b);
}

/** The document's date and where it comes from: metadata, then the masthead, then the file name. */
export function documentDate(filePath: string, text: string, metaDate: string | undefined): { date: string; source: DateSource } | null {
  const fromMeta = metaDate ? normalizeDate(metaDate) : null;
  if (fromMeta) return { date: fromMeta, source: "metadata" };
  const fromPage = mastheadDate(text);
  if (fromPage) return { date: fromPage, source: "masthead" };
  const fromName = fileNameDate(filePath);
  return fromName ? { date: fromName, source: "file name" } : null;
}
