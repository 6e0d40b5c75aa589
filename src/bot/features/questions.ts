/** Questions: any text in a private chat; in groups a mention, a reply to the bot, or /ask. */
import { safeError } from "../../logger.js";
import type { FormattedString } from "@grammyjs/parse-mode";
import { Composer, type InlineKeyboard } from "grammy";
import type { Message } from "grammy/types";
import { type Answer, addTurn, createFollowUpResolver, isForeignQuestion, type Turn } from "../../answer/index.js";
import { articleLead, type BotContext, type BotDeps, countAnswer } from "../context.js";
import { formatAnswer } from "../answer-card.js";
import { exampleQuestion, exampleQuestions } from "../examples.js";
import { MessageBuilder, splitMessage } from "../format.js";
import { mentionPattern } from "../addressed.js";
import { answerKeyboard, ExampleData } from "../keyboards.js";
import { replyFormatted, timeoutSignal } from "../reply.js";

/** "typing…" is best effort: never retried for long. */
export const TYPING_TIMEOUT_MS = 3000;
/** "typing…" is shown only when an answer takes longer than this (LLM answers do; extractive ones take milliseconds). */
export const TYPING_AFTER_MS = 300;

/** Sends the reply (or finishes the streamed one) and binds its buttons to the message that carries them. */
async function sendAnswer(
  deps: BotDeps,
  ctx: BotContext,
  a: Answer,
  question: string,
  replyTo: number | undefined,
  stream?: StreamingReply,
  showQuestion = false,
): Promise<void> {
  if (a.abstained && isForeignQuestion(question)) {
    // the archive is Chinese: say so, in the user's language, with a question it can answer
    await replyFormatted(ctx, new MessageBuilder().add(ctx.t("foreign-question", { example: await exampleQuestion(deps) })).build(), {
      replyTo,
    });
    return;
  }
  const id = deps.memory.remember(a, { chatId: ctx.chat!.id, ownerId: ctx.from!.id });
  const { message, shortened } = formatAnswer(a, ctx.t, { leadOf: articleLead(deps), showQuestion });
  const reply_markup = a.abstained ? undefined : answerKeyboard(a, id, deps.archive.articleKey, ctx.t, shortened);
  const sent = stream?.started()
    ? await stream.finish(message, reply_markup)
    : await replyFormatted(ctx, message, { reply_markup, replyTo });
  await deps.memory.bind(id, sent.at(-1)!.message_id);
}

export function createQuestionsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  const followUps = deps.followUps ?? createFollowUpResolver();

  async function answer(ctx: BotContext, asked: string, context?: Turn[], showQuestion = false): Promise<void> {
    // "typing…" only when the answer is slow to come (an LLM): an early chat action would take the
    // chat's slot in the outgoing throttle and hold the reply back by a second. Best effort.
    const typing = setTimeout(() => {
      ctx
        .replyWithChatAction("typing", undefined, timeoutSignal(TYPING_TIMEOUT_MS))
        .catch((err: unknown) => deps.log.debug({ err: safeError(err) }, "sendChatAction failed"));
    }, TYPING_AFTER_MS);
    try {
      // the timer stops once the answer is ready: waiting for the chat's send slot is not "typing"
      await answerNow(ctx, asked, () => clearTimeout(typing), context, showQuestion);
    } finally {
      clearTimeout(typing);
    }
  }

  async function answerNow(ctx: BotContext, asked: string, answered: () => void, context?: Turn[], showQuestion = false): Promise<void> {
    const replyTo = ctx.chat?.type === "private" || showQuestion ? undefined : ctx.msg?.message_id;
    const turns = context ?? ctx.session?.turns ?? [];
    const question = await followUps.resolve(turns, asked);
    if (question !== asked) deps.log.debug({ asked, question }, "follow-up rewritten");
    const stream = deps.streaming ? createStreamingReply(ctx, replyTo, deps) : undefined;
    const a = await deps.archive.ask(question, { onPartial: stream?.onPartial });
    answered();
    if (ctx.session && !a.abstained) ctx.session.turns = addTurn(turns, question);
    countAnswer(deps.stats, a);
    deps.log.info({ chat: ctx.chat?.type, abstained: a.abstained, citations: a.citations.length, ms: a.timings.total_ms }, "answered");
    deps.log.debug({ question }, "question");
    await sendAnswer(deps, ctx, a, question, replyTo, stream, showQuestion);
  }

  // an example question of /start or /help, tapped: asked as if the user had typed it
  composer.callbackQuery(ExampleData.pattern, async (ctx) => {
    const { example } = ExampleData.decode(ctx.match as RegExpMatchArray);
    const question = (await exampleQuestions(deps, example + 1))[example];
    if (!question || !ctx.chat) return void (await ctx.answerCallbackQuery({ text: ctx.t("button-expired") }));
    await ctx.answerCallbackQuery();
    await answer(ctx, question, [], true);
  });

  composer.command("ask", async (ctx) => {
    const q = ctx.match.trim();
    if (!q) await ctx.reply(ctx.t("ask-usage"));
    else await answer(ctx, q);
  });

  composer.chatType("private").on("message:text", async (ctx, next) => {
    if (ctx.msg.text.startsWith("/")) return next();
    await answer(ctx, ctx.msg.text);
  });

  // a photo with a caption in a private chat: the caption is the question
  composer.chatType("private").on("message:photo", async (ctx, next) => {
    const caption = ctx.msg.caption?.trim();
    if (!caption) return next();
    await answer(ctx, caption);
  });

  composer.chatType(["group", "supergroup"]).on("message:text", async (ctx, next) => {
    const text = ctx.msg.text;
    if (text.startsWith("/")) return next();
    const mention = mentionPattern(ctx.me.username);
    const mentioned = mention.test(text);
    const repliedToMe = ctx.msg.reply_to_message?.from?.id === ctx.me.id;
    if (!mentioned && !repliedToMe) return next();
    // a reply to one of the bot's answers continues that answer, whoever asked it
    const to = repliedToMe ? { chatId: ctx.chat.id, messageId: ctx.msg.reply_to_message!.message_id } : undefined;
    if (to) await deps.memory.load?.(to);
    const replied = to ? deps.memory.find(to.chatId, to.messageId) : undefined;
    const context = replied ? [{ question: replied.value.question, at: Date.now() }] : undefined;
    await answer(ctx, text.replace(mention, " ").trim(), context);
  });

  return composer;
}

/** Edits of a streamed reply happen at most this often (Telegram rate-limits edits). */
export const STREAM_EDIT_MS = 1000;

/**
 * A reply that shows LLM tokens as they arrive: a placeholder message edited at most once a
 * second with the text so far, then edited into the final, checked answer with its citations.
 */
type StreamingReply = ReturnType<typeof createStreamingReply>;

function createStreamingReply(ctx: BotContext, replyTo: number | undefined, deps: BotDeps) {
  let placeholder: Promise<Message.TextMessage> | undefined;
  let text = "";
  let lastEdit = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const quiet = (err: unknown) => deps.log.debug({ err: safeError(err) }, "stream edit failed");
  return {
    started: () => placeholder !== undefined,
    /** Only checked text arrives here (see AnswerOptions.onPartial). */
    onPartial(checked: string) {
      text = checked;
      placeholder ??= ctx.reply("…", {
        reply_parameters: replyTo ? { message_id: replyTo, allow_sending_without_reply: true } : undefined,
      });
      const now = Date.now();
      if (now - lastEdit < STREAM_EDIT_MS) return;
      lastEdit = now;
      const snapshot = `${Array.from(text).slice(0, 3900).join("")} …`;
      pending = pending.then(async () => {
        const m = await placeholder!;
        await ctx.api.editMessageText(m.chat.id, m.message_id, snapshot).catch(quiet);
      });
    },
    async finish(message: FormattedString, reply_markup: InlineKeyboard | undefined): Promise<Message.TextMessage[]> {
      await pending;
      const m = await placeholder!;
      const [first, ...rest] = splitMessage(message);
      await ctx.api.editMessageText(m.chat.id, m.message_id, first!.text, {
        entities: first!.entities,
        reply_markup: rest.length ? undefined : reply_markup,
        link_preview_options: { is_disabled: true },
      });
      const sent = [m];
      for (const [i, part] of rest.entries()) {
        sent.push(
          await ctx.reply(part.text, {
            entities: part.entities,
            reply_markup: i === rest.length - 1 ? reply_markup : undefined,
            link_preview_options: { is_disabled: true },
          }),
        );
      }
      return sent;
    },
  };
}
