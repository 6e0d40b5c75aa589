/**
 * Headline repair from the recogniser's second choices: a character is replaced only when the
 * recogniser weighed the other one there AND the body reads the headline's words with it — each
 * case with the case on the other side.
 */
import { describe, expect, it } from "vitest";
import { type AltLine, decodeWithAlternatives, repairHeadline, withAlternatives } from "../../src/ingest/ocr-alternatives.js";

/** A line whose character at `at` had the alternatives `alts`. */
const line = (text: string, at: number, alts: string): AltLine => ({
  text,
  alts: Array.from(text, (_, i) => (i === at ? alts : "")),
});
const BODY = "本报讯　9月下旬，禾源县秋粮收获进度过七成，\n全县已收获秋粮31.2万亩。";

describe("repairHeadline", () => {
  it("replaces a misread character the recogniser doubted when the body reads it otherwise", () => {
    expect(repairHeadline("未源县秋粮收获进度过七成", BODY, [line("未源县秋粮收获进度过七成", 0, "禾末")])).toBe(
      "禾源县秋粮收获进度过七成",
    );
  });

  it("keeps the reading when the recogniser had no doubt there, whatever the body says", () => {
    expect(repairHeadline("未源县秋粮收获进度过七成", BODY, [line("未源县秋粮收获进度过七成", 1, "原")])).toBe("未源县秋粮收获进度过七成");
  });

  it("keeps the reading when the body does not hold the headline's words with the alternative", () => {
    expect(repairHeadline("全县秋粮收获进度过七成", "秋粮收获进度已过七成。", [line("全县秋粮收获进度过七成", 1, "市")])).toBe(
      "全县秋粮收获进度过七成",
    );
  });

  it("keeps the reading when the body also holds it", () => {
    const body = `${BODY}未源县秋粮收获进度在全市领先。`;
    expect(repairHeadline("未源县秋粮收获进度过七成", body, [line("未源县秋粮收获进度过七成", 0, "禾")])).toBe("未源县秋粮收获进度过七成");
  });

  it("works on a line inside a longer field and keeps its spaces", () => {
    const field = "三秋生产 未源县秋粮收获进度过七成";
    expect(repairHeadline(field, BODY, [line("未源县秋粮收获进度过七成", 0, "禾")])).toBe("三秋生产 禾源县秋粮收获进度过七成");
  });
});

describe("decodeWithAlternatives", () => {
  it("decodes as PP-OCR's CTC does and keeps the weighed alternatives per character", () => {
    // classes: 0 blank, 1 禾, 2 未, 3 源; steps: 禾(0.6, 未 0.3) 禾 blank 源
    const dictionary = ["禾", "未", "源"];
    const steps = [
      [0.1, 0.6, 0.3, 0],
      [0.2, 0.7, 0.1, 0],
      [0.9, 0.05, 0.05, 0],
      [0.1, 0, 0.005, 0.895],
    ];
    const [decoded] = decodeWithAlternatives(dictionary, { data: Float32Array.from(steps.flat()), dims: [1, 4, 4] });
    expect(decoded!.text).toBe("禾源");
    expect(decoded!.mean).toBeCloseTo((0.6 + 0.895) / 2, 5);
    // 未 was weighed at 禾's steps; at 源's its 0.005 is below the floor
    expect(withAlternatives([{ text: "禾源" }, { text: "禾 源" }])).toEqual([{ text: "禾源", alts: ["未", ""] }, { text: "禾 源" }]);
  });
});
