import { describe, expect, it } from "vitest";
import { repair, splitLines, toParagraphs } from "../../src/ingest/layout.js";
import { trailingRepeatLength } from "../../src/ingest/text.js";

const repaired = (src: string): string[] => toParagraphs(splitLines(src)).map((p) => repair(p.lines).toString());

describe("line repair", () => {
  it.each([
    [
      "CJK lines join with nothing between",
      "本报讯 昨日从市场发展委获\n悉，今年前 11 个月，义乌开展网红\n直播带货。",
      ["本报讯昨日从市场发展委获悉，今年前11个月，义乌开展网红直播带货。"],
    ],
    ["Latin words join with a space", "the quick brown\nfox jumps over\nthe lazy dog.", ["the quick brown fox jumps over the lazy dog."]],
    [
      "numbers split from CJK units lose the OCR padding",
      "达到 21.2 万场，完成零售额\n299.27 亿元",
      ["达到21.2万场，完成零售额299.27亿元"],
    ],
    ["justified CJK lines lose their letter spacing", "蒂 彩 工 艺 品 主 要 生 产 钻 石\n画。", ["蒂彩工艺品主要生产钻石画。"]],
    ["spaces between Latin words survive inside a line", "Chinagoods Cloud 共享云仓。", ["Chinagoods Cloud共享云仓。"]],
    ["blank lines keep real paragraph breaks", "第一段。\n\n第二段。", ["第一段。", "第二段。"]],
    ["column-overlap repetition at a line end is removed", "颁发证书，为市场为市场\n打造一批爆款。", ["颁发证书，为市场打造一批爆款。"]],
    ["CRLF line endings", "昨日从市场发展委获\r\n悉，今年。", ["昨日从市场发展委获悉，今年。"]],
  ])("%s", (_name, src, expected) => {
    expect(repaired(src)).toEqual(expected);
  });

  it.each([
    ["为市场为市场", 3],
    ["红糖飘香红糖飘香", 4],
    ["看看", 0],
    ["一步一步", 0],
    ["普通的一行文字", 0],
  ])("trailing repetition of %s is %i characters", (line, n) => {
    expect(trailingRepeatLength(line)).toBe(n);
  });

  it("maps every repaired character back to the same character in the source", () => {
    const src = " ▢ 全媒体记者 吴峰宇\n\n本报讯 昨日从市场发展委获\n悉，今年前 11 个月\n";
    for (const p of toParagraphs(splitLines(src))) {
      const b = repair(p.lines);
      const text = b.toString();
      for (const span of b.spans)
        expect(text.slice(span.bodyStart, span.bodyStart + span.length)).toBe(src.slice(span.srcStart, span.srcStart + span.length));
    }
  });
});
