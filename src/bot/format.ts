/**
 * Telegram messages as text + entities (@grammyjs/parse-mode's FormattedString): no question
 * or corpus text can break the formatting, because nothing is parsed. Long messages are split
 * under Telegram's 4096-character limit on sentence boundaries.
 */
import { FormattedString } from "@grammyjs/parse-mode";
import type { MessageEntity } from "grammy/types";
import type { ArticleView, SourceMeta } from "../answer/index.js";

export const TELEGRAM_TEXT_LIMIT = 4096;

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** Appends text and records entities around what it appends. */
export class MessageBuilder {
  private text = "";
  private readonly entities: MessageEntity[] = [];

  add(s: string): this {
    this.text += s;
    return this;
  }

  /** Appends s inside an entity of the given type (skipped when s is empty). */
  wrap(type: "bold" | "italic" | "underline" | "code" | "expandable_blockquote" | "blockquote", s: string | ((b: this) => void)): this {
    const start = this.text.length;
    if (typeof s === "string") this.text += s;
    else s(this);
    const length = this.text.length - start;
    if (length > 0) this.entities.push({ type, offset: start, length } as MessageEntity);
    return this;
  }

  /** Appends s with the given ranges of it in bold. */
  addHighlighted(s: string, ranges: Array<{ start: number; end: number }>): this {
    let at = 0;
    for (const r of ranges) {
      if (r.start < at || r.end > s.length || r.end <= r.start) continue;
      this.add(s.slice(at, r.start)).wrap("bold", s.slice(r.start, r.end));
      at = r.end;
    }
    return this.add(s.slice(at));
  }

  build(): FormattedString {
    return new FormattedString(this.text, this.entities);
  }
}

/** "人民日报 · 2021年12月28日 · 第2版": what is known of where an article was printed; the file only when nothing else is. */
export function printedLine(meta: SourceMeta, source: string, titled: boolean, t: Translate): string {
  const page = meta.page ? (/^\d+$/.test(String(meta.page)) ? t("page-label", { page: String(meta.page) }) : String(meta.page)) : undefined;
  const iso = meta.date ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(meta.date) : null;
  const date = iso
    ? t("date-label", { iso: iso[0], year: iso[1]!, month: String(Number(iso[2])), day: String(Number(iso[3])) })
    : meta.date;
  const known = [meta.publication, date, page].filter(Boolean);
  return (known.length === 0 && !titled ? [source] : known).join(" · ");
}

/** Characters after which a long message may be split (a sentence or clause ends there). */
const SPLIT_AFTER = /[。！？!?；;…」”』)）\]]/u;

/**
 * Where to cut text into pieces of at most `limit` UTF-16 units: at the last line break in the
 * second half of the window, else after the last sentence end, else at a space, else hard
 * (never inside a surrogate pair).
 */
export function cutPoints(text: string, limit: number): number[] {
  const cuts: number[] = [];
  let start = 0;
  while (text.length - start > limit) {
    const floor = start + Math.floor(limit / 2);
    let cut = -1;
    const nl = text.lastIndexOf("\n", start + limit);
    if (nl > floor) cut = nl + 1;
    if (cut < 0) {
      for (let i = start + limit; i > floor; i--) {
        if (SPLIT_AFTER.test(text[i - 1]!)) {
          cut = i;
          break;
        }
      }
    }
    if (cut < 0) {
      const sp = text.lastIndexOf(" ", start + limit);
      if (sp > floor) cut = sp + 1;
    }
    if (cut < 0) {
      cut = start + limit;
      const code = text.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut--;
    }
    cuts.push(cut);
    start = cut;
  }
  return cuts;
}

/** Splits a message into parts Telegram accepts (≤ 4096 units, not blank), entities kept. */
export function splitMessage(message: FormattedString, limit = TELEGRAM_TEXT_LIMIT): FormattedString[] {
  const text = message.rawText;
  const bounds = [0, ...cutPoints(text, limit), text.length];
  const parts: FormattedString[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    let [s, e] = [bounds[i]!, bounds[i + 1]!];
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e > s) parts.push(message.slice(s, e));
  }
  return parts;
}

export const ARTICLE_PAGE_CHARS = 3000;

/** Page boundaries of an article body ([start, end) pairs). */
export function articlePages(body: string, size = ARTICLE_PAGE_CHARS): Array<[number, number]> {
  const bounds = [0, ...cutPoints(body, size), body.length];
  const pages: Array<[number, number]> = [];
  for (let i = 0; i + 1 < bounds.length; i++) pages.push([bounds[i]!, bounds[i + 1]!]);
  return pages.length ? pages : [[0, 0]];
}

export const pageOf = (pages: Array<[number, number]>, pos: number): number =>
  Math.max(
    0,
    pages.findIndex(([s, e]) => pos >= s && pos < e),
  );

/** One page of an article, the cited excerpt [mark.start, mark.end) of the body in bold. */
export function formatArticlePage(
  article: ArticleView,
  mark: { start: number; end: number } | null,
  page: number,
  t: Translate,
): { message: FormattedString; pages: number } {
  const pages = articlePages(article.body);
  const p = Math.min(Math.max(0, page), pages.length - 1);
  const [s, e] = pages[p]!;
  const b = new MessageBuilder();
  const head = [article.kicker, article.title ?? t("untitled"), article.subtitle].filter(Boolean).join(" / ");
  b.wrap("bold", head);
  if (article.byline) b.add(` — ${article.byline}`);
  b.add("\n").wrap("italic", printedLine(article.meta, article.source, false, t));
  if (pages.length > 1) b.add(` · ${t("page-of", { page: p + 1, pages: pages.length })}`);
  b.add("\n\n");
  const body = article.body.slice(s, e);
  const ranges =
    mark && mark.end > s && mark.start < e ? [{ start: Math.max(0, mark.start - s), end: Math.min(body.length, mark.end - s) }] : [];
  b.addHighlighted(body, ranges);
  return { message: b.build(), pages: pages.length };
}
