/**
 * End to end, as a user would: the real bot (grammY, runner, auto-retry, throttler, real index)
 * against the telegram-test-api Bot API emulator over HTTP (TELEGRAM_API_ROOT).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOT_ID, BOT_USERNAME, type Harness, TOKEN, botMessages, startHarness, waitFor } from "../helpers/bot-harness.js";
import { telegramProblems } from "../helpers/telegram-validity.js";

const ADMIN = 9001;
const USER = 1001;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ adminIds: [ADMIN] });
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

function client(userId: number, chat: { id: number; type: "private" | "group" | "supergroup" }) {
  return h.server.getClient(TOKEN, {
    userId,
    chatId: chat.id,
    type: chat.type,
    firstName: `u${userId}`,
    userName: `user${userId}`,
    chatTitle: "测试群",
  });
}

/** Sends a message and waits for the bot's next message in that chat. */
async function ask(c: ReturnType<typeof client>, chatId: number, text: string, options: object = {}) {
  const before = botMessages(h, chatId).length;
  await c.sendMessage(c.makeMessage(text, options));
  return waitFor(() => botMessages(h, chatId)[before], `a reply to ${JSON.stringify(text.slice(0, 30))}`);
}

describe("the bot against the Bot API emulator", () => {
  it("answers a question in a private chat with the right cited article and citation buttons", async () => {
    const c = client(USER, { id: USER, type: "private" });
    const reply = await ask(c, USER, "双十一期间义乌电商企业实现了多少网络零售额？");
    expect(reply.text).toContain("答：");
    expect(reply.text).toContain("[1] “双十一”义乌电商企业成交额再创新高");
    // a titled article is identified by its headline: no file name in the card
    expect(reply.text).not.toContain("001_6b5e5d708e68a49d.txt");
    expect(reply.entities?.some((e) => e.type === "expandable_blockquote")).toBe(true);
    expect(telegramProblems(reply.text, reply.entities)).toEqual([]);
    const buttons = reply.reply_markup!.inline_keyboard.flat().map((b) => b.text);
    expect(buttons).toEqual(expect.arrayContaining(["原文 1", "👍", "👎"]));
    // an extractive answer takes milliseconds: no "typing…" that would take the chat's throttle slot
    expect(h.stubbed.some((s) => s.method === "sendChatAction" && String(s.payload.chat_id) === String(USER))).toBe(false);
  });

  it("says plainly when the archive holds no answer", async () => {
    const c = client(USER, { id: USER, type: "private" });
    const reply = await ask(c, USER, "Python 怎么读取 CSV 文件？");
    expect(reply.text).toBe("抱歉，资料库中没有找到能回答这个问题的内容。");
    expect(reply.reply_markup).toBeUndefined();
  });

  it("in a group, stays silent without a mention and answers with one", async () => {
    const group = -100777;
    const c = client(USER, { id: group, type: "supergroup" });
    await c.sendMessage(c.makeMessage("义乌前11个月直播带货多少场？"));
    // a later, mentioned question is answered first: the unmentioned one got nothing
    const reply = await ask(c, group, `@${BOT_USERNAME} 义乌前11个月直播带货多少场？`, {
      entities: [{ type: "mention", offset: 0, length: BOT_USERNAME.length + 1 }],
    });
    expect(reply.text).toContain("21.2万场");
    expect(botMessages(h, group)).toHaveLength(1);
    // a reply to the bot's message is a question too
    const viaReply = await ask(c, group, "1-5月义乌外贸进出口总值是多少？", {
      reply_to_message: { message_id: reply.message_id, from: { id: BOT_ID, is_bot: true, first_name: "bot" } },
    });
    expect(viaReply.text).toContain("1831");
  });

  it("原文 1 sends the whole article with the excerpt in bold", async () => {
    const c = client(USER, { id: USER, type: "private" });
    const reply = await ask(c, USER, "义乌女子足球小将在哪里训练？");
    const source1 = reply.reply_markup!.inline_keyboard.flat().find((b) => b.text === "原文 1")!;
    const before = botMessages(h, USER).length;
    await c.sendCallback(c.makeCallbackQuery(source1.callback_data!, { message: { message_id: reply.message_id } }));
    const article = await waitFor(() => botMessages(h, USER)[before], "the article");
    expect(article.text.split("\n")[0]).toBe("夯实基本功 提高技战术水平 / 义乌足球小将全力备战省运会 — 全媒体记者 左翠玉");
    expect(article.text).toContain("梅湖体育中心");
    const bold = article.entities!.filter((e) => e.type === "bold").map((e) => article.text.slice(e.offset, e.offset + e.length));
    expect(bold.some((b) => b.includes("梅湖体育中心"))).toBe(true);
    expect(telegramProblems(article.text, article.entities)).toEqual([]);
  });

  it("refuses /reindex to a non-admin and completes it for an admin with a diff", async () => {
    const user = client(USER, { id: USER, type: "private" });
    const before = botMessages(h, USER).length;
    await user.sendCommand(user.makeCommand("/reindex"));
    const refusal = await waitFor(() => botMessages(h, USER)[before], "the refusal");
    expect(refusal.text).toBe("抱歉，只有管理员可以使用这个命令。");

    const admin = client(ADMIN, { id: ADMIN, type: "private" });
    const { writeFileSync } = await import("node:fs");
    writeFileSync(`${h.corpusDir}/new-article.md`, "# 测试新文章\n\n义乌新建了一座测试图书馆，馆藏图书十万册。\n");
    await admin.sendCommand(admin.makeCommand("/reindex"));
    const done = await waitFor(() => botMessages(h, ADMIN).find((m) => m.text.startsWith("索引已更新")), "the reindex diff");
    expect(done.text).toMatch(/新增 1、修改 0、删除 0 个文件/);
    expect(done.text).toContain("+new-article.md");
    const answer = await ask(admin, ADMIN, "义乌新建的测试图书馆馆藏多少图书？");
    expect(answer.text).toContain("十万册");
  });

  it("gives a well-formed reply to a question full of markup, emoji and 4000 characters", async () => {
    const c = client(USER, { id: USER, type: "private" });
    const hostile = `<b>义乌</b> & _*[直播]*_ 带货 😀👍🏽👨‍👩‍👧 \`code\` <script>x</script> ${"很长的问题".repeat(780)}`.slice(0, 4000);
    const reply = await ask(c, USER, hostile);
    expect(telegramProblems(reply.text, reply.entities)).toEqual([]);
    const again = await ask(c, USER, "<b>&amp;</b>");
    expect(telegramProblems(again.text, again.entities)).toEqual([]);
  });
});
