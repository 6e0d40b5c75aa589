/** /feedback: the 👍/👎 collected so far, exported as an eval set (a document, or text where documents fail). */
import { Composer, InputFile } from "grammy";
import { safeError } from "../../logger.js";
import { type BotContext, type BotDeps, isAdmin } from "../context.js";
import { MessageBuilder } from "../format.js";
import { replyFormatted } from "../reply.js";

export function createAdminFeedbackFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { log } = deps;
  composer.filter((ctx) => !isAdmin(deps, ctx)).command("feedback", (ctx) => ctx.reply(ctx.t("admin-only")));
  const admin = composer.filter((ctx) => isAdmin(deps, ctx));

  admin.command("feedback", async (ctx) => {
    const { jsonl, count, up, down } = await deps.feedback.exportEvalSet();
    if (count === 0) return void (await ctx.reply(ctx.t("feedback-empty")));
    try {
      await ctx.replyWithDocument(new InputFile(Buffer.from(jsonl, "utf8"), "feedback-eval.jsonl"), {
        caption: ctx.t("feedback-export", { count, up, down }),
      });
    } catch (err) {
      log.warn({ err: safeError(err) }, "sendDocument failed; sending the set as text");
      const b = new MessageBuilder().add(ctx.t("feedback-export-inline", { count, up, down })).add("\n").wrap("code", jsonl);
      await replyFormatted(ctx, b.build());
    }
  });

  return composer;
}
