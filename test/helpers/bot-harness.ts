/**
 * A real bot (grammY + runner, real index on disk) against the telegram-test-api emulator over
 * HTTP on 127.0.0.1. The emulator answers getUpdates at once and lacks some methods
 * (sendChatAction, setMyCommands, answerInlineQuery, sendDocument, sendPhoto): a test-only transformer
 * delays polling a little and answers those methods itself, recording the calls.
 */
import { localRetriever } from "../../src/search/index.js";
import net from "node:net";
import path from "node:path";
import type { Transformer } from "grammy";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { createAnswerService, createArchive } from "../../src/answer/index.js";
import { createAnswerMemory } from "../../src/bot/answer-memory.js";
import type { BotDeps, BotSettings } from "../../src/bot/context.js";
import { createBot } from "../../src/bot/create-bot.js";
import { createFeedbackStore } from "../../src/bot/feedback-store.js";
import { startBot } from "../../src/bot/start-bot.js";
import { createLogger } from "../../src/logger.js";
import { HashEmbeddings } from "../../src/search/hash-embeddings.js";
import { buildIndex } from "../../src/search/index-store.js";
import { createLibrary, type Library } from "../../src/search/library.js";
import { scratchCorpus } from "./index.js";

export const TOKEN = "123456:TEST-token_for-emulator";
export const BOT_ID = 666; // the emulator's getMe
export const BOT_USERNAME = "TestNameBot";
export const MISSING_METHODS = [
  "sendChatAction",
  "setMyCommands",
  "setMyDescription",
  "setMyShortDescription",
  "answerInlineQuery",
  "sendDocument",
  "sendPhoto",
  "deleteWebhook",
];

/** Bot settings for tests: no admins or allowlists, a generous rate limit, a fixed key; `over` wins. */
export function testSettings(over: Partial<BotSettings> & { apiRoot: string }): BotSettings {
  return {
    token: TOKEN,
    adminIds: [],
    allowedUserIds: [],
    allowedChatIds: [],
    rateLimitPerMinute: 1000,
    maxUploadBytes: 1 << 20,
    secretKey: TEST_SECRET_KEY,
    ...over,
  };
}

/** A fixed key for the user pseudonyms in tests. */
export const TEST_SECRET_KEY = new Uint8Array(32).fill(7);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface StubbedCall {
  method: string;
  payload: Record<string, unknown>;
}

/** Test-only: answers methods the emulator lacks and paces getUpdates (the emulator never long-polls). */
export function emulatorShim(calls: StubbedCall[], pollDelayMs = 25): Transformer {
  return async (prev, method, payload, signal) => {
    if (MISSING_METHODS.includes(method)) {
      calls.push({ method, payload: payload as Record<string, unknown> });
      return { ok: true, result: true } as never;
    }
    if (method === "getUpdates") await new Promise((r) => setTimeout(r, pollDelayMs));
    return prev(method, payload, signal);
  };
}

export interface Harness {
  server: TelegramServer;
  apiRoot: string;
  corpusDir: string;
  dataDir: string;
  stubbed: StubbedCall[];
  stop(): Promise<void>;
}

/** Everything a bot needs, on a scratch copy of the seed corpus with a real index on disk. */
export async function createTestDeps(
  settings: Partial<BotSettings> & { apiRoot: string },
  corpus?: string,
): Promise<BotDeps & { corpusDir: string; dataDir: string; library: Library }> {
  const { corpusDir, dataDir } = scratchCorpus(corpus);
  const embeddings = new HashEmbeddings();
  const { index } = await buildIndex({ corpusDir, dataDir, embeddings });
  const library = createLibrary({ corpusDir, dataDir, embeddings, index });
  return {
    corpusDir,
    dataDir,
    library,
    archive: createArchive({ service: createAnswerService({ retriever: localRetriever(() => library.current()) }), library }),
    feedback: createFeedbackStore(path.join(dataDir, "feedback.jsonl")),
    memory: createAnswerMemory({ file: path.join(dataDir, "answers.jsonl") }),
    stats: { startedAt: Date.now(), questions: 0, abstained: 0, totalMs: 0 },
    settings: testSettings({ token: TOKEN, ...settings }),
    log: createLogger(process.env.TEST_LOG_LEVEL ?? "silent"),
  };
}

export async function startHarness(
  settings: Partial<BotSettings> = {},
  options: { throttle?: boolean /** A corpus to copy instead of the seed pages. */; corpus?: string } = {},
): Promise<Harness> {
  const port = await freePort();
  const server = new TelegramServer({ port, host: "127.0.0.1", storeTimeout: 600 });
  await server.start();
  const apiRoot = server.config.apiURL;
  const deps = await createTestDeps({ ...settings, apiRoot }, options.corpus);
  const { corpusDir, dataDir, log } = deps;
  const stubbed: StubbedCall[] = [];
  // the shim stands in for the server: inside the throttler, so chat actions cost a slot as they would
  const bot = createBot(deps, { network: [emulatorShim(stubbed)], throttle: options.throttle });
  const stopBot = await startBot(bot, { port: 0, log, adminIds: deps.settings.adminIds });
  return {
    server,
    apiRoot,
    corpusDir,
    dataDir,
    stubbed,
    async stop() {
      await stopBot();
      await server.stop();
    },
  };
}

export interface SentMessage {
  chat_id: number | string;
  text: string;
  entities?: Array<{ type: string; offset: number; length: number }>;
  reply_markup?: { inline_keyboard: Array<Array<{ text: string; callback_data?: string }>> };
  message_id: number;
}

/** The bot's messages to a chat so far (current text, after edits). */
export function botMessages(h: Harness, chatId: number): SentMessage[] {
  return h.server.storage.botMessages
    .filter((u: { message: { chat_id: unknown } }) => String(u.message.chat_id) === String(chatId))
    .map((u: { message: unknown; messageId: number }) => ({ ...(u.message as SentMessage), message_id: u.messageId }));
}

export async function waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
