/**
 * Red-team findings on the bot (issue #11): documents in groups, confirmation of uploads, button
 * floods and forged or replayed callback data, pseudonymous feedback, a full disk under the
 * feedback file, and group chatter against the rate limit.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createFeedbackStore, hashUserId } from "../../src/bot/feedback-store.js";
import { loadSecretKey } from "../../src/secret-key.js";
import { TEST_SECRET_KEY } from "../helpers/bot-harness.js";
import { type Call, callbackQuery, createUnitBot, fileServer, press, textMessage } from "../helpers/bot-unit.js";

const ADMIN = 500;
const sent = (calls: Call[], method = "sendMessage") => calls.filter((c) => c.method === method);
const QUESTION = "义乌前11个月直播带货多少场？";

const documentIn = (chat: { id: number; type: string }, userId: number, name: string) => ({
  message: {
    message_id: 77,
    date: 0,
    chat: chat.type === "private" ? { ...chat, first_name: "a" } : { ...chat, title: "群" },
    from: { id: userId, is_bot: false, first_name: "a" },
    document: { file_id: "f", file_unique_id: "u", file_name: name, file_size: 120 },
  } as never,
});

describe("uploads", () => {
  it("an admin's document in a group is never taken; in a private chat only after the admin confirms", async () => {
    const files = await fileServer({ "d/leak.txt": Buffer.from("本报讯 内部消息：测试金库的密码是七七八八。\n\n内部消息\n") });
    try {
      const u = await createUnitBot({
        settings: { adminIds: [ADMIN], apiRoot: files.apiRoot },
        respond: (c) => (c.method === "getFile" ? { file_id: "f", file_unique_id: "u", file_path: "d/leak.txt" } : undefined),
      });
      // a group: no reply, no download, nothing in the corpus
      const inGroup = await u.send(documentIn({ id: -100, type: "supergroup" }, ADMIN, "leak.txt"));
      expect(inGroup.map((c) => c.method)).toEqual([]);
      expect(existsSync(path.join(u.corpusDir, "leak.txt"))).toBe(false);

      // private: a question with buttons, nothing added yet
      const ask = sent(await u.send(documentIn({ id: ADMIN, type: "private" }, ADMIN, "leak.txt")))[0]!;
      expect(ask.payload.text).toMatch(/要把 leak\.txt/);
      expect(existsSync(path.join(u.corpusDir, "leak.txt"))).toBe(false);
      // the same button pressed on another message, or by someone else: refused
      const data = (ask.payload.reply_markup.inline_keyboard.flat() as Array<{ callback_data: string }>)[0]!.callback_data;
      const elsewhere = await u.send(callbackQuery(data, { userId: ADMIN, messageId: ask.result.message_id + 5 }));
      expect(sent(elsewhere, "answerCallbackQuery")[0]!.payload.text).toMatch(/过期/);
      const stranger = await u.send(callbackQuery(data, { userId: 12, chatId: ADMIN, messageId: ask.result.message_id }));
      expect(sent(stranger, "answerCallbackQuery")[0]!.payload.text).toMatch(/管理员/);
      expect(existsSync(path.join(u.corpusDir, "leak.txt"))).toBe(false);
      // cancel: nothing added, and the button is spent
      const cancelled = await u.send(press(ask, "✖ 取消", { userId: ADMIN }));
      expect(sent(cancelled, "editMessageText")[0]!.payload.text).toBe("已取消，leak.txt 没有加入资料库。");
      const again = await u.send(press(ask, "✅ 加入", { userId: ADMIN }));
      expect(sent(again, "answerCallbackQuery")[0]!.payload.text).toMatch(/过期/);
      expect(existsSync(path.join(u.corpusDir, "leak.txt"))).toBe(false);
      // confirmed: added and reindexed
      const ask2 = sent(await u.send(documentIn({ id: ADMIN, type: "private" }, ADMIN, "leak.txt")))[0]!;
      await u.send(press(ask2, "✅ 加入", { userId: ADMIN }));
      expect(existsSync(path.join(u.corpusDir, "leak.txt"))).toBe(true);
    } finally {
      files.close();
    }
  });
});

describe("upload names", () => {
  it("a 120-character Chinese name is shortened to fit the file system (no ENAMETOOLONG), no temporary file is left", async () => {
    const u = await createUnitBot();
    const name = `${"义乌市场采购贸易方式试点".repeat(10)}.txt`; // 120 characters, 360 bytes
    const { file } = await u.deps.archive.addDocument(name, Buffer.from("本报讯 测试。\n\n标题\n"));
    expect(Buffer.byteLength(file)).toBeLessThanOrEqual(200);
    expect(file.endsWith(".txt")).toBe(true);
    expect(existsSync(path.join(u.corpusDir, file))).toBe(true);
    expect(readdirSync(u.corpusDir).filter((n) => n.startsWith(".upload-"))).toEqual([]);
  });
});

describe("buttons", () => {
  it("200 原文 presses from one user are held to the rate limit", async () => {
    const u = await createUnitBot({ settings: { rateLimitPerMinute: 20 } });
    const a = sent(await u.send(textMessage(QUESTION, { userId: 3 })))[0]!;
    let messages = 0;
    let shown = 0;
    for (let i = 0; i < 200; i++) {
      const calls = await u.send(press(a, "原文 1", { userId: 3 }));
      messages += sent(calls).length;
      shown += calls.filter((c) => c.method === "sendMessage" || c.method === "editMessageText").length;
    }
    expect(shown).toBe(19); // the question itself was the 20th update of the minute
    expect(messages).toBe(1); // one article message, turned to the excerpt's page after that
    const refusals = u.calls.filter((c) => c.method === "answerCallbackQuery" && /太频繁/.test(c.payload.text ?? ""));
    expect(refusals.length).toBe(200 - 19);
  });

  it("200 👍 from one user make one record; a forged or replayed answer id makes none", async () => {
    const u = await createUnitBot();
    const a = sent(await u.send(textMessage(QUESTION, { userId: 3 })))[0]!;
    for (let i = 0; i < 200; i++) await u.send(press(a, "👍", { userId: 3 }));
    expect(await u.deps.feedback.all()).toHaveLength(1);
    const last = u.calls.filter((c) => c.method === "answerCallbackQuery").at(-1)!;
    expect(last.payload.text).toBe("已经记录过了，谢谢！");
    // changing one's mind is one more record
    await u.send(press(a, "👎", { userId: 3 }));
    expect((await u.deps.feedback.all()).map((r) => r.vote)).toEqual(["up", "down"]);
    // an id the bot never issued
    const forged = await u.send(callbackQuery("f:d:AAAAAAAA", { userId: 3, messageId: a.result.message_id }));
    expect(sent(forged, "answerCallbackQuery")[0]!.payload.text).toMatch(/过期/);
    // a real id pressed on another message
    const data = (a.payload.reply_markup.inline_keyboard.flat() as Array<{ text: string; callback_data: string }>).find(
      (b) => b.text === "👍",
    )!.callback_data;
    await u.send(callbackQuery(data, { userId: 4, messageId: a.result.message_id + 1 }));
    expect(await u.deps.feedback.all()).toHaveLength(2);
  });

  it("the 👍/👎 buttons show the answer's current votes, each user's latest", async () => {
    const GROUP = -1003;
    const u = await createUnitBot();
    const a = sent(await u.send(textMessage(`/ask ${QUESTION}`, { userId: 3, chatType: "supergroup", chatId: GROUP })))[0]!;
    const labels = (calls: Call[]) => {
      const edit = calls.find((c) => c.method === "editMessageReplyMarkup");
      return edit
        ? (edit.payload.reply_markup.inline_keyboard.flat() as Array<{ text: string }>).map((b) => b.text).filter((t) => /👍|👎/.test(t))
        : null;
    };
    expect(labels(await u.send(press(a, "👍", { userId: 3 })))).toEqual(["👍 1", "👎"]);
    expect(labels(await u.send(press(a, "👎", { userId: 4 })))).toEqual(["👍 1", "👎 1"]);
    expect(labels(await u.send(press(a, "👍", { userId: 3 })))).toBeNull(); // unchanged: nothing to edit
    expect(labels(await u.send(press(a, "👎", { userId: 3 })))).toEqual(["👍", "👎 2"]);
  });

  it("an article view pages only for its owner, on its own message", async () => {
    const GROUP = -1001;
    const u = await createUnitBot();
    const q = textMessage("/ask 义乌如何贯彻中央精神、落实省委决策部署？", { userId: 3, chatType: "supergroup", chatId: GROUP });
    const a = sent(await u.send(q))[0]!;
    let view: Call | undefined;
    for (const b of (a.payload.reply_markup.inline_keyboard.flat() as Array<{ text: string }>).filter((x) => x.text.startsWith("原文"))) {
      const v = sent(await u.send(press(a, b.text, { userId: 3 })))[0]!;
      if (v.payload.reply_markup) view = v;
    }
    expect(view, "a paged view").toBeDefined();
    // another member presses (or forges) the pager of user 3's view
    const other = await u.send(press(view!, "下一页 ▶", { userId: 4 }));
    expect(sent(other, "editMessageText")).toHaveLength(0);
    expect(sent(other, "answerCallbackQuery")[0]!.payload.text).toMatch(/别人打开的原文/);
    // the view's data replayed onto the question's answer message
    const data = (view!.payload.reply_markup.inline_keyboard.flat() as Array<{ callback_data: string }>)[0]!.callback_data;
    const replay = await u.send(callbackQuery(data, { userId: 3, chatId: GROUP, messageId: a.result.message_id }));
    expect(sent(replay, "editMessageText")).toHaveLength(0);
    // the owner pages it
    const mine = await u.send(press(view!, "下一页 ▶", { userId: 3 }));
    expect(sent(mine, "editMessageText")).toHaveLength(1);
  });

  it("group chatter does not count against the rate limit; over it, one notice and then silence", async () => {
    const GROUP = -1002;
    const u = await createUnitBot({ settings: { rateLimitPerMinute: 3 } });
    for (let i = 0; i < 30; i++)
      expect(sent(await u.send(textMessage(`闲聊 ${i}`, { userId: 5, chatType: "supergroup", chatId: GROUP })))).toHaveLength(0);
    const ask = (i: number) => u.send(textMessage(`/ask ${QUESTION} ${i}`, { userId: 5, chatType: "supergroup", chatId: GROUP }));
    for (let i = 0; i < 3; i++) expect(sent(await ask(i))[0]!.payload.text).toContain("21.2万场");
    expect(sent(await ask(3))[0]!.payload.text).toBe("提问太频繁了，请一分钟后再试。");
    for (let i = 4; i < 10; i++) expect(sent(await ask(i))).toHaveLength(0);
  });
});

describe("feedback privacy and a full disk", () => {
  it("user ids are a keyed HMAC, not a hash anyone can recompute; the files are 0600", async () => {
    const u = await createUnitBot();
    const a = sent(await u.send(textMessage(QUESTION, { userId: 31337 })))[0]!;
    await u.send(press(a, "👍", { userId: 31337 }));
    const [r] = await u.deps.feedback.all();
    expect(r!.user).toBe(hashUserId(TEST_SECRET_KEY, 31337));
    // the old unkeyed scheme (and any fixed prefix) cannot find it by enumerating ids
    const unkeyed = createHash("sha256").update("citebot-user:31337").digest("hex");
    expect(unkeyed.startsWith(r!.user.slice(0, 16))).toBe(false);
    expect(hashUserId(new Uint8Array(32).fill(8), 31337)).not.toBe(r!.user);
    const dir = mkdtempSync(path.join(os.tmpdir(), "citebot-key-"));
    const key = await loadSecretKey(dir);
    expect(key.length).toBe(32);
    expect(statSync(path.join(dir, "secret.key")).mode & 0o777).toBe(0o600);
    expect((await loadSecretKey(dir)).equals(key)).toBe(true); // stable across restarts
    const store = createFeedbackStore(path.join(dir, "feedback.jsonl"));
    await store.record({ ...r!, answerId: "abcdefgh" });
    expect(statSync(path.join(dir, "feedback.jsonl")).mode & 0o777).toBe(0o600);
  });

  it("a write that fails with ENOSPC fails that vote only; the next one is stored once space is back", async () => {
    if (!existsSync("/dev/full")) return void console.warn("skipped: no /dev/full on this machine");
    const dir = mkdtempSync(path.join(os.tmpdir(), "citebot-full-"));
    const file = path.join(dir, "feedback.jsonl");
    symlinkSync("/dev/full", file); // every write there fails with ENOSPC, from the kernel
    const store = createFeedbackStore(file);
    const rec = (answerId: string) => ({
      at: "2026-01-01T00:00:00Z",
      vote: "up" as const,
      question: "q",
      answer: "a",
      citations: [],
      user: "u",
      answerId,
    });
    await expect(store.record(rec("aaaaaaaa"))).rejects.toMatchObject({ code: "ENOSPC" });
    rmSync(file);
    writeFileSync(file, "");
    await expect(store.record(rec("bbbbbbbb"))).resolves.toBe("recorded");
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(1);
  });
});
