/**
 * Browsing the archive, for everyone: /sources pages through the articles (newest first where
 * dates are known; file names for admins), /by NAME lists an author's articles, and a question of
 * the form "NAME写了哪些文章？" is read as /by NAME.
 */
import { Composer } from "grammy";
import type { ArticleListing } from "../../answer/index.js";
import { type BotContext, type BotDeps, isAdmin } from "../context.js";
import { MessageBuilder } from "../format.js";
import { pagerKeyboard, SourcesPageData } from "../keyboards.js";
import { replyFormatted } from "../reply.js";

export const SOURCES_PER_PAGE = 20;
/** "吴峰宇写了哪些文章？", "张三发表过什么报道": who, then a verb of writing, then which articles. */
const BY_AUTHOR_QUESTION =
  /^\s*(\S{2,12}?)(?:写了|写过|发表了|发表过|采写了|报道了)(?:哪些|什么|几篇|多少篇)(?:文章|报道|稿件|新闻)?\s*[？?]?\s*$/u;

/** Articles (not page notes), dated ones newest first, then the rest in archive order. */
const listing = (all: ArticleListing[]) =>
  all
    .filter((a) => a.kind === "article")
    .map((a, i) => ({ a, i }))
    .sort((x, y) => (y.a.date ?? "").localeCompare(x.a.date ?? "") || x.i - y.i)
    .map(({ a }) => a);

function listPage(
  ctx: BotContext,
  items: ArticleListing[],
  page: number,
  header: (p: number, pages: number) => string,
  withFiles: boolean,
) {
  const pages = Math.max(1, Math.ceil(items.length / SOURCES_PER_PAGE));
  const p = Math.min(Math.max(0, page), pages - 1);
  const b = new MessageBuilder().wrap("bold", header(p + 1, pages));
  for (const [i, a] of items.slice(p * SOURCES_PER_PAGE, (p + 1) * SOURCES_PER_PAGE).entries()) {
    b.add(`\n${p * SOURCES_PER_PAGE + i + 1}. ${a.title ?? ctx.t("untitled")}`);
    if (a.byline) b.add(` — ${a.byline}`);
    if (a.date) b.add(` · ${a.date}`);
    if (withFiles) b.add(" · ").wrap("code", a.source);
  }
  return { message: b.build(), pages, page: p };
}

export function createBrowseFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  const sourcesPage = (ctx: BotContext, page: number) => {
    const items = listing(deps.archive.articles());
    if (items.length === 0) return { message: new MessageBuilder().add(ctx.t("sources-empty")).build(), kb: undefined };
    const r = listPage(ctx, items, page, (p, pages) => ctx.t("sources-header", { page: p, pages }), isAdmin(deps, ctx));
    return { message: r.message, kb: pagerKeyboard(r.page, r.pages, (n) => SourcesPageData.encode({ page: n }), ctx.t) };
  };

  const byAuthor = async (ctx: BotContext, name: string) => {
    const who = name.trim();
    if (!who) return void (await ctx.reply(ctx.t("by-usage")));
    const items = listing(deps.archive.articles()).filter((a) => a.byline?.includes(who));
    if (items.length === 0) return void (await ctx.reply(ctx.t("by-none", { name: who.slice(0, 40) })));
    const r = listPage(ctx, items, 0, () => ctx.t("by-header", { name: who.slice(0, 40), count: items.length }), isAdmin(deps, ctx));
    await replyFormatted(ctx, r.message);
  };

  composer.command("sources", async (ctx) => {
    const { message, kb } = sourcesPage(ctx, Number(ctx.match.trim()) - 1 || 0);
    await replyFormatted(ctx, message, { reply_markup: kb?.inline_keyboard ? kb : undefined });
  });

  composer.callbackQuery(SourcesPageData.pattern, async (ctx) => {
    const { message, kb } = sourcesPage(ctx, SourcesPageData.decode(ctx.match as RegExpMatchArray).page);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(message.text, { entities: message.entities, reply_markup: kb });
  });

  composer.command("by", (ctx) => byAuthor(ctx, ctx.match));

  // "NAME写了哪些文章？" in a private chat, or addressed to the bot in a group (/ask …)
  composer.chatType("private").on("message:text", async (ctx, next) => {
    const m = BY_AUTHOR_QUESTION.exec(ctx.msg.text);
    if (!m) return next();
    await byAuthor(ctx, m[1]!);
  });

  return composer;
}
