/**
 * Admin documents: a .txt/.md an admin sends in a private chat is added to the corpus once the
 * admin confirms with a button (documents in groups are never taken); /remove FILE.
 */
import { Composer } from "grammy";
import type { Message } from "grammy/types";
import { DocumentRejectedError } from "../../errors.js";
import { safeError } from "../../logger.js";
import { createTokenStore, type Press } from "../answer-memory.js";
import { type BotContext, type BotDeps, isAdmin } from "../context.js";
import { downloadDocument } from "../download.js";
import { UploadData, uploadKeyboard } from "../keyboards.js";
import { pressOf, refusal } from "../presses.js";
import { runReindex } from "../reindex-status.js";

/** Uploads waiting for a confirmation, at most. */
const PENDING_UPLOADS = 200;
/** Longest file name echoed back. */
const SHOWN_NAME_CHARS = 200;

/** Why a document was refused, as the user reads it. */
const rejectionText = (ctx: BotContext, err: DocumentRejectedError, limit: number): string =>
  ctx.t(`upload-rejected-${err.reason === "missing" ? "name" : err.reason}`, { limit });

interface PendingUpload {
  fileId: string;
  fileName: string;
}

export function createAdminDocumentsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { archive: library, log } = deps;
  const others = composer.filter((ctx) => !isAdmin(deps, ctx));
  others.command("remove", (ctx) => ctx.reply(ctx.t("admin-only")));
  others.chatType("private").on("message:document", (ctx) => ctx.reply(ctx.t("admin-only")));
  others.callbackQuery(UploadData.pattern, (ctx) => ctx.answerCallbackQuery({ text: ctx.t("admin-only") }));
  const admin = composer.filter((ctx) => isAdmin(deps, ctx));

  const rejection = (ctx: BotContext, err: DocumentRejectedError) => rejectionText(ctx, err, deps.settings.maxUploadBytes);

  admin.command("remove", async (ctx) => {
    const name = ctx.match.trim();
    if (!name) return void (await ctx.reply(ctx.t("remove-usage")));
    try {
      const { file } = await library.removeDocument(name);
      log.info({ file }, "document removed");
      await runReindex(deps, ctx, await ctx.reply(ctx.t("removed", { file })));
    } catch (err) {
      if (!(err instanceof DocumentRejectedError)) throw err;
      await ctx.reply(err.reason === "missing" ? ctx.t("remove-missing", { file: name.slice(0, SHOWN_NAME_CHARS) }) : rejection(ctx, err));
    }
  });

  /** Documents waiting for the admin's confirmation, bound to the question message. */
  const uploads = createTokenStore<PendingUpload>(PENDING_UPLOADS);

  admin.chatType("private").on("message:document", async (ctx) => {
    const doc = ctx.msg.document;
    const limit = deps.settings.maxUploadBytes;
    if (doc.file_size !== undefined && doc.file_size > limit) return void (await ctx.reply(ctx.t("upload-rejected-size", { limit })));
    const fileName = doc.file_name ?? "document.txt";
    const id = uploads.remember({ fileId: doc.file_id, fileName }, { chatId: ctx.chat.id, ownerId: ctx.from.id });
    const ask = await ctx.reply(ctx.t("upload-ask", { file: fileName.slice(0, SHOWN_NAME_CHARS), size: doc.file_size ?? "?" }), {
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
    await addConfirmed(ctx, press!, add, check.entry.value);
  });

  /** The admin pressed ✅ or ✖ on an upload: download, add and reindex, editing the question message as it goes. */
  async function addConfirmed(ctx: BotContext, press: Press, add: boolean, upload: PendingUpload): Promise<void> {
    const { fileId, fileName } = upload;
    const status = { chat: { id: press.chatId }, message_id: press.messageId } as Pick<Message, "chat" | "message_id">;
    const say = (text: string) =>
      ctx.api
        .editMessageText(press.chatId, press.messageId, text)
        .catch((err: unknown) => log.debug({ err: safeError(err) }, "status edit failed"));
    if (!add) return void (await say(ctx.t("upload-cancelled", { file: fileName.slice(0, SHOWN_NAME_CHARS) })));
    let data: Uint8Array;
    try {
      data = await downloadDocument(ctx, deps.settings, fileId, deps.settings.maxUploadBytes);
    } catch (err) {
      if (err instanceof DocumentRejectedError) return void (await say(rejection(ctx, err)));
      log.warn({ err: safeError(err) }, "document download failed");
      return void (await say(ctx.t("upload-failed", { message: (err as Error).message.slice(0, 200) })));
    }
    try {
      const { file, replaced } = await library.addDocument(fileName, data);
      log.info({ file, bytes: data.length, replaced }, "document added");
      await say(ctx.t(replaced ? "upload-replaced" : "upload-added", { file }));
      await runReindex(deps, ctx, status);
    } catch (err) {
      if (!(err instanceof DocumentRejectedError)) throw err;
      await say(rejection(ctx, err));
    }
  }

  return composer;
}
