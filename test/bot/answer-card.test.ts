/** Compact replies (issue #14, point 2): one card per article, no 无标题, file names only when nothing else identifies a source, ≤ 1,000 characters with 更多, bold only for real terms. */
import { describe, expect, it } from "vitest";
import type { Answer, Citation } from "../../src/answer/index.js";
import { articleCards, COMPACT_CHARS, formatAnswer, highlightTerms } from "../../src/bot/answer-card.js";
import { createUnitBot, press, textMessage } from "../helpers/bot-unit.js";
import { extractiveAnswer } from "../helpers/index.js";
import { telegramProblems } from "../helpers/telegram-validity.js";

const t = (key: string, vars: Record<string, string | number> = {}) =>
  ({
    "answer-label": "答：",
    untitled: "无标题",
    "page-label": `第${vars.page}版`,
    "date-label": `${vars.year}年${vars.month}月${vars.day}日`,
  })[key] ?? key;

const citation = (n: number, over: Partial<Citation> = {}): Citation => ({
  n,
  source: "a/page-1.txt",
  title: "义乌直播带货创新高",
  kicker: null,
  subtitle: null,
  byline: "记者 张三",
  excerpt: "今年前11个月，义乌开展网红直播带货21.2万场，完成零售额299.27亿元。",
  score: 1,
  meta: {},
  articleId: "art-1",
  chunkId: "c1",
  start: 0,
  end: 10,
  sourceStart: 0,
  sourceEnd: 10,
  verified: true,
  ...over,
});
const answer = (citations: Citation[], terms = ["直播", "带货", "场"]): Answer =>
  extractiveAnswer(citations, terms, "今年前11个月，义乌开展网红直播带货21.2万场。");

describe("answer cards", () => {
  it("one card per article: two excerpts of one article share one header and one 原文 number", () => {
    const cs = [
      citation(1),
      citation(2, { articleId: "art-2", title: "另一篇" }),
      citation(3, { start: 50, end: 60, excerpt: "同一篇文章的第二段摘录。" }),
    ];
    expect(articleCards(cs).map((c) => [c.n, c.citations.map((x) => x.n)])).toEqual([
      [1, [1, 3]],
      [2, [2]],
    ]);
    const { message } = formatAnswer(answer(cs), t);
    expect(message.text.match(/义乌直播带货创新高/g)).toHaveLength(1);
    expect(message.text).toContain("[2] 另一篇");
    expect(message.text).not.toContain("[3]");
  });

  it("an untitled article shows its first words, never 无标题; the file name only when nothing else identifies it", () => {
    const untitled = citation(1, { title: null, excerpt: "本报讯 昨日，义乌市举行了第一届测试大会，来自各地的代表参加。" });
    const { message } = formatAnswer(answer([untitled]), t, { leadOf: () => "义乌举行第一届测试大会，来自各地的代表参加会议。" });
    expect(message.text).not.toContain("无标题");
    expect(message.text).toContain("[1] 义乌举行第一届测试大会…");
    expect(message.text).toContain("a/page-1.txt");
    const titled = formatAnswer(answer([citation(1)]), t).message.text;
    expect(titled).not.toContain("a/page-1.txt");
    const dated = formatAnswer(answer([citation(1, { title: null, meta: { publication: "义乌商报", date: "2021-12-28", page: "2" } })]), t)
      .message.text;
    expect(dated).toContain("义乌商报 · 2021年12月28日 · 第2版");
    expect(dated).not.toContain("a/page-1.txt");
  });

  it("stays under 1,000 characters by shortening excerpts (marked …), and 更多 is the whole", () => {
    const long = "义乌市场主体数量持续增长，直播电商带动就业。".repeat(14);
    const cs = [1, 2, 3].map((n) => citation(n, { articleId: `art-${n}`, title: `文章${n}`, excerpt: long }));
    const compact = formatAnswer(answer(cs), t);
    expect(compact.shortened).toBe(true);
    expect(compact.message.text.length).toBeLessThanOrEqual(COMPACT_CHARS);
    expect(compact.message.text).toContain("…");
    const full = formatAnswer(answer(cs), t, { full: true });
    expect(full.shortened).toBe(false);
    expect(full.message.text.length).toBeGreaterThan(COMPACT_CHARS);
    for (const m of [compact.message, full.message]) expect(telegramProblems(m.text, m.entities)).toEqual([]);
  });

  it("bold only for terms of two or more characters, or whole numbers", () => {
    expect(highlightTerms(["村", "场", "月", "一", "直播", "2021", "21.2", "带货"])).toEqual(["直播", "2021", "21.2", "带货"]);
    const { message } = formatAnswer(answer([citation(1)], ["场", "直播"]), t);
    const bold = message.entities.filter((e) => e.type === "bold").map((e) => message.text.slice(e.offset, e.offset + e.length));
    expect(bold).toContain("直播");
    expect(bold).not.toContain("场");
  });
});

describe("更多 through the bot", () => {
  it("a long reply carries 更多, which edits the same message into the whole answer", async () => {
    const u = await createUnitBot();
    const a = (await u.send(textMessage("义乌历届党代会的主题是什么？"))).find((c) => c.method === "sendMessage")!;
    expect(a.payload.text.length).toBeLessThanOrEqual(COMPACT_CHARS);
    const labels = (a.payload.reply_markup.inline_keyboard.flat() as Array<{ text: string }>).map((b) => b.text);
    if (!labels.includes("更多")) return void expect(labels).toContain("👍"); // short enough already
    const edit = (await u.send(press(a, "更多"))).find((c) => c.method === "editMessageText")!;
    expect(edit.payload.text.length).toBeGreaterThan(a.payload.text.length);
    expect((edit.payload.reply_markup.inline_keyboard.flat() as Array<{ text: string }>).map((b) => b.text)).not.toContain("更多");
    expect(telegramProblems(edit.payload.text, edit.payload.entities)).toEqual([]);
  });

  it("原文 of an article already shown in the chat edits that message instead of sending it again", async () => {
    const u = await createUnitBot();
    const a = (await u.send(textMessage("义乌前11个月直播带货多少场？"))).find((c) => c.method === "sendMessage")!;
    const first = await u.send(press(a, "原文 1"));
    expect(first.map((c) => c.method)).toContain("sendMessage");
    const again = await u.send(press(a, "原文 1"));
    expect(again.filter((c) => c.method === "sendMessage")).toHaveLength(0);
    expect(again.filter((c) => c.method === "editMessageText")).toHaveLength(1);
    expect(again.find((c) => c.method === "editMessageText")!.payload.message_id).toBe(
      first.find((c) => c.method === "sendMessage")!.result.message_id,
    );
  });
});

describe("the fact first", () => {
  it("the fact is bold on the answer's first line, the sentence it comes from under it", () => {
    const a = { ...answer([citation(1)]), answer: "21.2万场：今年前11个月，义乌开展网红直播带货21.2万场。[1]", answerSpan: "21.2万场" };
    const { message } = formatAnswer(a, t);
    const [first, second] = message.text.split("\n");
    expect(first).toBe("答：21.2万场");
    expect(second).toBe("今年前11个月，义乌开展网红直播带货21.2万场。[1]");
    expect(message.entities).toContainEqual(expect.objectContaining({ type: "bold", offset: 0, length: first!.length }));
  });

  it("under the fact only the sentence stating it, when the answer carries one", () => {
    const a = {
      ...answer([citation(1)]),
      answer: "21.2万场：今年前11个月，义乌开展网红直播带货21.2万场。在义乌这片沃土，直播带货成为助推器。[1]",
      answerSpan: "21.2万场",
      answerSentence: "今年前11个月，义乌开展网红直播带货21.2万场。[1]",
    };
    expect(formatAnswer(a, t).message.text.split("\n").slice(0, 2)).toEqual([
      "答：21.2万场",
      "今年前11个月，义乌开展网红直播带货21.2万场。[1]",
    ]);
  });
});
