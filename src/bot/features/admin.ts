/**
 * Admin commands (user ids in ADMIN_USER_IDS; everyone else gets a polite refusal): /reindex
 * with a live status message and a diff, /stats, /sources, /remove FILE, /feedback, and
 * documents an admin sends in a private chat, added to the corpus once confirmed with a button
 * (documents in groups are never taken).
 */
import { safeError } from "../../logger.js";
import { Composer, InputFile } from "grammy";
import type { Message } from "grammy/types";
import { DocumentRejectedError, IndexBusyError } from "../../errors.js";
import { type BotContext, type BotDeps, isAdmin } from "../context.js";
import { MessageBuilder } from "../format.js";
import { createTokenStore } from "../answer-memory.js";
import { SourcesPageData, UploadData, pagerKeyboard, uploadKeyboard } from "../keyboards.js";
import { pressOf, refusal } from "./citations.js";
import { replyFormatted } from "../reply.js";
import { formatBuiltAt } from "./welcome.js";

export const SOURCES_PER_PAGE = 20;
/** Status edits at most this often while reindexing (Telegram rate-limits edits). */
export const PROGRESS_EDIT_MS = 1000;

const list = (xs: string[], max = 10) => (xs.length > max ? `${xs.slice(0, max).join(", ")} …(+${xs.length - max})` : xs.join(", "));

export function createAdminFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { library, log } = deps;

  const admin = composer.filter((ctx) => isAdmin(deps, ctx));
  // Everyone else: a polite refusal for admin commands; uploads in groups are ignored.
  composer
    .filter((ctx) => !isAdmin(deps, ctx))
    .command(["reindex", "stats", "sources", "remove", "feedback"], (ctx) => ctx.reply(ctx.t("admin-only")));
  composer
    .filter((ctx) => !isAdmin(deps, ctx))
    .chatType("private")
    .on("message:document", (ctx) => ctx.reply(ctx.t("admin-only")));
  composer
    .filter((ctx) => !isAdmin(deps, ctx))
    .callbackQuery([SourcesPageData.pattern, UploadData.pattern], (ctx) => ctx.answerCallbackQuery({ text: ctx.t("admin-only") }));

  /** Runs a reindex, editing `status` with progress and finally the diff. Questions keep being answered meanwhile. */
  async function reindex(ctx: BotContext, status?: Pick<Message, "chat" | "message_id">): Promise<void> {
    const msg = status ?? (await ctx.reply(ctx.t("reindex-started")));
    let shown = "";
    const edit = async (text: string) => {
      if (text === shown) return;
      shown = text;
      await ctx.api
        .editMessageText(msg.chat.id, msg.message_id, text)
        .catch((err: unknown) => log.debug({ err: safeError(err) }, "status edit failed"));
    };
    let lastEdit = Date.now();
    let pending: Promise<void> = Promise.resolve();
    try {
      const r = await library.reindex((p) => {
        if (p.phase === "done" || Date.now() - lastEdit < PROGRESS_EDIT_MS) return;
        lastEdit = Date.now();
        pending = edit(ctx.t("reindex-progress", { phase: p.phase, done: p.done, total: p.total }));
      });
      await pending;
      const lines = [
        ctx.t("reindex-done", {
          seconds: r.seconds.toFixed(1),
          added: r.diff.added.length,
          changed: r.diff.changed.length,
          removed: r.diff.removed.length,
          files: r.files,
          articles: r.articles,
          chunks: r.chunks,
        }),
      ];
      const touched = [...r.diff.added.map((f) => `+${f}`), ...r.diff.changed.map((f) => `~${f}`), ...r.diff.removed.map((f) => `-${f}`)];
      if (touched.length) lines.push(ctx.t("reindex-files", { list: list(touched) }));
      if (r.warnings.length)
        lines.push(
          ctx.t("reindex-warnings", {
            list: list(
              r.warnings.map((w) => `${w.file} (${w.message})`),
              5,
            ),
          }),
        );
      log.info({ diff: r.diff, seconds: r.seconds }, "reindexed");
      await edit(lines.join("\n").slice(0, 4000));
    } catch (err) {
      await pending;
      if (err instanceof IndexBusyError) return edit(ctx.t("reindex-busy"));
      log.error({ err: safeError(err) }, "reindex failed");
      await edit(ctx.t("reindex-failed", { message: (err as Error).message.slice(0, 300) }));
    }
  }

  admin.command("reindex", (ctx) => reindex(ctx));

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

  const rejection = (ctx: BotContext, err: DocumentRejectedError) =>
    ctx.t(`upload-rejected-${err.reason === "missing" ? "name" : err.reason}`, { limit: deps.settings.maxUploadBytes });

  admin.command("remove", async (ctx) => {
    const name = ctx.match.trim();
    if (!name) return void (await ctx.reply(ctx.t("remove-usage")));
    try {
      const { file } = await library.removeDocument(name);
      log.info({ file }, "document removed");
      await reindex(ctx, await ctx.reply(ctx.t("removed", { file })));
    } catch (err) {
      if (!(err instanceof DocumentRejectedError)) throw err;
      await ctx.reply(err.reason === "missing" ? ctx.t("remove-missing", { file: name.slice(0, 200) }) : rejection(ctx, err));
    }
  });

  /** Documents waiting for the admin's confirmation, bound to the question message. */
  const uploads = createTokenStore<{ fileId: string; fileName: string }>(200);

  admin.chatType("private").on("message:document", async (ctx) => {
    const doc = ctx.msg.document;
    const limit = deps.settings.maxUploadBytes;
    if (doc.file_size !== undefined && doc.file_size > limit) return void (await ctx.reply(ctx.t("upload-rejected-size", { limit })));
    const fileName = doc.file_name ?? "document.txt";
    const id = uploads.remember({ fileId: doc.file_id, fileName }, { chatId: ctx.chat.id, ownerId: ctx.from.id });
    const ask = await ctx.reply(ctx.t("upload-ask", { file: fileName.slice(0, 200), size: doc.file_size ?? "?" }), {
      reply_markup: uploadKeyboard(id, ctx.t),
      reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true },
    });
    uploads.bind(id, ask.message_id);
  });

  admin.callbackQuery(UploadData.pattern, async (ctx) => {
    const { add, upload } = UploadData.decode(ctx.match as RegExpMatchArray);
    const press = pressOf(ctx);
    const check = press ? uploads.check(upload, press, { ownerOnly: true }) : ({ ok: false, why: "expired" } as const);
    if (!check.ok) return void (await ctx.answerCallbackQuery({ text: refusal(ctx, check), show_alert: true }));
    uploads.forget(upload);
    await ctx.answerCallbackQuery();
    const { fileId, fileName } = check.entry.value;
    const status = { chat: { id: press!.chatId }, message_id: press!.messageId } as Pick<Message, "chat" | "message_id">;
    const say = (text: string) =>
      ctx.api
        .editMessageText(press!.chatId, press!.messageId, text)
        .catch((err: unknown) => log.debug({ err: safeError(err) }, "status edit failed"));
    if (!add) return void (await say(ctx.t("upload-cancelled", { file: fileName.slice(0, 200) })));
    let data: Uint8Array;
    try {
      data = await download(ctx, fileId, deps.settings.maxUploadBytes);
    } catch (err) {
      if (err instanceof DocumentRejectedError) return void (await say(rejection(ctx, err)));
      log.warn({ err: safeError(err) }, "document download failed");
      return void (await say(ctx.t("upload-failed", { message: (err as Error).message.slice(0, 200) })));
    }
    try {
      const { file, replaced } = await library.addDocument(fileName, data);
      log.info({ file, bytes: data.length, replaced }, "document added");
      await say(ctx.t(replaced ? "upload-replaced" : "upload-added", { file }));
      await reindex(ctx, status);
    } catch (err) {
      if (!(err instanceof DocumentRejectedError)) throw err;
      await say(rejection(ctx, err));
    }
  });

  /** Downloads a document from the Bot API file endpoint, refusing more than `limit` bytes. */
  async function download(ctx: BotContext, fileId: string, limit: number): Promise<Uint8Array> {
    const file = await ctx.api.getFile(fileId);
    if (!file.file_path) throw new Error("the Bot API gave no file path");
    // The URL holds the token: it is never logged or shown.
    const res = await fetch(`${deps.settings.apiRoot}/file/bot${deps.settings.token}/${file.file_path}`);
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > limit) throw new DocumentRejectedError("size", `more than ${limit} bytes`);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

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
