/** Starts the bot: long polling through @grammyjs/runner, or a webhook server when WEBHOOK_URL is set. */
import { run } from "@grammyjs/runner";
import type { Bot } from "grammy";
import { type Logger, safeError } from "../logger.js";
import type { BotContext } from "./context.js";
import { adminCommandList, commandList, createI18n, lastHandledUpdate, whenIdle } from "./create-bot.js";
import { timeoutSignal } from "./reply.js";
import { startWebhookServer } from "./webhook-server.js";

export interface StartOptions {
  /** Admins get their commands in their own chat's menu (a command scope); others never see them. */
  adminIds?: number[];
  webhookUrl?: string;
  webhookSecret?: string;
  port: number;
  log: Logger;
}

export const COMMANDS_TIMEOUT_MS = 30_000;

/**
 * The command menu (everyone's, and each admin's own chat with the admin commands added) and the
 * bot's description and short description, in Chinese (the default) and English.
 */
async function registerCommands(bot: Bot<BotContext>, log: Logger, adminIds: number[]): Promise<void> {
  const i18n = createI18n();
  const signal = () => timeoutSignal(COMMANDS_TIMEOUT_MS);
  const attempt = async (what: string, call: () => Promise<unknown>) =>
    call().catch((err: unknown) => log.warn({ err: safeError(err), what }, "Bot API setup call failed (cosmetic; everything else works)"));
  for (const locale of ["zh", "en"] as const) {
    const t = (key: string) => i18n.t(locale, key);
    const lang = locale === "zh" ? {} : { language_code: locale };
    await attempt("setMyCommands", () => bot.api.setMyCommands(commandList(t), lang, signal()));
    for (const id of adminIds) {
      const scope = { type: "chat", chat_id: id } as const;
      await attempt("setMyCommands admin", () =>
        bot.api.setMyCommands([...commandList(t), ...adminCommandList(t)], { scope, ...lang }, signal()),
      );
    }
    await attempt("setMyDescription", () => bot.api.setMyDescription(t("bot-description"), lang, signal()));
    await attempt("setMyShortDescription", () => bot.api.setMyShortDescription(t("bot-short-description"), lang, signal()));
  }
}

/** Returns a function that stops the bot gracefully (finishing the updates in flight). */
export async function startBot(bot: Bot<BotContext>, options: StartOptions): Promise<() => Promise<void>> {
  const { log } = options;
  await bot.init();
  // The command menu is cosmetic: registered in the background, a failure only logged.
  void registerCommands(bot, log, options.adminIds ?? []);
  if (options.webhookUrl) {
    // Without a secret anyone who finds the port could post updates as any user (an admin too).
    if (!options.webhookSecret) throw new Error("webhook mode needs WEBHOOK_SECRET (Telegram sends it with every update; others cannot)");
    const server = await startWebhookServer({
      path: new URL(options.webhookUrl).pathname,
      secret: options.webhookSecret,
      port: options.port,
      log,
      handle: (update) => bot.handleUpdate(update),
    });
    await bot.api.setWebhook(options.webhookUrl, {
      secret_token: options.webhookSecret,
      allowed_updates: ["message", "callback_query", "inline_query"],
    });
    log.info({ port: options.port, username: bot.botInfo.username }, "webhook server listening");
    return async () => {
      await server.close();
      await server.drained();
      await whenIdle(bot);
    };
  }
  await bot.api.deleteWebhook().catch((err: unknown) => log.warn({ err: safeError(err) }, "deleteWebhook failed"));
  const runner = run(bot, { runner: { fetch: { allowed_updates: ["message", "callback_query", "inline_query"] } } });
  log.info({ username: bot.botInfo.username }, "long polling");
  return async () => {
    if (runner.isRunning()) await runner.stop();
    await whenIdle(bot);
    // Confirm what was handled (as grammY's bot.stop does), so a restart never gets it again.
    const last = lastHandledUpdate(bot);
    if (last > 0) {
      await bot.api
        .getUpdates({ offset: last + 1, limit: 1, timeout: 0 }, timeoutSignal(5000))
        .catch((err: unknown) => log.warn({ err: safeError(err) }, "could not confirm the last update"));
    }
  };
}
