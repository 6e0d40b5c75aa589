/** /start, /help (with tappable example questions the archive answers), /about. */
import { Composer, InlineKeyboard } from "grammy";
import { type BotContext, type BotDeps, isAdmin } from "../context.js";
import { exampleQuestions, formatBuiltAt } from "../examples.js";
import { ExampleData } from "../keyboards.js";

export function createWelcomeFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  /** The help text, and one button per example question (a press asks it). */
  const help = async (ctx: BotContext, first?: string) => {
    const lines = first ? [first, ""] : [];
    lines.push(ctx.t("help", { botname: ctx.me.username }));
    const examples = await exampleQuestions(deps);
    if (examples.length) lines.push("", ctx.t("help-examples"));
    if (isAdmin(deps, ctx)) lines.push("", ctx.t("help-admin"));
    const kb = new InlineKeyboard();
    for (const [i, q] of examples.entries()) kb.text(q, ExampleData.encode({ example: i })).row();
    await ctx.reply(lines.join("\n"), examples.length ? { reply_markup: kb } : {});
  };
  composer.command("start", async (ctx) => {
    // deep links of the bot's own buttons: t.me/bot?start=notfound (inline "not found"), ?start=help
    const param = ctx.match.trim();
    if (param === "notfound") return help(ctx, ctx.t("start-notfound"));
    if (param === "help") return help(ctx);
    await help(ctx, ctx.t("start"));
  });
  composer.command("help", (ctx) => help(ctx));
  composer.command("about", async (ctx) => {
    const i = deps.archive.info();
    await ctx.reply(
      ctx.t("about", { files: i.files, articles: i.articles, notes: i.notes, chunks: i.chunks, builtAt: formatBuiltAt(i.builtAt) }),
    );
  });
  return composer;
}
