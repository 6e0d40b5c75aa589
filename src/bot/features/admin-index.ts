/** Admin commands about the index: /reindex (live status, then the diff), /stats, /sources (paged). */
import { Composer } from "grammy";
import { type BotContext, type BotDeps, isAdmin } from "../context.js";
import { formatBuiltAt } from "../examples.js";
import { MessageBuilder } from "../format.js";
import { pagerKeyboard, SourcesPageData } from "../keyboards.js";
import { runReindex } from "../reindex-status.js";
import { replyFormatted } from "../reply.js";

export const SOURCES_PER_PAGE = 20;

export function createAdminIndexFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const library = deps.archive;
  const others = composer.filter((ctx) => !isAdmin(deps, ctx));
  others.command(["reindex", "stats", "sources"], (ctx) => ctx.reply(ctx.t("admin-only")));
  others.callbackQuery(SourcesPageData.pattern, (ctx) => ctx.answerCallbackQuery({ text: ctx.t("admin-only") }));
  const admin = composer.filter((ctx) => isAdmin(deps, ctx));

  admin.command("reindex", (ctx) => runReindex(deps, ctx));

  admin.command("stats", async (ctx) => {
    const i = library.info();
    const s = deps.stats;
    const fb = await deps.feedback.all();
    await ctx.reply(
      ctx.t("stats", {
        files: i.files,
        articles: i.articles,
        chunks: i.chunks,
        embedding: i.embedding,
        builtAt: formatBuiltAt(i.builtAt),
        buildSeconds: (i.buildMs / 1000).toFixed(1),
        questions: s.questions,
        abstained: s.abstained,
        avgMs: s.questions ? (s.totalMs / s.questions).toFixed(1) : "0",
        up: fb.filter((f) => f.vote === "up").length,
        down: fb.filter((f) => f.vote === "down").length,
        uptime: Math.round((Date.now() - s.startedAt) / 60_000),
        rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
      }),
    );
  });

  const sourcesPage = (ctx: BotContext, page: number) => {
    const all = library.articles();
    const pages = Math.max(1, Math.ceil(all.length / SOURCES_PER_PAGE));
    const p = Math.min(Math.max(0, page), pages - 1);
    const b = new MessageBuilder();
    if (all.length === 0) return { message: b.add(ctx.t("sources-empty")).build(), kb: undefined };
    b.wrap("bold", ctx.t("sources-header", { page: p + 1, pages }));
    all.slice(p * SOURCES_PER_PAGE, (p + 1) * SOURCES_PER_PAGE).forEach((a, i) => {
      b.add(`\n${p * SOURCES_PER_PAGE + i + 1}. ${a.title ?? ctx.t("untitled")}`);
      if (a.byline) b.add(` — ${a.byline}`);
      b.add(" · ").wrap("code", a.source);
    });
    return { message: b.build(), kb: pagerKeyboard(p, pages, (n) => SourcesPageData.encode({ page: n }), ctx.t) };
  };

  admin.command("sources", async (ctx) => {
    const { message, kb } = sourcesPage(ctx, Number(ctx.match.trim()) - 1 || 0);
    await replyFormatted(ctx, message, { reply_markup: kb?.inline_keyboard ? kb : undefined });
  });

  admin.callbackQuery(SourcesPageData.pattern, async (ctx) => {
    const { message, kb } = sourcesPage(ctx, SourcesPageData.decode(ctx.match as RegExpMatchArray).page);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(message.text, { entities: message.entities, reply_markup: kb });
  });

  return composer;
}
