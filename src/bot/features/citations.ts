/**
 * Buttons under an answer: 原文 N shows the whole article (paged, excerpt in bold); 👍/👎 feedback.
 * A press acts only on the message its button was sent with: a view pages for its owner only, a
 * vote counts once per user and answer, and an id the bot never issued (or forgot) does nothing.
 */
import { Composer, InputFile } from "grammy";
import { createLru } from "../../answer/index.js";
import { safeError } from "../../logger.js";
import { createTokenStore } from "../answer-memory.js";
import { pressOf, refusal } from "../presses.js";
import { articleLead, type BotContext, type BotDeps } from "../context.js";
import { hashUserId } from "../feedback-store.js";
import { formatAnswer } from "../answer-card.js";
import { articlePages, formatArticlePage, pageOf, splitMessage } from "../format.js";
import {
  answerKeyboard,
  FeedbackData,
  type FeedbackReason,
  MoreData,
  PageData,
  pagerKeyboard,
  ReasonData,
  reasonRow,
  SourceData,
} from "../keyboards.js";

interface ArticleView {
  key: string;
  start: number;
  end: number;
}

/** 更多: the same answer with its excerpts whole, edited in place. */
async function expandAnswer(deps: BotDeps, ctx: BotContext): Promise<void> {
  const { answer: id } = MoreData.decode(ctx.match as RegExpMatchArray);
  const press = pressOf(ctx);
  await deps.memory.load?.({ id });
  const check = press ? deps.memory.check(id, press) : ({ ok: false, why: "expired" } as const);
  if (!check.ok) return void (await ctx.answerCallbackQuery({ text: refusal(ctx, check) }));
  const a = check.entry.value;
  const [first] = splitMessage(formatAnswer(a, ctx.t, { full: true, leadOf: articleLead(deps) }).message);
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(first!.text, {
    entities: first!.entities,
    reply_markup: answerKeyboard(a, id, deps.archive.articleKey, ctx.t),
    link_preview_options: { is_disabled: true },
  });
}

/**
 * The 👍/👎 buttons under an answer show its current votes (each user's latest); right after a 👎
 * a row of optional reasons follows them, gone once a reason is given.
 */
async function showVotes(deps: BotDeps, ctx: BotContext, answerId: string, askReason: boolean): Promise<void> {
  const markup = ctx.callbackQuery?.message?.reply_markup;
  if (!markup) return;
  const { up, down } = await deps.feedback.tally(answerId);
  const label = (data: string | undefined, text: string) => {
    if (data === FeedbackData.encode({ vote: "up", answer: answerId })) return up ? `👍 ${up}` : "👍";
    if (data === FeedbackData.encode({ vote: "down", answer: answerId })) return down ? `👎 ${down}` : "👎";
    return text;
  };
  const isReason = (row: (typeof markup.inline_keyboard)[number]) =>
    row.some((b) => "callback_data" in b && ReasonData.pattern.test(b.callback_data ?? ""));
  const rows = markup.inline_keyboard
    .filter((row) => !isReason(row))
    .map((row) => row.map((b) => ({ ...b, text: label("callback_data" in b ? b.callback_data : undefined, b.text) })));
  if (askReason) rows.push(reasonRow(answerId, ctx.t));
  if (JSON.stringify(rows) === JSON.stringify(markup.inline_keyboard)) return;
  await ctx
    .editMessageReplyMarkup({ reply_markup: { inline_keyboard: rows } })
    .catch((err: unknown) => deps.log.debug({ err: String(err) }, "vote display failed"));
}

/** 👍/👎 and the optional reasons after a 👎: one vote per user and answer, on the answer's own message. */
function handleVotes(deps: BotDeps, composer: Composer<BotContext>): void {
  /** Records a vote (with its reason, when one was given) on the answer the pressed message carries. */
  async function vote(ctx: BotContext, id: string, vote: "up" | "down", reason?: FeedbackReason) {
    const press = pressOf(ctx);
    await deps.memory.load?.({ id });
    const check = press ? deps.memory.check(id, press) : ({ ok: false, why: "expired" } as const);
    if (!check.ok) return ctx.answerCallbackQuery({ text: refusal(ctx, check) });
    const a = check.entry.value;
    const outcome = await deps.feedback.record({
      at: new Date().toISOString(),
      vote,
      question: a.question,
      answer: a.answer,
      citations: a.citations.map((c) => ({ n: c.n, source: c.source, title: c.title, articleId: c.articleId })),
      user: hashUserId(deps.settings.secretKey, ctx.from!.id),
      answerId: id,
      reason,
    });
    const key =
      outcome === "unchanged"
        ? "feedback-already"
        : reason
          ? "feedback-reason"
          : vote === "up"
            ? "feedback-thanks-up"
            : "feedback-thanks-down";
    await ctx.answerCallbackQuery({ text: ctx.t(key) });
    if (outcome === "recorded") await showVotes(deps, ctx, id, vote === "down" && !reason);
  }

  composer.callbackQuery(FeedbackData.pattern, async (ctx) => {
    const { vote: v, answer } = FeedbackData.decode(ctx.match as RegExpMatchArray);
    await vote(ctx, answer, v);
  });
  composer.callbackQuery(ReasonData.pattern, async (ctx) => {
    const { reason, answer } = ReasonData.decode(ctx.match as RegExpMatchArray);
    await vote(ctx, answer, "down", reason);
  });
}

/** Article messages remembered for editing in place. */
const SHOWN_ARTICLES = 2000;

/** The clipping of an article from a page photo or PDF page, its excerpt marked, under the article's text. */
async function sendClipping(
  deps: BotDeps,
  ctx: BotContext,
  chatId: number,
  view: { key: string; start: number; end: number },
  replyTo: number,
): Promise<void> {
  try {
    const clipping = await deps.archive.clipping(view.key, view.start, view.end);
    if (!clipping) return;
    await ctx.api.sendPhoto(chatId, new InputFile(clipping.png, "clipping.png"), {
      caption: ctx.t(clipping.ocr ? "clipping-caption" : "clipping-caption-pdf"),
      reply_parameters: { message_id: replyTo, allow_sending_without_reply: true },
    });
  } catch (err) {
    deps.log.warn({ err: safeError(err) }, "clipping not sent");
  }
}

export function createCitationsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const views = createTokenStore<ArticleView>();
  /** The message showing an article in a chat, by `chat:key` (bounded: oldest forgotten first). */
  const shownArticles = createLru<string, number>(SHOWN_ARTICLES);

  const render = (ctx: BotContext, view: ArticleView, viewId: string, page: number | null) => {
    const article = deps.archive.article(view.key);
    if (!article) return null;
    const p = page ?? pageOf(articlePages(article.body), view.start);
    const { message, pages } = formatArticlePage(article, view, p, ctx.t);
    const kb = pagerKeyboard(Math.min(p, pages - 1), pages, (n) => PageData.encode({ view: viewId, page: n }), ctx.t);
    return { message, kb };
  };

  composer.callbackQuery(SourceData.pattern, async (ctx) => {
    const view = SourceData.decode(ctx.match as RegExpMatchArray);
    const article = deps.archive.article(view.key);
    if (!article || view.start >= view.end || view.end > article.body.length)
      return ctx.answerCallbackQuery({ text: ctx.t("source-gone"), show_alert: true });
    const chatId = ctx.callbackQuery.message?.chat.id ?? ctx.from.id;
    const id = views.remember(view, { chatId, ownerId: ctx.from.id });
    const r = render(ctx, view, id, null)!;
    await ctx.answerCallbackQuery();
    const extra = { entities: r.message.entities, reply_markup: r.kb, link_preview_options: { is_disabled: true } };
    // one message per article and chat: the article shown already is turned to this excerpt's page
    const shown = shownArticles.get(`${chatId}:${view.key}`);
    if (shown !== undefined) {
      const edited = await ctx.api.editMessageText(chatId, shown, r.message.text, extra).then(
        () => true,
        (err: unknown) => /not modified/i.test(String((err as Error).message)),
      );
      if (edited) return views.bind(id, shown);
    }
    const sent = await ctx.api.sendMessage(chatId, r.message.text, extra);
    views.bind(id, sent.message_id);
    shownArticles.set(`${chatId}:${view.key}`, sent.message_id);
    // articles of page photos and PDF pages have a page to cut from
    if (article.meta.ocr === "true" || article.meta.page) await sendClipping(deps, ctx, chatId, view, sent.message_id);
  });

  composer.callbackQuery(PageData.pattern, async (ctx) => {
    const { view: id, page } = PageData.decode(ctx.match as RegExpMatchArray);
    const press = pressOf(ctx);
    const check = press ? views.check(id, press, { ownerOnly: true }) : ({ ok: false, why: "expired" } as const);
    if (!check.ok) return ctx.answerCallbackQuery({ text: refusal(ctx, check), show_alert: true });
    const r = render(ctx, check.entry.value, id, page);
    if (!r) return ctx.answerCallbackQuery({ text: ctx.t("source-gone"), show_alert: true });
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(r.message.text, {
      entities: r.message.entities,
      reply_markup: r.kb,
      link_preview_options: { is_disabled: true },
    });
  });

  composer.callbackQuery(MoreData.pattern, (ctx) => expandAnswer(deps, ctx));

  handleVotes(deps, composer);

  return composer;
}
