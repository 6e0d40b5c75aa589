/** /start, /help (with examples from the archive), /about. */
import { Composer } from "grammy";
import { type BotContext, type BotDeps, isAdmin } from "../context.js";
import { exampleQuestions, formatBuiltAt } from "../examples.js";

export function createWelcomeFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const help = (ctx: BotContext) => {
    const lines = [ctx.t("help", { botname: ctx.me.username })];
    const examples = exampleQuestions(deps);
    if (examples.length) lines.push("", ctx.t("help-examples"), ...examples.map((e) => `• ${e}`));
    if (isAdmin(deps, ctx)) lines.push("", ctx.t("help-admin"));
    return lines.join("\n");
  };
  composer.command("start", async (ctx) => {
    // deep links of the bot's own buttons: t.me/bot?start=notfound (inline "not found"), ?start=help
    const param = ctx.match.trim();
    if (param === "notfound") return void (await ctx.reply(`${ctx.t("start-notfound")}\n\n${help(ctx)}`));
    if (param === "help") return void (await ctx.reply(help(ctx)));
    await ctx.reply(`${ctx.t("start", { botname: ctx.me.username })}\n\n${help(ctx)}`);
  });
  composer.command("help", async (ctx) => {
    await ctx.reply(help(ctx));
  });
  composer.command("about", async (ctx) => {
    const i = deps.archive.info();
    await ctx.reply(
      ctx.t("about", { files: i.files, articles: i.articles, notes: i.notes, chunks: i.chunks, builtAt: formatBuiltAt(i.builtAt) }),
    );
  });
  return composer;
}
