/**
 * Promise 4: the bot survives Bot API faults — 429 with retry_after (waits, then delivers), 500s,
 * dropped connections, a slow API — and keeps polling; after a restart no update is answered twice.
 * Real bot (auto-retry, throttler, runner) → fault proxy → telegram-test-api emulator.
 */
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BotDeps } from "../../src/bot/context.js";
import { createBot } from "../../src/bot/create-bot.js";
import { startBot } from "../../src/bot/start-bot.js";
import { createLogger } from "../../src/logger.js";
import { TOKEN, createTestDeps, emulatorShim, freePort, waitFor } from "../helpers/bot-harness.js";
import { type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.js";

let server: TelegramServer;
let proxy: FaultProxy;
let deps: BotDeps;
const log = createLogger("silent");

beforeAll(async () => {
  server = new TelegramServer({ port: await freePort(), host: "127.0.0.1" });
  await server.start();
  proxy = await startFaultProxy(server.config.apiURL);
  deps = { ...(await createTestDeps({ apiRoot: proxy.url })), log };
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

const start = () => startBot(createBot(deps, { transformers: [emulatorShim([])] }), { port: 0, log });
const repliesTo = (chatId: number) =>
  server.storage.botMessages.filter((u) => String(u.message.chat_id) === String(chatId)).map((u) => u.message.text as string);

describe("Bot API faults", () => {
  it("delivers through 429 retry_after, 500, a dropped connection and a slow API, keeps polling, and answers nothing twice after a restart", async () => {
    const stop = await start();
    const chat = 31337;
    const client = server.getClient(TOKEN, { userId: chat, chatId: chat, type: "private" });
    const ask = (q: string) => client.sendMessage(client.makeMessage(q));

    proxy.inject("getUpdates", { kind: "500" }, { kind: "drop" });
    proxy.inject("sendMessage", { kind: "429", retryAfter: 1 });
    const t0 = Date.now();
    await ask("义乌前11个月直播带货多少场？");
    await waitFor(() => repliesTo(chat).length === 1, "the answer after 429", 20_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000); // it waited retry_after

    proxy.inject("sendMessage", { kind: "500" });
    await ask("1-5月义乌外贸进出口总值是多少？");
    await waitFor(() => repliesTo(chat).length === 2, "the answer after 500", 20_000);

    proxy.inject("sendMessage", { kind: "drop" });
    await ask("双十一期间义乌电商企业实现了多少网络零售额？");
    await waitFor(() => repliesTo(chat).length === 3, "the answer after a dropped connection", 20_000);

    proxy.inject("sendMessage", { kind: "slow", ms: 2500 });
    proxy.inject("getUpdates", { kind: "slow", ms: 1500 });
    await ask("义乌女子足球小将在哪里训练？");
    await waitFor(() => repliesTo(chat).length === 4, "the answer through a slow API", 20_000);

    const replies = repliesTo(chat);
    expect(replies[0]).toContain("21.2万场");
    expect(replies[1]).toContain("1831");
    expect(replies[2]).toContain("162.23亿元");
    expect(replies[3]).toContain("梅湖体育中心");

    // restart: the old updates are confirmed, so the new instance answers only the new question
    await stop();
    const stop2 = await start();
    try {
      await ask("市委全面深化改革委员会第几次会议？");
      await waitFor(() => repliesTo(chat).length >= 5, "the answer after the restart", 20_000);
      await new Promise((r) => setTimeout(r, 1500));
      expect(repliesTo(chat)).toHaveLength(5);
      expect(repliesTo(chat)[4]).toContain("第7次会议");
    } finally {
      await stop2();
    }
  }, 90_000);
});
