/**
 * Reply latency as users feel it (issue #14, point 1), through the telegram-test-api emulator with
 * the real bot (runner, auto-retry, outgoing throttler on): a single question in an idle private
 * chat, a burst of three questions in one second, and a busy group. Written to
 * bench/latency-results.md (figures, not thresholds); the test asserts that every question is
 * answered once.
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import { afterAll, expect, it } from "vitest";
import { BOT_USERNAME, startHarness, TOKEN } from "../helpers/bot-harness.js";
import { QUESTIONS, pct } from "./figures.js";

const rows: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(() => {
  const report = [
    "## Reply latency (npm run test:load)",
    "",
    `Through the telegram-test-api emulator on 127.0.0.1, the real bot with its outgoing throttler, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores;`,
    "latency from the user's message to the bot's reply arriving at the emulator:",
    "",
    "| scenario | questions | p50 ms | p95 ms | max ms |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
  writeFileSync(new URL("../../bench/latency-results.md", import.meta.url), `${report}\n`);
  console.log(report);
});

it("replies: a single idle question, a burst of three in a second, a busy group", async () => {
  const h = await startHarness({ rateLimitPerMinute: 1000 });
  try {
    const arrived = new Map<string, number[]>();
    let seen = 0;
    h.server.on("AddedBotMessage", () => {
      const all = h.server.storage.botMessages;
      for (; seen < all.length; seen++) {
        const chat = String(all[seen]!.message.chat_id);
        arrived.set(chat, [...(arrived.get(chat) ?? []), performance.now()]);
      }
    });
    const replies = async (chat: number, n: number) => {
      const until = Date.now() + 60_000;
      while ((arrived.get(String(chat))?.length ?? 0) < n && Date.now() < until) await sleep(5);
      return arrived.get(String(chat)) ?? [];
    };
    const line = (name: string, xs: number[]) =>
      `| ${name} | ${xs.length} | ${pct(xs, 50).toFixed(0)} | ${pct(xs, 95).toFixed(0)} | ${Math.max(...xs).toFixed(0)} |`;

    // idle: one question at a time, each in a chat of its own
    const idle: number[] = [];
    for (let i = 0; i < 30; i++) {
      const id = 300_000 + i;
      const c = h.server.getClient(TOKEN, { userId: id, chatId: id, type: "private", firstName: "idle" });
      const t0 = performance.now();
      await c.sendMessage(c.makeMessage(QUESTIONS[i % QUESTIONS.length]!));
      const [at] = await replies(id, 1);
      idle.push(at! - t0);
      await sleep(50);
    }
    rows.push(line("one question, idle private chat", idle));

    // a burst: three questions within one second in one private chat; time until each reply
    const burst: number[] = [];
    for (let round = 0; round < 5; round++) {
      const id = 310_000 + round;
      const c = h.server.getClient(TOKEN, { userId: id, chatId: id, type: "private", firstName: "burst" });
      const sent: number[] = [];
      for (let i = 0; i < 3; i++) {
        sent.push(performance.now());
        await c.sendMessage(c.makeMessage(QUESTIONS[i]!));
        if (i < 2) await sleep(400);
      }
      const got = await replies(id, 3);
      expect(got).toHaveLength(3);
      burst.push(...got.map((at, i) => at - sent[i]!));
    }
    rows.push(line("burst of 3 in 1 s, private chat (each reply)", burst));

    // a busy group: eight members ask at once
    const group = -1_003_000;
    const members = Array.from({ length: 8 }, (_, i) =>
      h.server.getClient(TOKEN, { userId: 320_000 + i, chatId: group, type: "group", firstName: `m${i}` }),
    );
    const t0 = performance.now();
    const mention = `@${BOT_USERNAME}`;
    await Promise.all(
      members.map((c, i) =>
        c.sendMessage(
          c.makeMessage(`${mention} ${QUESTIONS[i % QUESTIONS.length]!}`, {
            entities: [{ type: "mention", offset: 0, length: mention.length }],
          }),
        ),
      ),
    );
    const got = await replies(group, members.length);
    expect(got).toHaveLength(members.length);
    rows.push(
      line(
        "8 questions at once in one group",
        got.map((at) => at - t0),
      ),
    );
  } finally {
    await h.stop();
  }
}, 120_000);
