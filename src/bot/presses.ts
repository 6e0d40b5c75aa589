/** Button presses: where a press happened, and the refusal shown when it does not count. */
import type { Press, PressCheck } from "./answer-memory.js";
import type { BotContext } from "./context.js";

/** The press on a callback's own message, or undefined for an inline message (no chat known). */
export const pressOf = (ctx: BotContext): Press | undefined => {
  const m = ctx.callbackQuery?.message;
  return m && ctx.from ? { chatId: m.chat.id, messageId: m.message_id, userId: ctx.from.id } : undefined;
};

export const refusal = (ctx: BotContext, check: PressCheck<unknown>): string =>
  ctx.t(!check.ok && check.why === "not-owner" ? "button-not-yours" : "button-expired");
