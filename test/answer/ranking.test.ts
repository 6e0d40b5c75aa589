/** Ranking table: fixed question → expected first citation (file and headline). */
import { readFileSync } from "node:fs";
import * as OpenCC from "opencc-js";
import { beforeAll, describe, expect, it } from "vitest";
import type { AnswerService } from "../../src/answer/answer-service.js";
import { seedService } from "../helpers/index.js";
import { SEEDS_DEV } from "../helpers/paths.js";

let service: AnswerService;
beforeAll(async () => {
  service = await seedService();
}, 30_000);

describe("traditional Chinese", () => {
  it("questions in traditional characters find the same passages as their simplified forms, quoted verbatim", async () => {
    const toTraditional = OpenCC.Converter({ from: "cn", to: "tw" });
    const qa = readFileSync(SEEDS_DEV, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((q) => q.answerable);
    let changed = 0;
    for (const q of qa) {
      const trad = toTraditional(q.question);
      if (trad !== q.question) changed++;
      const [a, b] = [await service.ask(q.question), await service.ask(trad)];
      expect(
        b.citations.map((c) => [c.source, c.excerpt]),
        trad,
      ).toEqual(a.citations.map((c) => [c.source, c.excerpt]));
    }
    expect(changed).toBeGreaterThan(qa.length / 2);
  });
});

describe("first citation", () => {
  it.each([
    ["双十一期间义乌电商企业实现了多少网络零售额？", "001_6b5e5d708e68a49d.txt", "“双十一”义乌电商企业成交额再创新高"],
    ["義烏前11個月直播帶貨多少場？", "000_d579d1dab696a189.txt", "前11个月义乌直播带货21.2万场"],
    ["ＰＹＴＨＯＮ以外：义乌女子足球小将在哪里训练？", "004_2c58187224ef0ee6.txt", "义乌足球小将全力备战省运会"],
    ["“义乌防疫”自主申报", "001_6b5e5d708e68a49d.txt", null],
    ["执笔人是谁？何小庆", "003_5eb574128d76753f.txt", "贯彻中央精神、落实省委决策部署同本地实际紧密结合"],
    // a page-one teaser about the provincial congress must not outrank the article on the city congress
    ["义乌市第十五次党代会是哪天召开的？", "002_f5f69ab529bbc6ef.txt", "聚焦“138”，奋楫扬帆行致远"],
    ["<b>义乌目前有多少市场主体？</b>", "003_5eb574128d76753f.txt", "贯彻中央精神、落实省委决策部署同本地实际紧密结合"],
  ])("%s → %s", async (question, source, title) => {
    const a = await service.ask(question);
    expect(a.abstained).toBe(false);
    expect(a.citations[0]).toMatchObject({ source, title });
  });

  it.each(["义乌今天天气怎么样？", "Python 怎么读取 CSV 文件？", "", "？？？", "<b>&amp;</b>"])("abstains on %j", async (q) => {
    const a = await service.ask(q);
    expect(a.abstained).toBe(true);
    expect(a.citations).toEqual([]);
  });
});
