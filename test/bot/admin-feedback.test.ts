/**
 * Issue #14, points 6 and 8 end to end (bot.handleUpdate with captured calls; the command menu and
 * descriptions through the emulator): 👎 reasons, answers that survive a restart, confirmed
 * removals and replacements, unnamed uploads, download failures, admin-only command menus,
 * descriptions in zh and en, /stats in plain words.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startHarness, waitFor } from "../helpers/bot-harness.js";
import { type Call, createUnitBot, fileServer, press, textMessage } from "../helpers/bot-unit.js";

const ADMIN = 500;
const QUESTION = "义乌前11个月直播带货多少场？";
const sentCalls = (calls: Call[], method = "sendMessage") => calls.filter((c) => c.method === method);
const labels = (markup: { inline_keyboard: Array<Array<{ text: string }>> } | undefined) =>
  (markup?.inline_keyboard ?? []).map((row) => row.map((b) => b.text));

describe("feedback", () => {
  it("👎 offers optional reasons; a reason is stored with the vote, the row goes, and the export carries it", async () => {
    const u = await createUnitBot({ settings: { adminIds: [ADMIN] } });
    const a = sentCalls(await u.send(textMessage(QUESTION, { userId: 3 })))[0]!;
    const down = await u.send(press(a, "👎", { userId: 3 }));
    const markup = sentCalls(down, "editMessageReplyMarkup")[0]!.payload.reply_markup;
    expect(labels(markup).at(-1)).toEqual(["答案不对", "出处不相关", "没答全"]);
    expect(labels(markup).at(-2)).toEqual(["👍", "👎 1"]);
    const withReasons = { ...a, payload: { ...a.payload, reply_markup: markup } };
    const reason = await u.send(press(withReasons, "没答全", { userId: 3 }));
    expect(sentCalls(reason, "answerCallbackQuery")[0]!.payload.text).toBe("谢谢，已记下原因。");
    expect(labels(sentCalls(reason, "editMessageReplyMarkup")[0]!.payload.reply_markup)).toEqual([["原文 1"], ["👍", "👎 1"]]);
    const records = await u.deps.feedback.all();
    expect(records.map((r) => [r.vote, r.reason ?? null])).toEqual([
      ["down", null],
      ["down", "incomplete"],
    ]);
    const exported = await u.deps.feedback.exportEvalSet();
    expect(exported.count).toBe(exported.jsonl.trim().split("\n").length);
    expect(JSON.parse(exported.jsonl.trim())).toMatchObject({ feedback: "down", reason: "incomplete", needs_review: true });
  });

  it("answers stay addressable after a restart: 👍 stores the question, a reply continues the answer", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "citebot-restart-"));
    const files = { answersFile: path.join(dir, "answers.jsonl"), feedbackFile: path.join(dir, "feedback.jsonl") };
    const before = await createUnitBot(files);
    const a = sentCalls(await before.send(textMessage(QUESTION, { userId: 3 })))[0]!;
    expect(statSync(files.answersFile).mode & 0o777).toBe(0o600);
    // a new process: a new bot and memory, the same data directory
    const after = await createUnitBot(files);
    const up = await after.send(press(a, "👍", { userId: 3 }));
    expect(sentCalls(up, "answerCallbackQuery")[0]!.payload.text).toBe("谢谢！已记录 👍");
    const [record] = await after.deps.feedback.all();
    expect(record).toMatchObject({ vote: "up", question: QUESTION });
    expect((await after.deps.feedback.exportEvalSet()).count).toBe(1);
    // the reply-thread context of a group answer survives too
    const GROUP = -4001;
    const g = sentCalls(
      await before.send(textMessage(`/ask 1-5月义乌外贸进出口总值是多少？`, { userId: 3, chatType: "supergroup", chatId: GROUP })),
    )[0]!;
    const restarted = await createUnitBot(files);
    const reply = textMessage("那进口呢？", { userId: 4, chatType: "supergroup", chatId: GROUP });
    Object.assign(reply.message as object, { reply_to_message: { message_id: g.result.message_id, from: { id: 777, is_bot: true } } });
    const [followUp] = sentCalls(await restarted.send(reply));
    // without the thread the bare 那进口呢？ has nothing to go on; with it, the 1-5月 trade article answers
    expect(followUp!.payload.text.split("\n")[0]).toMatch(/^答：.*1-5月/);
  });
});

describe("admin", () => {
  const upload = (doc: Record<string, unknown>, userId = ADMIN) => ({
    message: {
      message_id: 99,
      date: 0,
      chat: { id: userId, type: "private", first_name: "a" },
      from: { id: userId, is_bot: false, first_name: "a" },
      document: { file_id: "f", file_size: 60, ...doc },
    } as never,
  });

  it("/remove asks first (✖ keeps the file); replacing a file says so; unnamed uploads get unique names; a failed download says what to do", async () => {
    const text = Buffer.from("# 上传测试\n\n义乌上传测试文章说，测试水库今年蓄水八千万立方米。\n");
    const server = await fileServer({ "documents/a.txt": text });
    let filePath = "documents/a.txt";
    const u = await createUnitBot({
      settings: { adminIds: [ADMIN], apiRoot: server.apiRoot },
      respond: (c) => (c.method === "getFile" ? { file_id: "f", file_unique_id: "u", file_path: filePath } : undefined),
    });
    try {
      const victim = "000_d579d1dab696a189.txt";
      const ask = sentCalls(await u.send(textMessage(`/remove ${victim}`, { userId: ADMIN })))[0]!;
      expect(labels(ask.payload.reply_markup)).toEqual([["🗑 删除", "✖ 取消"]]);
      const kept = await u.send(press(ask, "✖ 取消", { userId: ADMIN }));
      expect(sentCalls(kept, "editMessageText")[0]!.payload.text).toBe(`已取消，${victim} 仍在资料库中。`);
      expect(existsSync(path.join(u.corpusDir, victim))).toBe(true);
      // the button is one-shot: pressing 🗑 afterwards does nothing
      await u.send(press(ask, "🗑 删除", { userId: ADMIN }));
      expect(existsSync(path.join(u.corpusDir, victim))).toBe(true);

      // replacing a file of the corpus is said and confirmed as such
      const replace = sentCalls(await u.send(upload({ file_name: victim, file_unique_id: "r1" })))[0]!;
      expect(replace.payload.text).toBe(`资料库里已经有 ${victim}。要用这个文件（60 字节）替换它并重建索引吗？`);
      expect(labels(replace.payload.reply_markup)).toEqual([["✅ 替换", "✖ 取消"]]);
      const replaced = await u.send(press(replace, "✅ 替换", { userId: ADMIN }));
      expect(sentCalls(replaced, "editMessageText")[0]!.payload.text).toBe(`已替换 ${victim}，正在重建索引…`);

      // two documents without a name: two files, not one overwritten
      const names: string[] = [];
      for (const id of ["AgADx1", "AgADx2"]) {
        const q = sentCalls(await u.send(upload({ file_unique_id: id })))[0]!;
        const done = await u.send(press(q, "✅ 加入", { userId: ADMIN }));
        names.push(/已加入 (\S+)，/.exec(sentCalls(done, "editMessageText")[0]!.payload.text)![1]!);
      }
      expect(names[0]).toMatch(/^upload-\d{8}-AgADx1\.txt$/);
      expect(new Set(names).size).toBe(2);
      for (const n of names) expect(readFileSync(path.join(u.corpusDir, n), "utf8")).toContain("八千万立方米");

      // the file server has nothing: a plain message, no HTTP status or method names
      filePath = "documents/gone.txt";
      const q = sentCalls(await u.send(upload({ file_name: "gone.txt", file_unique_id: "g" })))[0]!;
      const failed = sentCalls(await u.send(press(q, "✅ 加入", { userId: ADMIN })), "editMessageText")[0]!.payload.text;
      expect(failed).toBe("没能从 Telegram 下载 gone.txt（文件可能太大或已过期），资料库没有改动。请重新发送这个文件。");
      expect(existsSync(path.join(u.corpusDir, "gone.txt"))).toBe(false);

      // a user who sends a document is told what documents are for here
      expect(sentCalls(await u.send(upload({ file_name: "x.txt", file_unique_id: "x" }, 12)))[0]!.payload.text).toBe(
        "只有管理员可以往资料库里添加文件。想问问题的话，直接发文字就行。",
      );
    } finally {
      server.close();
    }
  });

  it("/stats speaks plainly: no embedding ids, durations in words", async () => {
    const u = await createUnitBot({ settings: { adminIds: [ADMIN] } });
    const [stats] = sentCalls(await u.send(textMessage("/stats", { userId: ADMIN })));
    const text = stats!.payload.text as string;
    expect(text).toContain("检索方式：内置的离线检索（关键词加字词向量，不联网、不需要密钥）。");
    expect(text).toMatch(/启动 \d+ 分钟以来收到 \d+ 个问题/);
    expect(text).not.toMatch(/hash-v1|d128|u0\.3/);
    const [en] = sentCalls(await u.send({ ...textMessage("/stats", { userId: ADMIN, lang: "en" }) }));
    expect(en!.payload.text).toMatch(/In the \d+ minutes? since start/);
  });

  it("through the emulator: admin commands only in admins' menus; descriptions in zh and en", async () => {
    const h = await startHarness({ adminIds: [ADMIN, 501] });
    try {
      const calls = () => h.stubbed.filter((c) => c.method.startsWith("setMy"));
      // zh and en: everyone's menu, two admins' menus, a description and a short description
      await waitFor(() => calls().length >= 2 * (1 + 2 + 2), "the menus and descriptions");
      const menus = calls().filter((c) => c.method === "setMyCommands");
      const everyone = menus.filter((c) => !c.payload.scope);
      const admins = menus.filter((c) => (c.payload.scope as { type?: string } | undefined)?.type === "chat");
      const names = (c: (typeof menus)[number]) => (c.payload.commands as Array<{ command: string }>).map((x) => x.command);
      expect(everyone.map((c) => c.payload.language_code ?? "zh")).toEqual(["zh", "en"]);
      for (const c of everyone) expect(names(c)).not.toContain("reindex");
      expect(admins.map((c) => (c.payload.scope as { chat_id: number }).chat_id).sort()).toEqual([500, 500, 501, 501]);
      for (const c of admins) expect(names(c)).toEqual(expect.arrayContaining(["ask", "reindex", "stats", "remove", "feedback"]));
      for (const method of ["setMyDescription", "setMyShortDescription"]) {
        const set = calls().filter((c) => c.method === method);
        expect(set.map((c) => c.payload.language_code ?? "zh")).toEqual(["zh", "en"]);
        expect(String(set[0]!.payload.description ?? set[0]!.payload.short_description)).toMatch(/资料库/);
        expect(String(set[1]!.payload.description ?? set[1]!.payload.short_description)).toMatch(/archive/);
      }
    } finally {
      await h.stop();
    }
  });
});
