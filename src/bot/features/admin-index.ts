/** Admin commands about the index: /reindex (live status, then the diff), /stats. */
import { Composer } from "grammy";
import { type BotContext, type BotDeps, isAdmin } from "../context.js";
import { formatBuiltAt } from "../examples.js";
import { runReindex } from "../reindex-status.js";

export const SOURCES_PER_PAGE = 20;

/** "2 天 3 小时" / "2 days 3 hours": the two largest units of a duration. */
export function durationWords(ms: number, t: BotContext["t"]): string {
  const minutes = Math.floor(ms / 60_000);
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
  if (d) return [t("duration-days", { n: d }), h ? t("duration-hours", { n: h }) : ""].filter(Boolean).join(" ");
  if (h) return [t("duration-hours", { n: h }), m ? t("duration-minutes", { n: m }) : ""].filter(Boolean).join(" ");
  return t("duration-minutes", { n: m });
}

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
        retrieval: i.embedding.startsWith("hash")
          ? ctx.t("retrieval-builtin")
          : ctx.t("retrieval-neural", { model: i.embedding.replace(/^[^:]*:/, "").replace(/:d\d+$/, "") }),
        builtAt: formatBuiltAt(i.builtAt),
        buildSeconds: (i.buildMs / 1000).toFixed(1),
        questions: s.questions,
        abstained: s.abstained,
        avgMs: s.questions ? (s.totalMs / s.questions).toFixed(1) : "0",
        up: fb.filter((f) => f.vote === "up").length,
        down: fb.filter((f) => f.vote === "down").length,
        uptime: durationWords(Date.now() - s.startedAt, ctx.t),
        rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
      }),
    );
  });

  return composer;
}
