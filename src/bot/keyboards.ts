/**
 * Inline keyboards and their callback data (≤ 64 bytes):
 *   s:KEY:START:END        send the article KEY, on the page holding the excerpt [START, END)
 *   p:KEY:START:END:PAGE   edit the article message to PAGE
 *   f:u|d:ANSWER           👍 / 👎 on a remembered answer
 *   l:PAGE                 page of the /sources list
 */
import { InlineKeyboard } from "grammy";
import type { Answer } from "../answer/types.js";
import type { Translate } from "./format.js";

export const CALLBACK = {
  source: /^s:([\w-]{12}):(\d+):(\d+)$/,
  page: /^p:([\w-]{12}):(\d+):(\d+):(\d+)$/,
  feedback: /^f:([ud]):([\w-]{8})$/,
  sources: /^l:(\d+)$/,
};

export function answerKeyboard(answer: Answer, answerId: string, keyOf: (articleId: string) => string, t: Translate): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const c of answer.citations) kb.text(t("source-button", { n: c.n }), `s:${keyOf(c.articleId)}:${c.start}:${c.end}`);
  return kb.row().text("👍", `f:u:${answerId}`).text("👎", `f:d:${answerId}`);
}

export function pagerKeyboard(page: number, pages: number, data: (page: number) => string, t: Translate): InlineKeyboard | undefined {
  if (pages <= 1) return undefined;
  const kb = new InlineKeyboard();
  if (page > 0) kb.text(t("page-prev"), data(page - 1));
  if (page + 1 < pages) kb.text(t("page-next"), data(page + 1));
  return kb;
}
