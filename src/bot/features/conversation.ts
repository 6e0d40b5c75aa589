/**
 * Conversation: /new starts afresh; greetings and thanks get one line, never an archive search; in
 * groups, a reply to the bot that is not a question (好的，收到) is left alone.
 */
import { Composer } from "grammy";
import type { BotContext, BotDeps } from "../context.js";
import { looksLikeQuestion, smallTalk } from "../conversation.js";
import { mentionPattern } from "../addressed.js";
import { exampleQuestion } from "../examples.js";

export function createConversationFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command("new", async (ctx) => {
    if (ctx.session) ctx.session.turns = [];
    await ctx.reply(ctx.t("conversation-new"));
  });

  composer.on("message:text", async (ctx, next) => {
    const text = ctx.msg.text;
    if (text.startsWith("/")) return next();
    const group = ctx.chat.type !== "private";
    const repliedToMe = ctx.msg.reply_to_message?.from?.id === ctx.me.id;
    const mentioned = mentionPattern(ctx.me.username).test(text);
    if (group && !repliedToMe && !mentioned) return next(); // not for the bot: the questions feature ignores it too
    const kind = smallTalk(text);
    if (kind)
      return void (await ctx.reply(
        kind === "hello" ? ctx.t("conversation-hello", { example: await exampleQuestion(deps) }) : ctx.t("conversation-thanks"),
      ));
    if (group && repliedToMe && !mentioned && !looksLikeQuestion(text)) return; // a remark on an answer, not a question
    return next();
  });

  return composer;
}
