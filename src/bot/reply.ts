/** Sending formatted messages: split under the limit, buttons on the last part. */
import type { FormattedString } from "@grammyjs/parse-mode";
import type { InlineKeyboardMarkup, Message } from "grammy/types";
import type { BotContext } from "./context.js";
import { splitMessage } from "./format.js";

export interface ReplyExtra {
  reply_markup?: InlineKeyboardMarkup;
  /** Quote this message (groups), if it still exists. */
  replyTo?: number;
}

export async function replyFormatted(ctx: BotContext, message: FormattedString, extra: ReplyExtra = {}): Promise<Message.TextMessage[]> {
  const parts = splitMessage(message);
  const sent: Message.TextMessage[] = [];
  for (const [i, part] of parts.entries()) {
    sent.push(
      await ctx.reply(part.text, {
        entities: part.entities,
        link_preview_options: { is_disabled: true },
        reply_markup: i === parts.length - 1 ? extra.reply_markup : undefined,
        reply_parameters: i === 0 && extra.replyTo ? { message_id: extra.replyTo, allow_sending_without_reply: true } : undefined,
      }),
    );
  }
  return sent;
}

/** An abort signal for a grammY API call (grammY's Node types name abort-controller's AbortSignal). */
export const timeoutSignal = (ms: number): never => AbortSignal.timeout(ms) as never;
