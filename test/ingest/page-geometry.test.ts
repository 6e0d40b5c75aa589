/**
 * Positioned text → page text (PDF text layers and OCR lines share it): the cases OCR of rendered
 * pages showed, as small hand-placed pages.
 */
import { describe, expect, it } from "vitest";
import { ocrBoxes } from "../../src/ingest/ocr.js";
import { layoutBoxes, type TextBox } from "../../src/ingest/page-geometry.js";
import { pageBlocks, readInk } from "../../src/ingest/page-blocks.js";
import { segmentPage } from "../../src/ingest/segment.js";

/** A line of CJK type `size` wide per character at (x, top). */
const line = (text: string, x: number, top: number, size = 20): TextBox => ({ text, x, top, w: size * Array.from(text).length, h: size });

describe("page geometry", () => {
  it("reads two body columns one after the other under a headline that ends just short of the second column", () => {
    const left = ["第一栏第一行文字内容很长", "第一栏第二行文字内容很长", "第一栏第三行文字内容很长"];
    const right = ["第二栏第一行文字内容很长", "第二栏第二行文字内容很长", "第二栏第三行文字内容很长"];
    // columns 240 wide, 40 apart; the headline (27 type, 270 wide) ends 10 short of the second
    // column, 13 over the body (about the leading between body lines, 10)
    const boxes = [
      line("一个比左栏更宽的标题", 0, 0, 27),
      ...left.map((t, i) => line(t, 0, 40 + 30 * i)),
      ...right.map((t, i) => line(t, 280, 40 + 30 * i)),
    ];
    const text = layoutBoxes(boxes).text;
    expect(text.split("\n").filter(Boolean)).toEqual(["一个比左栏更宽的标题", ...left, ...right]);
  });

  it("gives a short OCR line ending in a stop its paragraph's type size, so no blank line opens inside the paragraph", () => {
    // detector boxes: tl, tr, br, bl; the last line `万辆次。` is a turned, taller box
    const lines = [
      {
        text: "据市交警部门预测，大桥日均车流量将达到3.5",
        mean: 0.99,
        box: [
          [0, 0],
          [420, 0],
          [420, 20],
          [0, 20],
        ],
      },
      {
        text: "万辆次。",
        mean: 0.99,
        box: [
          [0, 29],
          [72, 31],
          [71, 57],
          [0, 55],
        ],
      },
    ];
    const sizes = ocrBoxes(lines).map((b) => Math.round(b.size ?? 0));
    expect(sizes[1]).toBe(sizes[0]);
    expect(layoutBoxes(ocrBoxes(lines)).text).toBe("据市交警部门预测，大桥日均车流量将达到3.5\n万辆次。");
  });
});

describe("bylines OCR reads without their spaces", () => {
  it("takes a line of roles and names over the indented opening line as the byline", () => {
    const page = [
      "白鹭洲区加装电梯提速",
      "",
      "记者阮清和通讯员晏如初",
      "　　走进白鹭洲区枫林社区6栋，一部新装的电梯正在调试。住在6楼的79岁居民说，",
      "以前下楼买菜要歇三回，以后再也不用为这事发愁了。",
    ].join("\n");
    const [a] = segmentPage(page, { source: "p.txt" });
    expect(a?.title).toBe("白鹭洲区加装电梯提速");
    expect(a?.byline).toBe("记者阮清和通讯员晏如初");
    expect(a?.body.startsWith("走进白鹭洲区")).toBe(true);
  });
});

describe("printed rules on page images", () => {
  /** A white page with two columns of text-like ink 20 px apart and, optionally, a rule down the gutter. */
  async function page(rule: boolean): Promise<Buffer> {
    const { default: sharp } = await import("sharp");
    const [w, h] = [600, 400];
    const px = Buffer.alloc(w * h, 255);
    const ink = (x: number, y: number) => (px[y * w + x] = 0);
    for (const x0 of [20, 310])
      for (let line = 0; line < 8; line++)
        for (let c = 0; c < 13; c++)
          for (let y = 40 + line * 28; y < 58 + line * 28; y++)
            for (let x = x0 + c * 20; x < x0 + c * 20 + 16; x++) if ((x + y) % 3) ink(x, y);
    if (rule) for (let y = 30; y < 370; y++) for (const x of [299, 300]) ink(x, y);
    return sharp(px, { raw: { width: w, height: h, channels: 1 } })
      .png()
      .toBuffer();
  }

  it("sees the gutter under a rule drawn down it: two columns, with or without the rule", async () => {
    for (const rule of [false, true]) {
      const ink = await readInk(await page(rule));
      const blocks = pageBlocks(ink);
      expect(blocks.map((b) => b.x < 300)).toEqual([true, false]);
      expect(ink.rule(299, 200)).toBe(rule);
      expect(ink.rule(25, 45)).toBe(false);
    }
  });
});
