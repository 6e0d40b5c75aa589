/** Is an update meant for the bot? (Group chatter is not: it neither gets answers nor costs rate limit.) */
import { escapeRegExp } from "../answer/index.js";
import type { BotContext } from "./context.js";

/** Matches @botname as a whole word, case-insensitively (global: use with replace or a fresh test). */
export const mentionPattern = (username: string): RegExp => new RegExp(`@${escapeRegExp(username)}(?![\\w])`, "gi");

/**
 * Private chats, callback and inline queries, commands, and group messages that mention the bot
 * or reply to it.
 */
export function isAddressedToBot(ctx: BotContext): boolean {
  if (ctx.callbackQuery || ctx.inlineQuery) return true;
  const msg = ctx.message;
  if (!msg) return false;
  if (ctx.chat?.type === "private") return true;
  const text = msg.text ?? msg.caption ?? "";
  if (text.startsWith("/")) return true;
  if (msg.reply_to_message?.from?.id === ctx.me.id) return true;
  return mentionPattern(ctx.me.username).test(text);
}
