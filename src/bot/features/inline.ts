/** Inline mode: `@bot 问题` in any chat offers the top passages, each with its citation. */
import { Composer } from "grammy";
import type { InlineQueryResult } from "grammy/types";
import { type BotContext, type BotDeps, countAnswer } from "../context.js";
import { formatCitation } from "../answer-card.js";
import { MessageBuilder } from "../format.js";
import { exampleQuestion } from "../examples.js";

export function createInlineFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on("inline_query", async (ctx) => {
    const q = ctx.inlineQuery.query.trim();
    if (!q) {
      await ctx.answerInlineQuery([], {
        cache_time: 0,
        button: { text: ctx.t("inline-hint", { example: await exampleQuestion(deps) }), start_parameter: "help" },
      });
      return;
    }
    const a = await deps.archive.ask(q);
    countAnswer(deps.stats, a);
    if (a.abstained) {
      await ctx.answerInlineQuery([], { cache_time: 10, button: { text: ctx.t("inline-not-found"), start_parameter: "notfound" } });
      return;
    }
    const results: InlineQueryResult[] = a.citations.map((c) => {
      const body = new MessageBuilder()
        .wrap("bold", Array.from(q).slice(0, 200).join(""))
        .add("\n")
        .build()
        .concat(formatCitation(c, a.terms, ctx.t));
      return {
        type: "article",
        id: `${c.chunkId}:${c.start}`.slice(0, 64),
        title: `[${c.n}] ${c.title ?? c.excerpt.replace(/\s+/g, " ").slice(0, 18)}`.slice(0, 120),
        description: c.excerpt.replace(/\s+/g, " ").slice(0, 120),
        input_message_content: { message_text: body.text, entities: body.entities, link_preview_options: { is_disabled: true } },
      };
    });
    await ctx.answerInlineQuery(results, { cache_time: 30 });
  });
  return composer;
}
