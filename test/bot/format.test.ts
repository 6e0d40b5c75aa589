/** Message formatting: entities always in range and nested, splitting under 4096 on sentence ends. */
import { extractiveAnswer } from "../helpers/index.js";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { highlightRanges } from "../../src/answer/highlight.js";
import type { Answer, Citation } from "../../src/answer/types.js";
import { formatAnswer as formatCards } from "../../src/bot/answer-card.js";
import { cutPoints, MessageBuilder, splitMessage } from "../../src/bot/format.js";

const formatAnswer = (...args: Parameters<typeof formatCards>) => formatCards(...args).message;
import { telegramProblems } from "../helpers/telegram-validity.js";

const t = (key: string, vars: Record<string, string | number> = {}) => `${key}${Object.values(vars).join(",")}`;

function answerWith(excerpts: string[], terms: string[], short = "短答案。"): Answer {
  const citations: Citation[] = excerpts.map((excerpt, i) => ({
    n: i + 1,
    source: `f${i}.txt`,
    title: i % 2 ? null : `标题<b>${i}</b>&`,
    kicker: null,
    subtitle: null,
    byline: "全媒体记者 _*[x]*_",
    excerpt,
    score: 1,
    meta: { date: "2021-12-28", page: "2" },
    articleId: `a${i}`,
    chunkId: `c${i}`,
    start: 0,
    end: excerpt.length,
    sourceStart: 0,
    sourceEnd: excerpt.length,
    verified: true,
  }));
  return extractiveAnswer(citations, terms, short);
}

describe("formatAnswer", () => {
  it("keeps markup characters literal (nothing is parsed) and highlights the question's terms", () => {
    const m = formatAnswer(answerWith(["义乌<b>直播</b>带货21.2万场 & 更多。"], ["直播", "21.2万场"]), t);
    expect(m.text).toContain("义乌<b>直播</b>带货21.2万场 & 更多。");
    expect(m.text).toContain("标题<b>0</b>&");
    const bold = m.entities.filter((e) => e.type === "bold").map((e) => m.text.slice(e.offset, e.offset + e.length));
    expect(bold).toEqual(expect.arrayContaining(["直播", "21.2万场"]));
    expect(m.entities.some((e) => e.type === "expandable_blockquote")).toBe(true);
    expect(telegramProblems(m.text, m.entities)).toEqual([]);
  });

  it("highlights terms written in traditional or full-width forms in the excerpt", () => {
    const text = "義烏直播帶貨２１.２萬場";
    const ranges = highlightRanges(text, ["直播", "21.2万场"]);
    expect(ranges.map((r) => text.slice(r.start, r.end))).toEqual(["直播", "２１.２萬場"]);
  });
});

describe("splitMessage", () => {
  it("splits a long answer under 4096 at sentence ends, every part valid, no text lost", () => {
    const sentence = "义乌市场主体数量持续增长，😀直播电商带动就业。";
    const long = formatAnswer(
      answerWith(
        Array.from({ length: 8 }, () => sentence.repeat(45)),
        ["直播"],
      ),
      t,
      { full: true },
    );
    expect(long.text.length).toBeGreaterThan(4096 * 2);
    const parts = splitMessage(long);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) {
      expect(telegramProblems(p.text, p.entities)).toEqual([]);
      expect(p.text.length).toBeLessThanOrEqual(4096);
    }
    // every cut falls after a line break or a sentence end
    for (const c of cutPoints(long.text, 4096)) expect(long.text[c - 1]).toMatch(/[\n。！？；]/u);
    expect(
      parts
        .map((p) => p.text)
        .join("")
        .replace(/\s/g, ""),
    ).toBe(long.text.replace(/\s/g, ""));
  });

  it("cuts text without any sentence end or space hard, never inside a surrogate pair", () => {
    const text = "😀".repeat(5000);
    for (const c of cutPoints(text, 4096)) expect(text.charCodeAt(c) >= 0xdc00 && text.charCodeAt(c) <= 0xdfff).toBe(false);
    const parts = splitMessage(new MessageBuilder().wrap("bold", text).build());
    for (const p of parts) expect(telegramProblems(p.text, p.entities)).toEqual([]);
  });

  it("property: any excerpts, terms and short answer give valid Telegram messages", () => {
    const nasty = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 300 }),
      fc.string({
        unit: fc.constantFrom("<", ">", "&", "_", "*", "[", "]", "`", "\\", "。", "\n", " ", "😀", "\u202e", "\u0000", "义", "乌"),
        maxLength: 300,
      }),
    );
    fc.assert(
      fc.property(
        fc.array(
          nasty.filter((s) => s.trim().length > 0),
          { minLength: 1, maxLength: 12 },
        ),
        fc.array(fc.string({ maxLength: 4 }), { maxLength: 4 }),
        nasty,
        (excerpts, terms, short) => {
          for (const p of splitMessage(formatAnswer(answerWith(excerpts, terms, short || "答"), t))) {
            expect(telegramProblems(p.text, p.entities)).toEqual([]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
