/**
 * Messages that are not text, in private chats: a photo's caption is asked as a question (the
 * questions feature answers it); stickers, voice, video and other media get a one-line hint.
 */
import { Composer } from "grammy";
import type { BotContext, BotDeps } from "../context.js";

export function createMediaFeature(_deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChat = composer.chatType("private");
  privateChat.on(["message:sticker", "message:voice", "message:video_note", "message:audio", "message:video", "message:animation"], (ctx) =>
    ctx.reply(ctx.t("media-hint")),
  );
  privateChat.on("message:photo", async (ctx, next) => {
    if (ctx.msg.caption?.trim()) return next();
    await ctx.reply(ctx.t("media-hint"));
  });
  return composer;
}
