/** Allowlists (ALLOWED_USER_IDS / ALLOWED_CHAT_IDS; empty = everyone): others get one polite refusal. */
import type { MiddlewareFn } from "grammy";
import type { BotContext, BotDeps } from "../context.js";

export function createAccessGuard(deps: BotDeps): MiddlewareFn<BotContext> {
  const { allowedUserIds, allowedChatIds, adminIds } = deps.settings;
  const open = allowedUserIds.length === 0 && allowedChatIds.length === 0;
  const told = new Set<number>();
  return async (ctx, next) => {
    const user = ctx.from?.id;
    const chat = ctx.chat?.id;
    if (
      open ||
      (user !== undefined && (allowedUserIds.includes(user) || adminIds.includes(user))) ||
      (chat !== undefined && allowedChatIds.includes(chat))
    ) {
      return next();
    }
    deps.log.info({ chat: ctx.chat?.type }, "refused: not on the allowlist");
    if (ctx.inlineQuery) return void (await ctx.answerInlineQuery([], { cache_time: 0 }));
    if (ctx.callbackQuery) return void (await ctx.answerCallbackQuery({ text: ctx.t("not-allowed") }));
    const key = chat ?? user;
    if (key === undefined || told.has(key) || !ctx.message) return;
    if (told.size > 10_000) told.clear();
    told.add(key);
    await ctx.reply(ctx.t("not-allowed"));
  };
}
