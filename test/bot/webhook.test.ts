/**
 * Webhook mode (issue #11, findings 1 and 7): only POSTs to the webhook path with the secret are
 * handled; forged, malformed and oversized bodies are refused without touching the bot or the
 * process; a slow update (longer than grammY's 10 s webhook timeout) is acknowledged at once and
 * finished in the background; webhook mode refuses to start without a secret.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBot } from "../../src/bot/create-bot.js";
import { startBot } from "../../src/bot/start-bot.js";
import { loadConfig } from "../../src/config.js";
import { createTestDeps, emulatorShim, freePort, waitFor } from "../helpers/bot-harness.js";

const ADMIN = 4242;
const SLOW_USER = 5151;
let server: TelegramServer;
let stop: () => Promise<void>;
let port: number;
let deps: Awaited<ReturnType<typeof createTestDeps>>;
let slowDone = false;

beforeAll(async () => {
  server = new TelegramServer({ port: await freePort(), host: "127.0.0.1" });
  await server.start();
  deps = await createTestDeps({ apiRoot: server.config.apiURL, rateLimitPerMinute: 100, adminIds: [ADMIN] });
  // a question that takes longer than grammY's webhook timeout (10 s), as a slow model would
  const archive = deps.archive;
  deps.archive = {
    ...archive,
    ask: async (q, o) => {
      if (q !== "slow") return archive.ask(q, o);
      await new Promise((r) => setTimeout(r, 11_000));
      slowDone = true;
      return archive.ask(q, o);
    },
  };
  const bot = createBot(deps, { transformers: [emulatorShim([])] });
  port = await freePort();
  stop = await startBot(bot, { webhookUrl: "https://example.invalid/tg/hook", webhookSecret: "s3cret", port, log: deps.log });
}, 60_000);
afterAll(async () => {
  await stop?.();
  await server?.stop();
});

let updateId = 100;
const update = (text: string, from = ADMIN) => ({
  update_id: ++updateId,
  message: {
    message_id: updateId,
    date: 0,
    chat: { id: from, type: "private", first_name: "w" },
    from: { id: from, is_bot: false, first_name: "w" },
    text,
    ...(text.startsWith("/") ? { entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }] } : {}),
  },
});
const post = (body: string, opts: { secret?: string; path?: string } = {}) =>
  fetch(`http://127.0.0.1:${port}${opts.path ?? "/tg/hook"}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(opts.secret ? { "x-telegram-bot-api-secret-token": opts.secret } : {}) },
    body,
  });

describe("webhook", () => {
  it("answers an update posted with the secret to the webhook path", async () => {
    expect((await post(JSON.stringify(update("义乌前11个月直播带货多少场？")), { secret: "s3cret" })).status).toBe(200);
    const reply = await waitFor(
      () => server.storage.botMessages.find((u) => String(u.message.chat_id) === String(ADMIN)),
      "the webhook reply",
    );
    expect(reply.message.text).toContain("21.2万场");
  });

  it("forged updates (no secret, wrong secret, other path) are refused and never handled: an admin /remove deletes nothing", async () => {
    const corpus = deps.corpusDir;
    const victim = path.join(corpus, "000_d579d1dab696a189.txt");
    const forged = JSON.stringify(update("/remove 000_d579d1dab696a189.txt"));
    expect((await post(forged)).status).toBe(401);
    expect((await post(forged, { secret: "wrong" })).status).toBe(401);
    expect((await post(forged, { secret: "s3cret", path: "/other" })).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/tg/hook`)).status).toBe(405);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.storage.botMessages.some((u) => /确定要从资料库删除/.test(u.message.text))).toBe(false);
    // the same update with the secret is handled: the refusals above are what kept the file
    expect((await post(forged, { secret: "s3cret" })).status).toBe(200);
    const ask = await waitFor(
      () => server.storage.botMessages.find((u) => /确定要从资料库删除/.test(u.message.text)),
      "the removal confirmation",
    );
    // pressing 🗑: forged without the secret it does nothing; with it the file goes
    const data = ask.message.reply_markup.inline_keyboard[0][0].callback_data as string;
    const pressed = JSON.stringify({
      update_id: ++updateId,
      callback_query: {
        id: `cb${updateId}`,
        from: { id: ADMIN, is_bot: false, first_name: "w" },
        chat_instance: "c",
        data,
        message: { message_id: ask.messageId, date: 0, chat: { id: ADMIN, type: "private", first_name: "w" }, text: ask.message.text },
      },
    });
    expect((await post(pressed)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(victim)).toBe(true);
    expect((await post(pressed, { secret: "s3cret" })).status).toBe(200);
    await waitFor(() => !existsSync(victim), "the confirmed /remove");
  });

  it("malformed, non-update and oversized bodies get 4xx and the process keeps serving", async () => {
    expect((await post('{"update_id": 1, "message": ', { secret: "s3cret" })).status).toBe(400);
    expect((await post("[1,2]", { secret: "s3cret" })).status).toBe(400);
    expect((await post('{"message": {}}', { secret: "s3cret" })).status).toBe(400);
    const huge = await post(JSON.stringify({ update_id: 1, pad: "x".repeat(2 << 20) }), { secret: "s3cret" }).catch(() => ({
      status: 413,
    }));
    expect(huge.status).toBe(413);
    const before = server.storage.botMessages.length;
    expect((await post(JSON.stringify(update("/help")), { secret: "s3cret" })).status).toBe(200);
    await waitFor(() => server.storage.botMessages.length > before || undefined, "a reply after the bad bodies");
  }, 20_000);

  it("an update slower than 10 s is acknowledged at once and finished in the background", async () => {
    const t0 = Date.now();
    const res = await post(JSON.stringify(update("slow", SLOW_USER)), { secret: "s3cret" });
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(slowDone).toBe(false);
    await waitFor(
      () => slowDone && server.storage.botMessages.find((u) => String(u.message.chat_id) === String(SLOW_USER)),
      "the slow update's reply",
      20_000,
    );
    // and the process still serves
    const before = server.storage.botMessages.length;
    await post(JSON.stringify(update("/help")), { secret: "s3cret" });
    await waitFor(() => server.storage.botMessages.length > before || undefined, "a reply after the slow update");
  }, 30_000);

  it("webhook mode without WEBHOOK_SECRET is refused at start", () => {
    expect(() => loadConfig({ WEBHOOK_URL: "https://example.org/hook" })).toThrow(/WEBHOOK_SECRET is needed/);
  });
});
