/** Webhook mode: WEBHOOK_URL + PORT serve updates over HTTP (secret token checked) instead of polling. */
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createBot } from "../../src/bot/create-bot.js";
import { startBot } from "../../src/bot/start-bot.js";
import { createTestDeps, emulatorShim, freePort, waitFor } from "../helpers/bot-harness.js";

let server: TelegramServer;
let stop: () => Promise<void>;
let port: number;

beforeAll(async () => {
  server = new TelegramServer({ port: await freePort(), host: "127.0.0.1" });
  await server.start();
  const deps = await createTestDeps({ apiRoot: server.config.apiURL, rateLimitPerMinute: 100 });
  const bot = createBot(deps, { transformers: [emulatorShim([])] });
  const log = deps.log;
  port = await freePort();
  stop = await startBot(bot, { webhookUrl: `https://example.invalid/hook`, webhookSecret: "s3cret", port, log });
}, 60_000);
afterAll(async () => {
  await stop?.();
  await server?.stop();
});

const update = (text: string) => ({
  update_id: 1,
  message: { message_id: 5, date: 0, chat: { id: 4242, type: "private", first_name: "w" }, from: { id: 4242, is_bot: false, first_name: "w" }, text },
});

it("answers an update posted to the webhook and refuses one without the secret", async () => {
  const post = (secret?: string) =>
    fetch(`http://127.0.0.1:${port}/`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}) },
      body: JSON.stringify(update("义乌前11个月直播带货多少场？")),
    });
  expect((await post("wrong")).status).toBe(401);
  expect((await post("s3cret")).status).toBe(200);
  const reply = await waitFor(() => server.storage.botMessages.find((u) => String(u.message.chat_id) === "4242"), "the webhook reply");
  expect(reply.message.text).toContain("21.2万场");
});
