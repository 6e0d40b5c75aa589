/** Questions: any text in a private chat; in groups a mention, a reply to the bot, or /ask. */
import { safeError } from "../../logger.js";
import { Composer } from "grammy";
import { type BotContext, type BotDeps } from "../context.js";
import { formatAnswer } from "../format.js";
import { answerKeyboard } from "../keyboards.js";
import { replyFormatted, timeoutSignal } from "../reply.js";

/** "typing…" is best effort: never retried for long. */
export const TYPING_TIMEOUT_MS = 3000;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function createQuestionsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  async function answer(ctx: BotContext, question: string): Promise<void> {
    // "typing…" while answering; a Bot API that lacks the method must not cost the answer.
    ctx.replyWithChatAction("typing", undefined, timeoutSignal(TYPING_TIMEOUT_MS)).catch((err: unknown) => deps.log.debug({ err: safeError(err) }, "sendChatAction failed"));
    const a = await deps.service.ask(question);
    deps.stats.questions++;
    deps.stats.totalMs += a.timings.total_ms;
    if (a.abstained) deps.stats.abstained++;
    deps.log.info({ chat: ctx.chat?.type, abstained: a.abstained, citations: a.citations.length, ms: a.timings.total_ms }, "answered");
    deps.log.debug({ question }, "question");
    const id = deps.memory.remember(a);
    await replyFormatted(ctx, formatAnswer(a, ctx.t), {
      reply_markup: a.abstained ? undefined : answerKeyboard(a, id, deps.library.articleKey, ctx.t),
      replyTo: ctx.chat?.type === "private" ? undefined : ctx.msg?.message_id,
    });
  }

  composer.command("ask", async (ctx) => {
    const q = ctx.match.trim();
    if (!q) await ctx.reply(ctx.t("ask-usage"));
    else await answer(ctx, q);
  });

  composer.chatType("private").on("message:text", async (ctx, next) => {
    if (ctx.msg.text.startsWith("/")) return next();
    await answer(ctx, ctx.msg.text);
  });

  composer.chatType(["group", "supergroup"]).on("message:text", async (ctx, next) => {
    const text = ctx.msg.text;
    if (text.startsWith("/")) return next();
    const mention = new RegExp(`@${escapeRegExp(ctx.me.username)}(?![\\w])`, "gi");
    const mentioned = mention.test(text);
    const repliedToMe = ctx.msg.reply_to_message?.from?.id === ctx.me.id;
    if (!mentioned && !repliedToMe) return next();
    await answer(ctx, text.replace(mention, " ").trim());
  });

  return composer;
}
