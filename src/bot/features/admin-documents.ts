/**
 * Admin documents: a .txt/.md, a PDF or a page image (as a document or a photo) an admin sends in a
 * private chat is added to the corpus once the
 * admin confirms with a button (documents in groups are never taken; replacing a file says so);
 * /remove FILE deletes one after the same kind of confirmation.
 */
import { Composer } from "grammy";
import type { Message } from "grammy/types";
import { DocumentRejectedError } from "../../errors.js";
import { safeError } from "../../logger.js";
import { createTokenStore, type Press, type TokenStore } from "../answer-memory.js";
import { type BotContext, type BotDeps, isAdmin } from "../context.js";
import { downloadDocument } from "../download.js";
import { RemoveData, removeKeyboard, UploadData, uploadKeyboard } from "../keyboards.js";
import { pressOf, refusal } from "../presses.js";
import { runReindex } from "../reindex-status.js";

/** A confirmation, once answered, loses its buttons. */
const NO_BUTTONS = { reply_markup: { inline_keyboard: [] } };
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

/** A name for a document sent without one: unique (the file's own stable id) and dated. */
export const unnamedDocumentName = (doc: { file_unique_id: string; mime_type?: string }, now = new Date()): string =>
  `upload-${now.toISOString().slice(0, 10).replaceAll("-", "")}-${doc.file_unique_id.replace(/[^\w-]/g, "_")}${extensionFor(doc.mime_type)}`;

/** The file extension for a document's MIME type (text when unknown). */
const extensionFor = (mime = ""): string =>
  /markdown/.test(mime)
    ? ".md"
    : /pdf/.test(mime)
      ? ".pdf"
      : /jpe?g/.test(mime)
        ? ".jpg"
        : /png/.test(mime)
          ? ".png"
          : /tiff/.test(mime)
            ? ".tif"
            : /webp/.test(mime)
              ? ".webp"
              : ".txt";

/** A one-shot confirmation: the value of a pressed ✅/✖ when it is this admin's, on its own message. */
async function confirmed<T>(ctx: BotContext, store: TokenStore<T>, id: string): Promise<{ press: Press; value: T } | undefined> {
  const press = pressOf(ctx);
  const check = press ? store.check(id, press, { ownerOnly: true }) : ({ ok: false, why: "expired" } as const);
  if (!check.ok) return void (await ctx.answerCallbackQuery({ text: refusal(ctx, check), show_alert: true }));
  store.forget(id);
  await ctx.answerCallbackQuery();
  return { press: press!, value: check.entry.value };
}

/** /remove FILE: asks, and deletes only after the admin's 🗑 (✖ keeps the file). */
function handleRemovals(
  deps: BotDeps,
  admin: Composer<BotContext>,
  rejection: (ctx: BotContext, err: DocumentRejectedError) => string,
): void {
  const { archive: library, log } = deps;
  /** Removals waiting for the admin's confirmation. */
  const removals = createTokenStore<string>(PENDING_UPLOADS);

  admin.command("remove", async (ctx) => {
    const name = ctx.match.trim();
    if (!name) return void (await ctx.reply(ctx.t("remove-usage")));
    try {
      const { file, exists } = await library.findDocument(name);
      if (!exists) return void (await ctx.reply(ctx.t("remove-missing", { file: name.slice(0, SHOWN_NAME_CHARS) })));
      const id = removals.remember(file, { chatId: ctx.chat.id, ownerId: ctx.from!.id });
      const ask = await ctx.reply(ctx.t("remove-ask", { file }), { reply_markup: removeKeyboard(id, ctx.t) });
      removals.bind(id, ask.message_id);
    } catch (err) {
      if (!(err instanceof DocumentRejectedError)) throw err;
      await ctx.reply(rejection(ctx, err));
    }
  });

  admin.callbackQuery(RemoveData.pattern, async (ctx) => {
    const { remove, removal } = RemoveData.decode(ctx.match as RegExpMatchArray);
    const ok = await confirmed(ctx, removals, removal);
    if (!ok) return;
    const file = ok.value;
    const status = { chat: { id: ok.press.chatId }, message_id: ok.press.messageId } as Pick<Message, "chat" | "message_id">;
    if (!remove) return void (await ctx.editMessageText(ctx.t("remove-cancelled", { file }), NO_BUTTONS));
    try {
      await library.removeDocument(file);
    } catch (err) {
      if (!(err instanceof DocumentRejectedError)) throw err;
      return void (await ctx.editMessageText(ctx.t("remove-missing", { file }), NO_BUTTONS));
    }
    log.info({ file }, "document removed");
    await ctx.editMessageText(ctx.t("removed", { file }), NO_BUTTONS);
    await runReindex(deps, ctx, status);
  });
}

/** Asks the admin to confirm adding a document (or photo) to the corpus. */
function askToAdd(deps: BotDeps, uploads: TokenStore<PendingUpload>, rejection: (ctx: BotContext, err: DocumentRejectedError) => string) {
  return async (
    ctx: BotContext,
    doc: { file_id: string; file_unique_id: string; file_size?: number; file_name?: string; mime_type?: string },
  ): Promise<void> => {
    const limit = deps.settings.maxUploadBytes;
    if (doc.file_size !== undefined && doc.file_size > limit) return void (await ctx.reply(ctx.t("upload-rejected-size", { limit })));
    let found: { file: string; exists: boolean };
    try {
      found = await deps.archive.findDocument(doc.file_name?.trim() || unnamedDocumentName(doc));
    } catch (err) {
      if (!(err instanceof DocumentRejectedError)) throw err;
      return void (await ctx.reply(rejection(ctx, err)));
    }
    const { file: fileName, exists } = found;
    const id = uploads.remember({ fileId: doc.file_id, fileName }, { chatId: ctx.chat!.id, ownerId: ctx.from!.id });
    const vars = { file: fileName.slice(0, SHOWN_NAME_CHARS), size: doc.file_size ?? "?" };
    const ask = await ctx.reply(ctx.t(exists ? "upload-ask-replace" : "upload-ask", vars), {
      reply_markup: uploadKeyboard(id, ctx.t, exists),
      reply_parameters: { message_id: ctx.msg!.message_id, allow_sending_without_reply: true },
    });
    uploads.bind(id, ask.message_id);
  };
}

export function createAdminDocumentsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { archive: library, log } = deps;
  const others = composer.filter((ctx) => !isAdmin(deps, ctx));
  others.command("remove", (ctx) => ctx.reply(ctx.t("admin-only")));
  others.chatType("private").on("message:document", (ctx) => ctx.reply(ctx.t("upload-not-admin")));
  others.callbackQuery([UploadData.pattern, RemoveData.pattern], (ctx) => ctx.answerCallbackQuery({ text: ctx.t("admin-only") }));
  const admin = composer.filter((ctx) => isAdmin(deps, ctx));

  const rejection = (ctx: BotContext, err: DocumentRejectedError) => rejectionText(ctx, err, deps.settings.maxUploadBytes);

  handleRemovals(deps, admin, rejection);

  /** Documents waiting for the admin's confirmation, bound to the question message. */
  const uploads = createTokenStore<PendingUpload>(PENDING_UPLOADS);

  const ask = askToAdd(deps, uploads, rejection);
  admin.chatType("private").on("message:document", (ctx) => ask(ctx, ctx.msg.document));
  // a page photo sent as a photo: Telegram's largest size of it, read by OCR once added
  admin.chatType("private").on("message:photo", (ctx) => {
    const largest = ctx.msg.photo.at(-1)!;
    return ask(ctx, { ...largest, file_name: unnamedDocumentName({ ...largest, mime_type: "image/jpeg" }) });
  });

  admin.callbackQuery(UploadData.pattern, async (ctx) => {
    const { add, upload } = UploadData.decode(ctx.match as RegExpMatchArray);
    const ok = await confirmed(ctx, uploads, upload);
    if (ok) await addConfirmed(ctx, ok.press, add, ok.value);
  });

  /** The admin pressed ✅ or ✖ on an upload: download, add and reindex, editing the question message as it goes. */
  async function addConfirmed(ctx: BotContext, press: Press, add: boolean, upload: PendingUpload): Promise<void> {
    const { fileId, fileName } = upload;
    const status = { chat: { id: press.chatId }, message_id: press.messageId } as Pick<Message, "chat" | "message_id">;
    const say = (text: string) =>
      ctx.api
        .editMessageText(press.chatId, press.messageId, text, NO_BUTTONS)
        .catch((err: unknown) => log.debug({ err: safeError(err) }, "status edit failed"));
    if (!add) return void (await say(ctx.t("upload-cancelled", { file: fileName.slice(0, SHOWN_NAME_CHARS) })));
    let data: Uint8Array;
    try {
      data = await downloadDocument(ctx, deps.settings, fileId, deps.settings.maxUploadBytes);
    } catch (err) {
      if (err instanceof DocumentRejectedError) return void (await say(rejection(ctx, err)));
      log.warn({ err: safeError(err) }, "document download failed");
      return void (await say(ctx.t("upload-failed", { file: fileName.slice(0, SHOWN_NAME_CHARS) })));
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
