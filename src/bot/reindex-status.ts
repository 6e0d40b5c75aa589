/** The reindex status message: one message edited with progress, then the diff or the failure. */
import type { Message } from "grammy/types";
import { IndexBusyError } from "../errors.js";
import { safeError } from "../logger.js";
import type { BotContext, BotDeps } from "./context.js";

/** Status edits at most this often while reindexing (Telegram rate-limits edits). */
export const PROGRESS_EDIT_MS = 1000;
/** Files (and warnings) named in the final status before "…(+N)". */
const LISTED_FILES = 10;
const LISTED_WARNINGS = 5;
/** Telegram's message limit, with room to spare. */
const STATUS_MAX_CHARS = 4000;

const list = (xs: string[], max: number) => (xs.length > max ? `${xs.slice(0, max).join(", ")} …(+${xs.length - max})` : xs.join(", "));

/** Runs a reindex, editing `status` with progress and finally the diff. Questions keep being answered meanwhile. */
export async function runReindex(deps: BotDeps, ctx: BotContext, status?: Pick<Message, "chat" | "message_id">): Promise<void> {
  const { archive, log } = deps;
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
    const r = await archive.reindex((p) => {
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
    if (touched.length) lines.push(ctx.t("reindex-files", { list: list(touched, LISTED_FILES) }));
    if (r.warnings.length)
      lines.push(
        ctx.t("reindex-warnings", {
          list: list(
            r.warnings.map((w) => `${w.file} (${w.message})`),
            LISTED_WARNINGS,
          ),
        }),
      );
    log.info({ diff: r.diff, seconds: r.seconds }, "reindexed");
    await edit(lines.join("\n").slice(0, STATUS_MAX_CHARS));
  } catch (err) {
    await pending;
    if (err instanceof IndexBusyError) return edit(ctx.t("reindex-busy"));
    log.error({ err: safeError(err) }, "reindex failed");
    await edit(ctx.t("reindex-failed", { message: (err as Error).message.slice(0, 300) }));
  }
}
