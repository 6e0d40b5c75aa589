/** Starts the bot: long polling through @grammyjs/runner, or a webhook server when WEBHOOK_URL is set. */
import { run } from "@grammyjs/runner";
import type { Bot } from "grammy";
import { type Logger, safeError } from "../logger.js";
import type { BotContext } from "./context.js";
import { commandList, createI18n, lastHandledUpdate, whenIdle } from "./create-bot.js";
import { timeoutSignal } from "./reply.js";
import { startWebhookServer } from "./webhook-server.js";

export interface StartOptions {
  webhookUrl?: string;
  webhookSecret?: string;
  port: number;
  log: Logger;
}

export const COMMANDS_TIMEOUT_MS = 30_000;

async function registerCommands(bot: Bot<BotContext>, log: Logger): Promise<void> {
  const i18n = createI18n();
  for (const locale of ["zh", "en"] as const) {
    try {
      const scope = locale === "zh" ? {} : { language_code: locale };
      await bot.api.setMyCommands(
        commandList((key) => i18n.t(locale, key)),
        scope,
        timeoutSignal(COMMANDS_TIMEOUT_MS),
      );
    } catch (err) {
      log.warn({ err: safeError(err) }, "setMyCommands failed (the menu shows no commands; everything else works)");
    }
  }
}

/** Returns a function that stops the bot gracefully (finishing the updates in flight). */
export async function startBot(bot: Bot<BotContext>, options: StartOptions): Promise<() => Promise<void>> {
  const { log } = options;
  await bot.init();
  // The command menu is cosmetic: registered in the background, a failure only logged.
  void registerCommands(bot, log);
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
