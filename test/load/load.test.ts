/**
 * Promise 6 (npm run test:load): 1,000 questions from 50 simulated users through the
 * telegram-test-api emulator on loopback — every question answered exactly once, none lost,
 * memory stable. Answered/s and p95 reply latency are measured and written to
 * bench/load-results.md (figures, not thresholds).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import { TOKEN, startHarness } from "../helpers/bot-harness.js";
import { SEEDS_DEV } from "../helpers/paths.js";
import { pct } from "./figures.js";

const USERS = 50;
const PER_USER = 20;
const rows: string[] = [];

const questions = readFileSync(SEEDS_DEV, "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l).question as string);

afterAll(() => {
  const report = [
    "## Load test (npm run test:load)",
    "",
    `${USERS} users × ${PER_USER} questions through the telegram-test-api emulator on 127.0.0.1, real bot (runner, auto-retry), ${new Date().toISOString().slice(0, 10)}:`,
    "",
    "| outgoing throttler | questions | answered | seconds | answered/s | reply latency p50 / p95 / max ms | heap before → after MB |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    "Each user waits for its answer before asking again. With the throttler (the default) the bot keeps",
    "to Telegram's limits — about 30 messages/s overall and one per second in a private chat — so",
    "answered/s sits at that ceiling and latency is mostly the wait for the chat's next slot. Without it",
    "the figures show the bot's own capacity against the emulator.",
  ].join("\n");
  writeFileSync(new URL("../../bench/load-results.md", import.meta.url), `${report}\n`);
  console.log(report);
});

it.each([true, false])(
  `${USERS} users × ${PER_USER} questions (throttler on: %s): each answered exactly once, none lost, memory stable`,
  async (throttle) => {
    const h = await startHarness({ rateLimitPerMinute: 1000 }, { throttle });
    try {
      // one waiter per chat, woken by the emulator's "bot message added" event
      const waiting = new Map<string, () => void>();
      const counts = new Map<string, number>();
      let seen = 0;
      h.server.on("AddedBotMessage", () => {
        const all = h.server.storage.botMessages;
        for (; seen < all.length; seen++) {
          const chat = String(all[seen]!.message.chat_id);
          counts.set(chat, (counts.get(chat) ?? 0) + 1);
          waiting.get(chat)?.();
        }
      });

      globalThis.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      const latencies: number[] = [];
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: USERS }, async (_, u) => {
          const id = 200_000 + u;
          const client = h.server.getClient(TOKEN, { userId: id, chatId: id, type: "private", firstName: `load${u}` });
          for (let i = 0; i < PER_USER; i++) {
            const answered = new Promise<void>((resolve) => waiting.set(String(id), resolve));
            const sent = performance.now();
            await client.sendMessage(client.makeMessage(questions[(u + i) % questions.length]!));
            await answered;
            latencies.push(performance.now() - sent);
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 1500)); // anything answered twice would show up now
      globalThis.gc?.();
      const heapAfter = process.memoryUsage().heapUsed;

      expect(latencies).toHaveLength(USERS * PER_USER);
      for (let u = 0; u < USERS; u++) expect(counts.get(String(200_000 + u)), `user ${u}`).toBe(PER_USER);
      expect(heapAfter - heapBefore).toBeLessThan(64 * 2 ** 20);
      const answered = [...counts.values()].reduce((a, b) => a + b, 0);
      rows.push(
        `| ${throttle ? "on" : "off"} | ${USERS * PER_USER} | ${answered} | ${seconds.toFixed(1)} | ${((USERS * PER_USER) / seconds).toFixed(1)} | ${pct(latencies, 50).toFixed(0)} / ${pct(latencies, 95).toFixed(0)} / ${Math.max(...latencies).toFixed(0)} | ${(heapBefore / 2 ** 20).toFixed(0)} → ${(heapAfter / 2 ** 20).toFixed(0)} |`,
      );
    } finally {
      await h.stop();
    }
  },
);
