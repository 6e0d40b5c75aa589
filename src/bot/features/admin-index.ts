/** Admin commands about the index: /reindex (live status, then the diff), /stats. */
import { Composer } from "grammy";
import { type BotContext, type BotDeps, isAdmin } from "../context.js";
import { formatBuiltAt } from "../examples.js";
import { runReindex } from "../reindex-status.js";

export const SOURCES_PER_PAGE = 20;

export function createAdminIndexFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const library = deps.archive;
  const others = composer.filter((ctx) => !isAdmin(deps, ctx));
  others.command(["reindex", "stats"], (ctx) => ctx.reply(ctx.t("admin-only")));
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

  return composer;
}
