/** A bot driven with bot.handleUpdate and an API transformer that captures every call (no network). */
import { localRetriever } from "../../src/search/index.js";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Bot, Transformer } from "grammy";
import type { Update } from "grammy/types";
import { type AnswerService, createAnswerService, createArchive } from "../../src/answer/index.js";
import { createAnswerMemory } from "../../src/bot/answer-memory.js";
import type { BotContext, BotDeps, BotSettings } from "../../src/bot/context.js";
import { createBot } from "../../src/bot/create-bot.js";
import { createFeedbackStore } from "../../src/bot/feedback-store.js";
import { type Logger, createLogger } from "../../src/logger.js";
import { HashEmbeddings } from "../../src/search/hash-embeddings.js";
import { buildIndex } from "../../src/search/index-store.js";
import { createLibrary, type LibraryOptions, type LocalLibrary } from "../../src/search/library.js";
import { testSettings } from "./bot-harness.js";
import { scratchCorpus } from "./index.js";

export interface Call {
  method: string;
  payload: Record<string, any>;
  /** What the (fake) API returned: sent messages carry their message_id. */
  result?: any;
}

export const UNIT_TOKEN = "42:unit-test";

export interface UnitBot {
  bot: Bot<BotContext>;
  /** The library behind the archive (tests only: the bot never sees it). */
  library: LocalLibrary;
  deps: BotDeps;
  calls: Call[];
  corpusDir: string;
  dataDir: string;
  send(update: Partial<Update>): Promise<Call[]>;
}

export async function createUnitBot(
  options: {
    settings?: Partial<BotSettings>;
    library?: Partial<LibraryOptions>;
    service?: (s: AnswerService) => AnswerService;
    respond?: (c: Call) => unknown;
    log?: Logger;
    /** Where answers are kept across restarts (default: in memory only). */
    answersFile?: string;
    /** Where feedback is written (default: a fresh temporary file). */
    feedbackFile?: string;
  } = {},
): Promise<UnitBot> {
  const { corpusDir, dataDir } = scratchCorpus();
  const embeddings = new HashEmbeddings();
  const { index } = await buildIndex({ corpusDir, dataDir, embeddings });
  const library = createLibrary({ corpusDir, dataDir, embeddings, index, ...options.library });
  const base = createAnswerService({ retriever: localRetriever(() => library.current()) });
  const deps: BotDeps = {
    archive: createArchive({ service: options.service ? options.service(base) : base, library }),
    feedback: createFeedbackStore(options.feedbackFile ?? path.join(mkdtempSync(path.join(os.tmpdir(), "citebot-fb-")), "feedback.jsonl")),
    memory: createAnswerMemory({ file: options.answersFile }),
    stats: { startedAt: Date.now(), questions: 0, abstained: 0, totalMs: 0 },
    settings: testSettings({ token: UNIT_TOKEN, apiRoot: "http://127.0.0.1:9", ...options.settings }),
    log: options.log ?? createLogger(process.env.TEST_LOG_LEVEL ?? "silent"),
  };
  const calls: Call[] = [];
  let messageId = 1000;
  const capture: Transformer = async (_prev, method, payload) => {
    const call: Call = { method, payload: payload as Record<string, any> };
    calls.push(call);
    const custom = options.respond?.(call);
    if (custom !== undefined) return { ok: true, result: (call.result = custom) } as never;
    if (method === "sendMessage" || method === "sendDocument") {
      const p = payload as Record<string, any>;
      call.result = {
        message_id: ++messageId,
        date: 0,
        chat: { id: p.chat_id, type: Number(p.chat_id) < 0 ? "supergroup" : "private", first_name: "x" },
        text: p.text ?? "",
      };
      return { ok: true, result: call.result } as never;
    }
    return { ok: true, result: (call.result = true) } as never;
  };
  const bot = createBot(deps, {
    botInfo: {
      id: 777,
      is_bot: true,
      first_name: "citebot",
      username: "citebot_test_bot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: true,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    },
    throttle: false,
    transformers: [capture],
  });
  let updateId = 0;
  return {
    bot,
    library,
    deps,
    calls,
    corpusDir,
    dataDir,
    async send(update) {
      const from = calls.length;
      await bot.handleUpdate({ update_id: ++updateId, ...update } as Update);
      return calls.slice(from);
    },
  };
}

let msgId = 0;
export function textMessage(
  text: string,
  opts: { userId?: number; chatId?: number; chatType?: "private" | "group" | "supergroup"; lang?: string } = {},
): Partial<Update> {
  const userId = opts.userId ?? 1;
  const chatType = opts.chatType ?? "private";
  const chat =
    chatType === "private"
      ? { id: opts.chatId ?? userId, type: "private", first_name: "u" }
      : { id: opts.chatId ?? -1, type: chatType, title: "群" };
  const entities = text.startsWith("/") ? [{ type: "bot_command", offset: 0, length: text.split(/\s/)[0]!.length }] : undefined;
  return {
    message: {
      message_id: ++msgId,
      date: 0,
      chat,
      from: { id: userId, is_bot: false, first_name: "u", language_code: opts.lang ?? "zh-hans" },
      text,
      entities,
    } as never,
  };
}

export function callbackQuery(
  data: string,
  opts: { userId?: number; lang?: string; messageId?: number; chatId?: number } = {},
): Partial<Update> {
  const userId = opts.userId ?? 1;
  const chatId = opts.chatId ?? userId;
  const chat = chatId < 0 ? { id: chatId, type: "supergroup", title: "群" } : { id: chatId, type: "private", first_name: "u" };
  return {
    callback_query: {
      id: String(++msgId),
      chat_instance: "ci",
      data,
      from: { id: userId, is_bot: false, first_name: "u", language_code: opts.lang ?? "zh-hans" },
      message: { message_id: opts.messageId ?? 1, date: 0, chat, text: "答：…" },
    } as never,
  };
}

/** A press of the button labelled `label` on a message the bot sent (its own chat and message id). */
export function press(sentCall: Call, label: string | RegExp, opts: { userId?: number } = {}): Partial<Update> {
  const buttons = (sentCall.payload.reply_markup?.inline_keyboard ?? []).flat() as Array<{ text: string; callback_data: string }>;
  const b = buttons.find((x) => (typeof label === "string" ? x.text === label : label.test(x.text)));
  if (!b) throw new Error(`no button ${label} among ${buttons.map((x) => x.text).join(", ")}`);
  const chatId = Number(sentCall.payload.chat_id);
  const update = callbackQuery(b.callback_data, {
    userId: opts.userId ?? (chatId > 0 ? chatId : 1),
    chatId,
    messageId: sentCall.result.message_id,
  });
  // the pressed message as Telegram sends it along: with its buttons
  Object.assign((update.callback_query as unknown as { message: object }).message, { reply_markup: sentCall.payload.reply_markup });
  return update;
}

/** A Bot API file endpoint on 127.0.0.1 serving `files` by path (404 for anything else). */
export async function fileServer(files: Record<string, Buffer>): Promise<{ apiRoot: string; close: () => void }> {
  const http = await import("node:http");
  const server = http.createServer((req, res) => {
    const prefix = `/file/bot${UNIT_TOKEN}/`;
    const data = req.url?.startsWith(prefix) ? files[req.url.slice(prefix.length)] : undefined;
    res.writeHead(data ? 200 : 404).end(data);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as import("node:net").AddressInfo;
  return { apiRoot: `http://127.0.0.1:${port}`, close: () => server.close() };
}
