/**
 * Dates as users see them, end to end through the Bot API emulator over a dated archive
 * (test/fixtures/dated: one city 2021–2024): a question about the present gets the newest
 * article's fact with its date, and the citation card prints the date the page states.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, TOKEN, botMessages, startHarness, waitFor } from "../helpers/bot-harness.js";
import { ROOT } from "../helpers/paths.js";

const USER = 1201;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({}, { corpus: path.join(ROOT, "test/fixtures/dated/pages") });
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

async function ask(text: string): Promise<string> {
  const c = h.server.getClient(TOKEN, { userId: USER, chatId: USER, type: "private", firstName: "u", userName: "u" });
  const before = botMessages(h, USER).length;
  await c.sendMessage(c.makeMessage(text));
  const reply = await waitFor(() => botMessages(h, USER)[before], `a reply to ${text}`);
  // the reply is edited from a placeholder to the answer: wait for the final text
  return waitFor(
    () => (/\[1\]/.test(botMessages(h, USER)[before]!.text) ? botMessages(h, USER)[before]!.text : undefined),
    "the answer",
  ).then(() => botMessages(h, USER)[before]!.text ?? reply.text);
}

describe("dates in the bot's replies", () => {
  it("现任…: the newest article answers, the line names its date, the card prints it", async () => {
    const text = await ask("云溪市现任市长是谁？");
    expect(text).toContain("宋雅琴");
    expect(text).toContain("（2024年3月8日）");
    expect(text).toContain("2024年3月8日\n");
    // an older article on the same office may follow, with its own date: the newest comes first
    if (text.includes("林建国")) expect(text.indexOf("宋雅琴")).toBeLessThan(text.indexOf("林建国"));
  });

  it("a time-qualified question cites the article of that time, with its date", async () => {
    const text = await ask("2021年云溪市市长是谁？");
    expect(text).toContain("林建国");
    expect(text).toContain("2021年3月16日");
  });
});
