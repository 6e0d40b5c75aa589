/** Bot features through bot.handleUpdate, with an API transformer capturing every call. */
import { localRetriever } from "../../src/search/index.js";
import { existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { hashUserId } from "../../src/bot/feedback-store.js";
import { TEST_SECRET_KEY } from "../helpers/bot-harness.js";
import { type Call, callbackQuery, createUnitBot, press, textMessage, UNIT_TOKEN } from "../helpers/bot-unit.js";
import { telegramProblems } from "../helpers/telegram-validity.js";

const ADMIN = 500;
const sent = (calls: Array<{ method: string; payload: Record<string, any> }>, method = "sendMessage") =>
  calls.filter((c) => c.method === method).map((c) => c.payload);

describe("questions and language", () => {
  it("answers in Chinese by default and in English for an English-speaking user", async () => {
    const u = await createUnitBot();
    const [zh] = sent(await u.send(textMessage("Python 怎么读取 CSV 文件？")));
    expect(zh!.text).toBe("抱歉，资料库中没有找到能回答这个问题的内容。");
    const [en] = sent(await u.send(textMessage("Python 怎么读取 CSV 文件？", { lang: "en" })));
    expect(en!.text).toBe("Sorry, the archive holds nothing that answers this question.");
    const [help] = sent(await u.send(textMessage("/help", { lang: "en" })));
    expect(help!.text).toContain("Tap a question to try it:");
    expect(help!.text).not.toMatch(/[\u2068\u2069]/); // no Fluent isolation marks
  });

  it("/ask works in groups; plain group chatter is ignored; /ask without a question shows the usage", async () => {
    const u = await createUnitBot();
    expect(sent(await u.send(textMessage("今天大家好", { chatType: "group" })))).toEqual([]);
    const [usage] = sent(await u.send(textMessage("/ask", { chatType: "group" })));
    expect(usage!.text).toBe("用法：/ask 问题");
    const [a] = sent(await u.send(textMessage("/ask 1-5月义乌外贸进出口总值是多少？", { chatType: "group" })));
    expect(a!.text).toContain("1831");
    expect(a!.reply_parameters).toMatchObject({ allow_sending_without_reply: true });
  });

  it("/help offers example questions as buttons, made from the archive and answered by it; a tap asks one; /about gives its size", async () => {
    const u = await createUnitBot();
    const [help] = sent(await u.send(textMessage("/help")));
    const buttons = help!.reply_markup.inline_keyboard.flat() as Array<{ text: string; callback_data: string }>;
    expect(buttons.length).toBe(3);
    const titles = u.deps.archive.articles().map((a) => a.title ?? "");
    for (const b of buttons) {
      expect(b.text).toMatch(/(多少|几|谁).*？$/); // a question, not a headline with ？ appended
      expect(titles).not.toContain(b.text.replace(/？$/, ""));
      // a tap asks it: the reply shows the question, then an answer from the archive
      const [reply] = sent(await u.send(callbackQuery(b.callback_data, { userId: 1, messageId: 1 })));
      expect(reply!.text.split("\n")[0]).toBe(`❓ ${b.text}`);
      expect(reply!.text.split("\n")[1]).toMatch(/^答：/);
      expect(reply!.reply_markup.inline_keyboard.flat().map((k: { text: string }) => k.text)).toContain("原文 1");
    }
    const [about] = sent(await u.send(textMessage("/about")));
    expect(about!.text).toMatch(/资料库共 5 个文件、19 篇文章/);
  });

  it('"typing…" only for an answer slower than 300 ms, sent before it', async () => {
    let delay = 0;
    const u = await createUnitBot({
      service: (s) => ({
        ask: async (q, o) => {
          await new Promise((r) => setTimeout(r, delay));
          return s.ask(q, o);
        },
      }),
    });
    const fast = await u.send(textMessage("义乌前11个月直播带货多少场？"));
    expect(fast.map((c) => c.method)).toEqual(["sendMessage"]);
    delay = 500;
    const slow = await u.send(textMessage("义乌前11个月直播带货多少场？"));
    expect(slow.map((c) => c.method)).toEqual(["sendChatAction", "sendMessage"]);
  });

  it("an error inside a handler is logged and answered with 出错了, and the bot goes on", async () => {
    let fail = true;
    const u = await createUnitBot({
      service: (s) => ({
        ask: async (q, o) => {
          if (fail) throw new Error("boom");
          return s.ask(q, o);
        },
      }),
    });
    const [err] = sent(await u.send(textMessage("义乌前11个月直播带货多少场？")));
    expect(err!.text).toBe("出错了，请稍后再试。");
    fail = false;
    const [ok] = sent(await u.send(textMessage("义乌前11个月直播带货多少场？")));
    expect(ok!.text).toContain("21.2万场");
  });
});

describe("citation buttons and feedback", () => {
  it("pages a long article by editing the message, the excerpt in bold on its page", async () => {
    const u = await createUnitBot();
    const a = (await u.send(textMessage("义乌如何贯彻中央精神、落实省委决策部署？"))).find((c) => c.method === "sendMessage")!;
    const buttons = a.payload.reply_markup.inline_keyboard.flat() as Array<{ text: string; callback_data: string }>;
    // find an article long enough to have pages
    let paged: Call | undefined;
    for (const b of buttons.filter((x) => x.text.startsWith("原文"))) {
      const msg = (await u.send(press(a, b.text))).find((c) => c.method === "sendMessage")!;
      if (msg.payload.reply_markup) paged = msg;
      expect(telegramProblems(msg.payload.text, msg.payload.entities)).toEqual([]);
    }
    expect(paged, "one cited article spans several pages").toBeDefined();
    const edits = sent(await u.send(press(paged!, "下一页 ▶")), "editMessageText");
    expect(edits).toHaveLength(1);
    expect(edits[0]!.text).toMatch(/第 \d+\/\d+ 页/);
    expect(telegramProblems(edits[0]!.text, edits[0]!.entities)).toEqual([]);
  });

  it("👍/👎 are recorded with a hashed user id, and admins export them as an eval set", async () => {
    const u = await createUnitBot({ settings: { adminIds: [ADMIN] } });
    const q = "义乌前11个月直播带货多少场？";
    const a = (await u.send(textMessage(q, { userId: 7 }))).find((c) => c.method === "sendMessage")!;
    const acks = sent(await u.send(press(a, "👍", { userId: 7 })), "answerCallbackQuery");
    expect(acks[0]!.text).toBe("谢谢！已记录 👍");
    const records = await u.deps.feedback.all();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ vote: "up", question: q, user: hashUserId(TEST_SECRET_KEY, 7) });
    expect(JSON.stringify(records)).not.toContain('"7"');

    expect(sent(await u.send(textMessage("/feedback", { userId: 7 })))[0]!.text).toBe("抱歉，只有管理员可以使用这个命令。");
    const calls = await u.send(textMessage("/feedback", { userId: ADMIN }));
    const doc = calls.find((c) => c.method === "sendDocument");
    expect(doc).toBeDefined();
    expect(doc!.payload.caption).toContain("反馈共 1 条");
  });
});

describe("inline mode", () => {
  it("offers the top passages, each with its citation, as valid messages", async () => {
    const u = await createUnitBot();
    const calls = await u.send({
      inline_query: { id: "iq1", from: { id: 3, is_bot: false, first_name: "u" }, query: "义乌前11个月直播带货多少场", offset: "" },
    });
    const [answer] = sent(calls, "answerInlineQuery");
    expect(answer!.results.length).toBeGreaterThan(0);
    const first = answer!.results[0];
    expect(first.title).toBe("[1] 前11个月义乌直播带货21.2万场");
    const content = first.input_message_content;
    expect(content.message_text).toContain("21.2万场");
    expect(telegramProblems(content.message_text, content.entities)).toEqual([]);
    const none = sent(
      await u.send({
        inline_query: { id: "iq2", from: { id: 3, is_bot: false, first_name: "u" }, query: "Python 怎么读取 CSV 文件", offset: "" },
      }),
      "answerInlineQuery",
    );
    expect(none[0]!.results).toEqual([]);
  });
});

describe("admin", () => {
  it("reindex keeps answering from the old index until the swap, then reports the diff", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let paused = false;
    const u = await createUnitBot({
      settings: { adminIds: [ADMIN] },
      library: {
        checkpoint: async (phase) => {
          if (phase === "read") {
            paused = true;
            await gate;
          }
        },
      },
    });
    const { unlinkSync } = await import("node:fs");
    unlinkSync(path.join(u.corpusDir, "004_2c58187224ef0ee6.txt"));
    const reindex = u.send(textMessage("/reindex", { userId: ADMIN }));
    while (!paused) await new Promise((r) => setTimeout(r, 5));
    // mid-reindex: the old index still answers from the removed file
    const [during] = sent(await u.send(textMessage("义乌女子足球小将在哪里训练？")));
    expect(during!.text).toContain("梅湖体育中心");
    expect(sent(await u.send(textMessage("/reindex", { userId: ADMIN }))).at(-1)!.text).toBe("正在重建索引…");
    release();
    const calls = await reindex;
    const edits = sent(calls, "editMessageText");
    expect(edits.at(-1)!.text).toMatch(/^索引已更新（用时 [\d.]+ 秒）：新增 0、修改 0、删除 1 个文件；现有 4 个文件/);
    expect(edits.at(-1)!.text).toContain("-004_2c58187224ef0ee6.txt");
    const busy = u.calls.filter((c) => c.method === "editMessageText" && c.payload.text === "索引正在重建中，请稍候再试。");
    expect(busy).toHaveLength(1);
    const [after] = sent(await u.send(textMessage("义乌女子足球小将在哪里训练？")));
    expect(after!.text).not.toContain("梅湖体育中心");
  });

  it("adds an uploaded document (name sanitised, no path traversal), refuses binaries and non-admins", async () => {
    const files: Record<string, Buffer> = {
      "documents/a.txt": Buffer.from("# 上传测试\n\n义乌上传测试文章说，测试水库今年蓄水八千万立方米。\n"),
      "documents/b.bin": Buffer.from([0, 1, 2, 3, 0, 0, 0, 255, 254, 0, 7, 8]),
    };
    const server = http.createServer((req, res) => {
      const prefix = `/file/bot${UNIT_TOKEN}/`;
      const data = req.url?.startsWith(prefix) ? files[req.url.slice(prefix.length)] : undefined;
      res.writeHead(data ? 200 : 404).end(data);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let nextPath = "documents/a.txt";
    const u = await createUnitBot({
      settings: { adminIds: [ADMIN], apiRoot },
      respond: (c) => (c.method === "getFile" ? { file_id: "f", file_unique_id: "u", file_path: nextPath } : undefined),
    });
    const upload = (name: string, userId = ADMIN) => ({
      message: {
        message_id: 99,
        date: 0,
        chat: { id: userId, type: "private", first_name: "a" },
        from: { id: userId, is_bot: false, first_name: "a" },
        document: { file_id: "f", file_unique_id: "u", file_name: name, file_size: 100 },
      } as never,
    });
    try {
      expect(sent(await u.send(upload("x.txt", 12)))[0]!.text).toBe("只有管理员可以往资料库里添加文件。想问问题的话，直接发文字就行。");
      const ask = (await u.send(upload("../../etc/上传 测试.txt"))).find((c) => c.method === "sendMessage")!;
      // the name the file will have in the corpus, not the path it was sent with
      expect(ask.payload.text).toBe("要把 上传 测试.txt（100 字节）加入资料库并重建索引吗？");
      const calls = await u.send(press(ask, "✅ 加入", { userId: ADMIN }));
      expect(sent(calls, "editMessageText")[0]!.text).toBe("已加入 上传 测试.txt，正在重建索引…");
      expect(existsSync(path.join(u.corpusDir, "上传 测试.txt"))).toBe(true);
      expect(sent(calls, "editMessageText").at(-1)!.text).toContain("+上传 测试.txt");
      expect(sent(await u.send(textMessage("测试水库今年蓄水多少？")))[0]!.text).toContain("八千万立方米");

      nextPath = "documents/b.bin";
      const confirm = async (name: string) => {
        const q = (await u.send(upload(name))).find((c) => c.method === "sendMessage")!;
        return sent(await u.send(press(q, "✅ 加入", { userId: ADMIN })), "editMessageText").at(-1)!.text;
      };
      expect(await confirm("b.txt")).toBe("这不是文本文件。");
      // a name the corpus cannot take is refused at once, before any button
      const docx = sent(await u.send(upload("b.docx")))[0]!;
      expect(docx.text).toBe("只接受 .txt / .md 文本文件、PDF 和版面图片（PNG、JPEG、TIFF、WebP）。");
      expect(docx.reply_markup).toBeUndefined();
      expect(existsSync(path.join(u.corpusDir, "b.txt"))).toBe(false);

      const removal = sent(await u.send(textMessage("/remove 上传 测试.txt", { userId: ADMIN })))[0]!;
      expect(removal.text).toBe("确定要从资料库删除 上传 测试.txt 吗？删除后会重建索引。");
      expect(existsSync(path.join(u.corpusDir, "上传 测试.txt"))).toBe(true);
      const removed = await u.send(press(u.calls.find((c) => c.payload === removal)!, "🗑 删除", { userId: ADMIN }));
      expect(sent(removed, "editMessageText")[0]!.text).toBe("已删除 上传 测试.txt，正在重建索引…");
      expect(existsSync(path.join(u.corpusDir, "上传 测试.txt"))).toBe(false);
      expect(sent(await u.send(textMessage("/remove ../../etc/passwd.txt", { userId: ADMIN })))[0]!.text).toBe(
        "资料库中没有这个文件：../../etc/passwd.txt",
      );
    } finally {
      server.close();
    }
  });

  it("/sources pages the article list (everyone; file names for admins); /by lists an author's articles; /stats reports counts", async () => {
    const u = await createUnitBot({ settings: { adminIds: [ADMIN] } });
    // a user's view: the 19 articles (page notes are not articles), no file names
    const [mine] = sent(await u.send(textMessage("/sources", { userId: 12 })));
    expect(mine!.text).toMatch(/^资料库文章（第 1\/1 页）：/);
    expect(mine!.text.split("\n").filter((l: string) => /^\d+\. /.test(l))).toHaveLength(19);
    expect(mine!.text).not.toContain(".txt");
    // an author's articles, by command and by question
    const [by] = sent(await u.send(textMessage("/by 吴峰宇", { userId: 12 })));
    expect(by!.text).toMatch(/^署名含“吴峰宇”的文章（\d+ 篇）：/);
    expect(
      by!.text
        .split("\n")
        .slice(1)
        .every((l: string) => l.includes("吴峰宇")),
    ).toBe(true);
    const [asked] = sent(await u.send(textMessage("吴峰宇写了哪些文章？", { userId: 12 })));
    expect(asked!.text).toBe(by!.text);
    // admins page through a longer list with the files named
    for (let i = 0; i < 5; i++) await u.deps.archive.addDocument(`extra-${i}.md`, Buffer.from(`# 补充文章${i}\n\n补充正文${i}。\n`));
    await u.deps.archive.reindex();
    const [list] = sent(await u.send(textMessage("/sources", { userId: ADMIN })));
    expect(list!.text).toMatch(/^资料库文章（第 1\/2 页）：/);
    expect(list!.text).toContain(".txt");
    const next = list!.reply_markup.inline_keyboard.flat()[0].callback_data;
    const [page2] = sent(await u.send(callbackQuery(next, { userId: ADMIN })), "editMessageText");
    expect(page2!.text).toMatch(/^资料库文章（第 2\/2 页）：/);
    const [stats] = sent(await u.send(textMessage("/stats", { userId: ADMIN })));
    expect(stats!.text).toMatch(/资料库：10 个文件、24 篇文章/);
  });
});

describe("access and rate limits", () => {
  it("with allowlists, other users get one polite refusal and then nothing; admins always pass", async () => {
    const u = await createUnitBot({ settings: { allowedUserIds: [1], adminIds: [ADMIN] } });
    expect(sent(await u.send(textMessage("义乌前11个月直播带货多少场？", { userId: 1 })))[0]!.text).toContain("21.2万场");
    expect(sent(await u.send(textMessage("义乌前11个月直播带货多少场？", { userId: 2 })))[0]!.text).toBe(
      "抱歉，这个机器人只对指定的用户和群组开放。",
    );
    expect(sent(await u.send(textMessage("再问一次", { userId: 2 })))).toEqual([]);
    expect(sent(await u.send(textMessage("/about", { userId: ADMIN })))[0]!.text).toContain("资料库共");
  });

  it("past the per-user limit, a polite message, once", async () => {
    const u = await createUnitBot({ settings: { rateLimitPerMinute: 2 } });
    for (let i = 0; i < 2; i++) expect(sent(await u.send(textMessage("义乌前11个月直播带货多少场？")))[0]!.text).toContain("21.2万场");
    expect(sent(await u.send(textMessage("义乌前11个月直播带货多少场？")))[0]!.text).toBe("提问太频繁了，请一分钟后再试。");
    expect(sent(await u.send(textMessage("义乌前11个月直播带货多少场？")))).toEqual([]);
    expect(sent(await u.send(textMessage("义乌前11个月直播带货多少场？", { userId: 2 })))[0]!.text).toContain("21.2万场");
  });
});

describe("logs", () => {
  it("never carry the token or a user's question above debug level", async () => {
    const secret = "义乌秘密测试问题XYZ";
    const run = async (level: string) => {
      let out = "";
      const sink = new Writable({
        write: (chunk, _enc, cb) => {
          out += chunk.toString();
          cb();
        },
      });
      const u = await createUnitBot({
        log: createLogger(level, sink, [UNIT_TOKEN]),
        service: (s) => ({
          ask: async (q, o) => {
            if (q.includes("boom")) throw new Error(`failed on ${UNIT_TOKEN}`);
            return s.ask(q, o);
          },
        }),
      });
      await u.send(textMessage(`${secret}直播带货多少场？`));
      await u.send(textMessage(`${secret} boom`));
      return out;
    };
    const info = await run("info");
    expect(info).toContain('"msg":"answered"');
    expect(info).toContain('"msg":"update failed"');
    expect(info).not.toContain(secret);
    expect(info).not.toContain(UNIT_TOKEN);
    expect(info).toContain("failed on [redacted]");
    const debug = await run("debug");
    expect(debug).toContain(secret); // the same run at debug shows it: the check above can see it
  });
});

/** A unit bot whose answers go through an LLM: the OpenAI-compatible stub on 127.0.0.1. */
async function llmUnitBot() {
  const { startOpenAiStub } = await import("../helpers/openai-stub.js");
  const { createChatModel, createLlmAnswerer, loadPrompts } = await import("../../src/answer/llm.js");
  const { createAnswerService } = await import("../../src/answer/answer-service.js");
  const stub = await startOpenAiStub();
  const chat = createChatModel({ baseUrl: stub.baseUrl, model: "stub-chat", timeoutMs: 3000, maxRetries: 0 });
  const prompts = await loadPrompts(path.join(process.cwd(), "prompts"));
  const llm = createLlmAnswerer({ chat, prompts, model: "stub-chat", timeoutMs: 3000 });
  const u = await createUnitBot({ service: () => createAnswerService({ retriever: localRetriever(() => u.library.current()), llm }) });
  return { stub, u };
}

describe("follow-ups and LLM mode", () => {
  it("a follow-up in the same chat carries the previous question's subject (rule, no LLM)", async () => {
    const u = await createUnitBot();
    await u.send(textMessage("1-5月义乌外贸进出口总值是多少？", { userId: 8 }));
    const [a] = sent(await u.send(textMessage("那进口呢？", { userId: 8 })));
    expect(a!.text).toContain("进口153.1");
    // "它" after the live-commerce question means live commerce; in a fresh chat it means nothing
    await u.send(textMessage("义乌前11个月直播带货多少场？", { userId: 9 }));
    const [b] = sent(await u.send(textMessage("它同比增长多少？", { userId: 9 })));
    expect(b!.text.split("\n")[0]).toContain("58.1%");
    const [c] = sent(await u.send(textMessage("它同比增长多少？", { userId: 10 })));
    expect(c!.text.split("\n")[0]).not.toContain("58.1%");
  });

  it("streams LLM tokens by editing one message, then edits in the checked answer with citations and the mode", async () => {
    const { stub, u } = await llmUnitBot();
    try {
      u.deps.streaming = true;
      stub.onChat = () => ({ reply: `义乌前11个月直播带货「达到21.2万场」[1]。${"完成零售额「299.27亿元」[1]。".repeat(3)}` });
      const calls = await u.send(textMessage("义乌前11个月直播带货多少场？"));
      const [placeholder] = sent(calls);
      expect(placeholder!.text).toBe("…");
      const edits = sent(calls, "editMessageText");
      const final = edits.at(-1)!;
      expect(final.text).toContain("答：义乌前11个月直播带货「达到21.2万场」[1]。");
      expect(final.text).toContain("由 stub-chat 根据上述原文生成");
      expect(final.reply_markup.inline_keyboard.flat().map((b: { text: string }) => b.text)).toContain("原文 1");
      expect(telegramProblems(final.text, final.entities)).toEqual([]);
      // the whole stream took far less than a second: at most one interim edit
      expect(edits.length).toBeLessThanOrEqual(2);

      stub.onChat = () => ({ status: 500 });
      const [fallback] = sent(await u.send(textMessage("义乌前11个月直播带货多少场？")));
      expect(fallback!.text).toContain("语言模型的回答未采用（error）");
      expect(fallback!.text).toContain("21.2万场");
    } finally {
      await stub.close();
    }
  });

  it("with an LLM, a question in English is translated, answered from the archive and answered back in English; citations stay verbatim", async () => {
    const { stub, u } = await llmUnitBot();
    try {
      let back = "From January to May, Yiwu's imports and exports reached 1831.4亿元 [1].";
      // the stub plays the model: translations by the prompt's wording, answers quoting the passage
      stub.onChat = (req) => {
        const prompt = req.messages.at(-1)!.content;
        if (prompt.startsWith("Translate") && prompt.includes("简体中文")) return { reply: "1-5月义乌外贸进出口总值是多少？" };
        if (prompt.startsWith("Translate")) return { reply: back };
        return { reply: "今年1-5月，「义乌市进出口总值达1831.4亿元」[1]。" };
      };
      const question = "How much did Yiwu import and export from January to May?";
      const [en] = sent(await u.send(textMessage(question, { lang: "en" })));
      const lines = en!.text.split("\n");
      expect(lines[0]).toBe(`Answer: ${back}`);
      expect(lines[1]).toBe("今年1-5月，「义乌市进出口总值达1831.4亿元」[1]。"); // the verbatim line it came from
      expect(en!.text).toContain("义乌市进出口总值达1831.4亿元"); // the excerpt, in Chinese
      expect(en!.text).toContain("translated into Chinese by stub-chat (“1-5月义乌外贸进出口总值是多少？”)");
      expect(stub.chat.some((c) => c.messages.at(-1)!.content.includes(question))).toBe(true);
      // a translation whose numbers are not the source's is not shown
      back = "From January to May, Yiwu's imports and exports reached 183.14 billion yuan [1].";
      const [checked] = sent(await u.send(textMessage(question, { lang: "en" })));
      expect(checked!.text).not.toContain("183.14");
      expect(checked!.text.split("\n")[0]).toBe("Answer: 今年1-5月，「义乌市进出口总值达1831.4亿元」[1]。");
      expect(checked!.text).toContain("the translated answer failed the check");
    } finally {
      await stub.close();
    }
  });
});
