/**
 * The bot: grammY with auto-retry (429 retry_after, 5xx) and outgoing throttling on the API,
 * i18n (Chinese by default, English for English-speaking users), allowlists, a per-user rate
 * limit, one Composer per feature, and an error boundary that logs and replies "出错了".
 */
import { safeError } from "../logger.js";
import { fileURLToPath } from "node:url";
import { autoRetry } from "@grammyjs/auto-retry";
import { I18n } from "@grammyjs/i18n";
import { limit } from "@grammyjs/ratelimiter";
import { apiThrottler } from "@grammyjs/transformer-throttler";
import { Bot, type BotError, type Context, session, type Transformer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { isAddressedToBot } from "./addressed.js";
import type { BotContext, BotDeps, ChatSession } from "./context.js";
import type { RateCounter } from "./shared-stores.js";
import { createAccessGuard } from "./features/access.js";
import { createBrowseFeature } from "./features/browse.js";
import { createConversationFeature } from "./features/conversation.js";
import { createMediaFeature } from "./features/media.js";
import { createAdminDocumentsFeature } from "./features/admin-documents.js";
import { createAdminFeedbackFeature } from "./features/admin-feedback.js";
import { createAdminIndexFeature } from "./features/admin-index.js";
import { createCitationsFeature } from "./features/citations.js";
import { createInlineFeature } from "./features/inline.js";
import { createQuestionsFeature } from "./features/questions.js";
import { createWelcomeFeature } from "./features/welcome.js";

export interface CreateBotOptions {
  /** Skip getMe (tests). */
  botInfo?: UserFromGetMe;
  /** Outgoing throttling (on by default; tests that capture calls turn it off). */
  throttle?: boolean;
  /** Extra API transformers, installed last (outermost): tests capture calls with them. */
  transformers?: Transformer[];
  /** Transformers installed first, nearest the network (inside the throttler): tests answer methods an emulator lacks there, as the real server would. */
  network?: Transformer[];
}

/**
 * Outgoing messages to one group: Telegram allows 20 a minute there, so a budget of 20 refilled each
 * minute, sent one at a time but without the plugin's default one-second spacing (which held the
 * fifth answer of a busy group back by four seconds while the budget had room). Private chats keep
 * the default of one message a second per chat; 30 a second overall.
 */
export const GROUP_THROTTLE = {
  maxConcurrent: 1,
  minTime: 0,
  reservoir: 20,
  reservoirRefreshAmount: 20,
  reservoirRefreshInterval: 60_000,
};

/** Private chats keep one conversation; in a group each member has their own. */
export const sessionKey = (ctx: Context): string | undefined =>
  ctx.chat === undefined ? undefined : ctx.chat.type === "private" ? String(ctx.chat.id) : `${ctx.chat.id}:${ctx.from?.id ?? 0}`;

/** The rate limit's window. */
export const RATE_WINDOW_MS = 60_000;

export const LOCALES_DIR = fileURLToPath(new URL("./locales", import.meta.url));

export function createI18n(): I18n<BotContext> {
  return new I18n<BotContext>({
    defaultLocale: "zh",
    directory: LOCALES_DIR,
    // No Unicode isolation marks around variables: they would show up in Telegram and in tests.
    fluentBundleOptions: { useIsolating: false },
  });
}

interface Progress {
  /** Highest update id handled so far. */
  last: number;
  inFlight: number;
  idle: Array<() => void>;
}
const progress = new WeakMap<Bot<BotContext>, Progress>();

/** The highest update id this bot has finished handling (0 before the first). */
export const lastHandledUpdate = (bot: Bot<BotContext>): number => progress.get(bot)?.last ?? 0;

/** Resolves when no update is being handled (for a graceful stop), or after `timeoutMs`. */
export function whenIdle(bot: Bot<BotContext>, timeoutMs = 30_000): Promise<void> {
  const p = progress.get(bot);
  if (!p || p.inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    p.idle.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export function createBot(deps: BotDeps, options: CreateBotOptions = {}): Bot<BotContext> {
  const { settings, log } = deps;
  const bot = new Bot<BotContext>(settings.token, { client: { apiRoot: settings.apiRoot }, botInfo: options.botInfo });
  for (const t of options.network ?? []) bot.api.config.use(t);
  // Throttling inside, retries outside: a request waiting to retry does not hold a throttler slot.
  if (options.throttle !== false) bot.api.config.use(apiThrottler({ group: GROUP_THROTTLE }));
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
  for (const t of options.transformers ?? []) bot.api.config.use(t);

  const onError = async (err: BotError<BotContext>) => {
    log.error({ err: safeError(err.error), update: err.ctx.update.update_id }, "update failed");
    const { ctx } = err;
    const text = typeof ctx.t === "function" ? ctx.t("error") : "出错了，请稍后再试。";
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text });
      else if (ctx.chat) await ctx.reply(text);
    } catch {
      // the reply itself failed (network, blocked): nothing more to do
    }
  };
  // The boundary catches errors in every mode (polling, runner, webhook, handleUpdate): a
  // failing update is logged and answered, never retried forever or fatal.
  const state: Progress = { last: 0, inFlight: 0, idle: [] };
  progress.set(bot, state);
  bot.use(async (ctx, next) => {
    state.inFlight++;
    try {
      await next();
    } finally {
      state.last = Math.max(state.last, ctx.update.update_id);
      if (--state.inFlight === 0) for (const wake of state.idle.splice(0)) wake();
    }
  });
  const app = bot.errorBoundary(onError);
  app.use(createI18n());
  // follow-up context: per chat in private, per member in groups (a reply to an answer continues that answer)
  app.use(session({ initial: (): ChatSession => ({ turns: [] }), getSessionKey: sessionKey, storage: deps.stores?.sessions }));
  app.use(createAccessGuard(deps));
  // Every update meant for the bot counts (questions, commands, button presses, inline queries);
  // group chatter does not. Over the limit: one notice per user and window, then silence.
  const noticed = new Map<number, number>();
  app.use(
    limit<BotContext, RateCounter>({
      timeFrame: RATE_WINDOW_MS,
      limit: settings.rateLimitPerMinute,
      storageClient: deps.stores?.rate ?? "MEMORY_STORE",
      // called for every refused update: button presses are always answered (no spinner left)
      alwaysReply: true,
      keyGenerator: (ctx) => (isAddressedToBot(ctx) ? ctx.from?.id.toString() : undefined),
      onLimitExceeded: async (ctx) => {
        log.info("rate limited");
        if (ctx.callbackQuery) return void (await ctx.answerCallbackQuery({ text: ctx.t("rate-limited") }).catch(() => {}));
        const user = ctx.from?.id;
        if (!ctx.message || user === undefined || Date.now() - (noticed.get(user) ?? 0) < RATE_WINDOW_MS) return;
        if (noticed.size > 10_000) noticed.clear();
        noticed.set(user, Date.now());
        await ctx.reply(ctx.t("rate-limited")).catch(() => {});
      },
    }),
  );
  app.use(createWelcomeFeature(deps));
  app.use(createAdminIndexFeature(deps));
  app.use(createAdminDocumentsFeature(deps));
  app.use(createAdminFeedbackFeature(deps));
  app.use(createCitationsFeature(deps));
  app.use(createInlineFeature(deps));
  app.use(createConversationFeature(deps));
  app.use(createBrowseFeature(deps));
  app.use(createMediaFeature(deps));
  app.use(createQuestionsFeature(deps));
  bot.catch(onError);
  return bot;
}

/** Commands shown in Telegram's menu, per language. */
export function commandList(t: (key: string) => string): Array<{ command: string; description: string }> {
  return ["start", "help", "ask", "new", "sources", "by", "about"].map((command) => ({ command, description: t(`cmd-${command}`) }));
}

/** Commands added to admins' own menus. */
export const adminCommandList = (t: (key: string) => string): Array<{ command: string; description: string }> =>
  ["reindex", "stats", "remove", "feedback"].map((command) => ({ command, description: t(`cmd-${command}`) }));
