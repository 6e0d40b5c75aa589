/** Buttons under an answer: 原文 N shows the whole article (paged, excerpt in bold); 👍/👎 feedback. */
import { Composer } from "grammy";
import type { BotContext, BotDeps } from "../context.js";
import { hashUserId } from "../feedback-store.js";
import { articlePages, formatArticlePage, pageOf } from "../format.js";
import { CALLBACK, pagerKeyboard } from "../keyboards.js";

export function createCitationsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  const render = (ctx: BotContext, key: string, start: number, end: number, page: number | null) => {
    const article = deps.library.article(key);
    if (!article) return null;
    const mark = { start, end };
    const p = page ?? pageOf(articlePages(article.body), start);
    const { message, pages } = formatArticlePage(article, mark, p, ctx.t);
    const kb = pagerKeyboard(Math.min(p, pages - 1), pages, (n) => `p:${key}:${start}:${end}:${n}`, ctx.t);
    return { message, kb };
  };

  composer.callbackQuery(CALLBACK.source, async (ctx) => {
    const [, key, start, end] = ctx.match as RegExpMatchArray;
    const r = render(ctx, key!, Number(start), Number(end), null);
    if (!r) return ctx.answerCallbackQuery({ text: ctx.t("source-gone"), show_alert: true });
    await ctx.answerCallbackQuery();
    await ctx.reply(r.message.text, { entities: r.message.entities, reply_markup: r.kb, link_preview_options: { is_disabled: true } });
  });

  composer.callbackQuery(CALLBACK.page, async (ctx) => {
    const [, key, start, end, page] = ctx.match as RegExpMatchArray;
    const r = render(ctx, key!, Number(start), Number(end), Number(page));
    if (!r) return ctx.answerCallbackQuery({ text: ctx.t("source-gone"), show_alert: true });
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(r.message.text, { entities: r.message.entities, reply_markup: r.kb, link_preview_options: { is_disabled: true } });
  });

  composer.callbackQuery(CALLBACK.feedback, async (ctx) => {
    const [, vote, id] = ctx.match as RegExpMatchArray;
    const a = deps.memory.recall(id!);
    const message = ctx.callbackQuery.message;
    await deps.feedback.record({
      at: new Date().toISOString(),
      vote: vote === "u" ? "up" : "down",
      question: a?.question ?? null,
      answer: a?.answer ?? (message && "text" in message ? (message.text ?? "") : ""),
      citations: (a?.citations ?? []).map((c) => ({ n: c.n, source: c.source, title: c.title, articleId: c.articleId })),
      user: hashUserId(ctx.from.id),
    });
    await ctx.answerCallbackQuery({ text: ctx.t(vote === "u" ? "feedback-thanks-up" : "feedback-thanks-down") });
  });

  return composer;
}
