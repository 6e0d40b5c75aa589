/**
 * Page layouts the seeds never show (both reading orders on one page, unmarked articles, column
 * labels, multi-line headlines, captions), on pages written for this project by helpers who never
 * saw the code: `dev/` and `dev-b/` (looked at while writing the rules), `heldout/` (measured first,
 * then its failure classes read) and `heldout3/` (measured once, never looked at) — README
 * "Layouts beyond the seeds" has the figures and the order they were taken in.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createAnswerService } from "../../src/answer/answer-service.js";
import { readQaJsonl } from "../../src/eval/eval-sets.js";
import { runEval } from "../../src/eval/run-eval.js";
import { segmentPage } from "../../src/ingest/segment.js";
import { repairParagraphs } from "../../src/ingest/columns.js";
import { splitLines, toParagraphs } from "../../src/ingest/layout.js";
import { BYLINE_ISH, isGluedCredit, isStrongByline } from "../../src/ingest/line-classes.js";
import { HashEmbeddings } from "../../src/search/hash-embeddings.js";
import { buildIndex } from "../../src/search/index-store.js";
import { localRetriever } from "../../src/search/index.js";
import { type GoldArticle, squash } from "../helpers/index.js";
import { ROOT } from "../helpers/paths.js";

const setDir = (name: string) => path.join(ROOT, "test/fixtures/layouts", name);

/** Share of gold articles found (by their first words) with the right headline, and with everything right. */
function segmentationScore(name: string): { articles: number; found: number; title: number; byline: number; exact: number } {
  const gold = JSON.parse(readFileSync(path.join(setDir(name), "articles.json"), "utf8")) as Record<string, GoldArticle[]>;
  const s = { articles: 0, found: 0, title: 0, byline: 0, exact: 0 };
  for (const [file, want] of Object.entries(gold)) {
    const text = readFileSync(path.join(setDir(name), "pages", file), "utf8");
    const got = segmentPage(text, { source: file }).filter((a) => a.kind === "article");
    for (const w of want) {
      s.articles++;
      const a = got.find((g) => squash(g.body).startsWith(squash(w.starts)));
      if (!a) continue;
      s.found++;
      const title = squash(a.title) === squash(w.title);
      const byline = squash(a.byline) === squash(w.byline);
      s.title += Number(title);
      s.byline += Number(byline);
      // (sets differ on whether a subtitle keeps its leading dash)
      const sub = (x: string | null | undefined) => squash(x).replace(/^[—–-]+/, "");
      const rest = squash(a.body).endsWith(squash(w.ends)) && squash(a.kicker) === squash(w.kicker) && sub(a.subtitle) === sub(w.subtitle);
      s.exact += Number(title && byline && rest);
    }
  }
  return s;
}

async function answerScore(name: string) {
  const corpusDir = path.join(setDir(name), "pages");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "citebot-layouts-"));
  const { index } = await buildIndex({ corpusDir, dataDir, embeddings: new HashEmbeddings() });
  const items = await readQaJsonl(path.join(setDir(name), "questions.jsonl"));
  return (await runEval(createAnswerService({ retriever: localRetriever(() => index) }), items, corpusDir)).summary;
}

describe.each([
  // floors at the figures measured when the rules landed (README), so a regression shows
  ["dev", { found: 1, title: 1, exact: 1, onAnswer: 1, topK: 1 }],
  ["dev-b", { found: 1, title: 0.85, exact: 0.85, onAnswer: 0.85, topK: 1 }],
  ["heldout", { found: 1, title: 0.95, exact: 0.95, onAnswer: 0.95, topK: 1 }],
  ["heldout3", { found: 1, title: 0.95, exact: 0.95, onAnswer: 0.95, topK: 1 }],
  ["heldout4", { found: 0.95, title: 0.85, exact: 0.7, onAnswer: 0.85, topK: 1 }],
  ["heldout5", { found: 1, title: 0.9, exact: 0.75, onAnswer: 0.85, topK: 1 }],
  ["heldout6", { found: 1, title: 0.9, exact: 0.9, onAnswer: 0.9, topK: 0.98 }],
  ["heldout7", { found: 1, title: 0.85, exact: 0.8, onAnswer: 0.8, topK: 1 }],
  ["heldout8", { found: 1, title: 0.83, exact: 0.58, onAnswer: 0.76, topK: 1 }],
  ["heldout9", { found: 0.96, title: 0.9, exact: 0.87, onAnswer: 0.9, topK: 1 }],
  ["heldout10", { found: 0.96, title: 0.89, exact: 0.75, onAnswer: 0.86, topK: 1 }],
  // written in session 11 after session 7's rules; first measured 41.5 and 52.3 % (headline on the answer's citation)
  ["heldout11", { found: 1, title: 0.96, exact: 0.87, onAnswer: 0.93, topK: 0.96 }],
  ["heldout12", { found: 1, title: 0.9, exact: 0.8, onAnswer: 0.86, topK: 0.98 }],
  // written in session 11 after heldout11/12's rules; first measured 60.9 and 58.0 % (44.9 and 31.9 % with the session-start code)
  ["heldout13", { found: 0.87, title: 0.8, exact: 0.48, onAnswer: 0.66, topK: 0.89 }],
  ["heldout14", { found: 0.86, title: 0.75, exact: 0.48, onAnswer: 0.7, topK: 0.95 }],
  // written after all of session 11's rules but two small credit rules; first measured 62.7 and 58.5 % (52.2 and 21.5 % with the session-start code)
  ["heldout15", { found: 0.85, title: 0.67, exact: 0.39, onAnswer: 0.62, topK: 0.94 }],
  ["heldout16", { found: 0.9, title: 0.64, exact: 0.41, onAnswer: 0.58, topK: 0.96 }],
  // written in session 12; first measured 40.3, 46.3 % (the session-start code gave the same) and, written
  // after most of session 12's rules, 74.3 and 45.8 % (68.9 and 48.6 % with the session-start code)
  ["heldout17", { found: 0.9, title: 0.76, exact: 0.59, onAnswer: 0.66, topK: 0.9 }],
  ["heldout18", { found: 0.87, title: 0.76, exact: 0.35, onAnswer: 0.73, topK: 0.97 }],
  ["heldout19", { found: 0.97, title: 0.82, exact: 0.69, onAnswer: 0.75, topK: 0.95 }],
  ["heldout20", { found: 0.89, title: 0.71, exact: 0.38, onAnswer: 0.56, topK: 0.93 }],
  // written at the end of session 12, measured once and not read: 48.0 and 57.6 % (41.3 and 60.6 %
  // with the session-start code)
  ["heldout21", { found: 0.7, title: 0.45, exact: 0.27, onAnswer: 0.48, topK: 0.98 }],
  ["heldout22", { found: 0.88, title: 0.7, exact: 0.35, onAnswer: 0.57, topK: 0.92 }],
] as const)("layouts beyond the seeds: %s pages", (name, floor) => {
  it("segmentation: articles found and their headlines", () => {
    const s = segmentationScore(name);
    expect(s.found / s.articles).toBeGreaterThanOrEqual(floor.found);
    expect(s.title / s.articles).toBeGreaterThanOrEqual(floor.title);
    expect(s.exact / s.articles).toBeGreaterThanOrEqual(floor.exact);
  });

  it("questions: answer in the top-3 excerpts, right headline on the citation holding it", async () => {
    const s = await answerScore(name);
    expect(s.answerInTopK).toBeGreaterThanOrEqual(floor.topK);
    expect(s.titleRightOnAnswer).toBeGreaterThanOrEqual(floor.onAnswer);
    expect(s.verbatim).toBe(1);
  }, 60_000);
});

describe("layout rules, each with the case on the other side", () => {
  const titles = (page: string) =>
    segmentPage(page, { source: "p.txt" })
      .filter((a) => a.kind === "article")
      .map((a) => [a.kicker, a.title, a.subtitle, a.byline]);

  it("headline before its body, after a closing byline of the article above", () => {
    const page =
      "甲镇新建文化礼堂\n\n▢ 记者 张三\n\n甲镇的新文化礼堂昨天投入使用，礼堂可容纳三百人。\n\n（记者 张三）\n\n乙村茶叶喜获丰收\n\n本报记者 李四\n乙村茶叶今年喜获丰收，产量达五万斤。\n";
    expect(titles(page)).toEqual([
      [null, "甲镇新建文化礼堂", null, "记者 张三"],
      [null, "乙村茶叶喜获丰收", null, "本报记者 李四"],
    ]);
  });

  it("one block closes the article above and heads the one below (both reading orders on a page)", () => {
    const page =
      "▢ 记者 张三\n\n甲镇的新文化礼堂昨天投入使用，礼堂可容纳三百人。\n\n甲镇新建文化礼堂\n\n乙村茶叶喜获丰收\n\n乙村茶叶今年喜获丰收，产量达五万斤。\n";
    expect(titles(page).map((t) => t[1])).toEqual(["甲镇新建文化礼堂", "乙村茶叶喜获丰收"]);
  });

  it("a column label on the headline's first line is not part of the title; a kicker whose words recur below it is kept", () => {
    const page = "聚焦热点\n乙村茶叶喜获丰收\n\n乙村茶叶今年喜获丰收，产量达五万斤。\n";
    expect(titles(page)[0]!.slice(0, 2)).toEqual([null, "乙村茶叶喜获丰收"]);
  });

  it("a section heading inside an article stays in its body (its words recur above and below)", () => {
    const page =
      "▢ 记者 张三\n\n本报讯 甲镇推进垃圾分类，全镇设置分类投放点一百个。\n\n垃圾分类见成效\n\n甲镇垃圾分类投放点覆盖全部小区，垃圾分类准确率达到九成。\n\n甲镇推进垃圾分类\n";
    const arts = segmentPage(page, { source: "p.txt" }).filter((a) => a.kind === "article");
    expect(arts).toHaveLength(1);
    expect(arts[0]!.body).toContain("垃圾分类见成效");
    expect(arts[0]!.title).toBe("甲镇推进垃圾分类");
  });

  it("a two-line headline after its body is not joined to the next article as a cut sentence; lines of a cut sentence are", () => {
    const upper =
      "近日，甲镇警方破获一起冒充电商客服\n实施诈骗的案件，抓获嫌疑人7名。\n经查，该团伙冒充客服联系受害人，诱\n导其转账。警方提醒，正规客服不会\n要求下载屏幕共享软件。\n";
    const lower = "乙村卫生室开设夜间门诊\n从12月2日起，乙村卫生室开设夜间门\n诊，接诊时间为每天18时至次日8时。\n";
    const first = "甲镇加装电梯提速\n\n记者　李四\n走进甲镇枫林社区6栋，一部新装的电梯\n正在调试，今年全镇已开工58台。\n\n";
    const headline = titles(`${first}记者　张三\n${upper}\n“退款”是假　转钱是真\n甲镇警方打掉一冒充客服诈骗团伙\n\n${lower}`);
    expect(headline.map((t) => t[1])).toEqual(["甲镇加装电梯提速", "甲镇警方打掉一冒充客服诈骗团伙", "乙村卫生室开设夜间门诊"]);
    // the other side: a sentence cut at a column foot, commas in it, runs on into the next column
    const cut = segmentPage(
      `乙村茶叶喜获丰收\n\n记者　张三\n乙村茶叶今年喜获丰收，产量达五万斤，\n比去年增加三成，茶农人均增收两千元\n\n以上。乙村还建成了茶叶加工厂。\n`,
      {
        source: "p.txt",
      },
    ).filter((a) => a.kind === "article");
    expect(cut.map((a) => a.body.replace(/\s+/g, ""))).toEqual([
      "乙村茶叶今年喜获丰收，产量达五万斤，比去年增加三成，茶农人均增收两千元以上。乙村还建成了茶叶加工厂。",
    ]);
  });

  it("headlines inside a block without blank lines: before a byline, and after the body they close; a full-width line without commas stays", () => {
    const page = [
      "近日，甲镇公安分局接到市民报警，",
      "称自己在做兼职时被骗了3.2万元。",
      "甲镇派出所民警方致远提醒广大市民",
      "凡是要求先垫付资金的都是诈骗。",
      "巡回法庭开进石桥村",
      "本报记者 韦映雪",
      "11月2日，甲镇人民法院的巡回法庭",
      "开进了石桥村，公开审理了一起土地",
      "纠纷案件，70多名村民旁听了庭审。",
      "乙村舞龙队进社区拜早年",
    ].join("\n");
    const arts = segmentPage(page, { source: "p.txt" }).filter((a) => a.kind === "article");
    expect(arts.map((a) => [a.title, a.byline])).toEqual([
      [null, null],
      ["巡回法庭开进石桥村", "本报记者 韦映雪"],
    ]);
    // `甲镇派出所民警方致远提醒广大市民` opens a sentence at full width: body, not a headline
    expect(arts[0]!.body).toContain("甲镇派出所民警方致远提醒广大市民");
    expect(arts[1]!.body.endsWith("旁听了庭审。")).toBe(true);
  });

  it("a marked line with a full stop is a caption, a marked credit a byline", () => {
    const kinds = (text: string) => toParagraphs(splitLines(text)).map((p) => p.kind);
    expect(kinds("▲游客在梅岭古道赏梅。")).toEqual(["furniture"]);
    expect(kinds("▲枫林社区新装的电梯。阮清和　摄")).toEqual(["furniture"]);
    expect(kinds("■ 全媒体记者 葛蔚然")).toEqual(["byline"]);
  });

  it("a paper's name over the page's date is the masthead; a headline over a date line is not", () => {
    const kinds = (text: string) => repairParagraphs(toParagraphs(splitLines(text))).map((p) => p.kind);
    expect(kinds("棠溪日报·周末\n\n2025年1月18日　星期六\n")[0]).toBe("furniture");
    expect(kinds("雁汀晚报\n\n2024年11月6日 星期三\n")[0]).toBe("furniture");
    expect(kinds("梅岭古道线路开放\n\n2025年1月18日　星期六\n")[0]).toBe("heading");
  });

  it("a caption sentence with a photographer's credit on its line is furniture; a closing credit after the last sentence is the byline", () => {
    const kinds = (text: string) => repairParagraphs(toParagraphs(splitLines(text))).map((p) => p.kind);
    expect(kinds("新落成的文化礼堂。王五 摄\n")).toEqual(["furniture"]);
    expect(kinds("板下水面照常养殖。 季方 摄\n")).toEqual(["furniture"]);
    expect(kinds("甲镇的新文化礼堂昨天投入使用，\n礼堂可容纳三百人。 记者 王五\n")).toEqual(["body", "byline"]);
  });

  it("text set apart after an article with its byline on top, running into a closing credit, is another article; without the credit it stays", () => {
    const first = "甲镇公交下月延伸至乙村\n记者 张三\n　　记者从甲镇公交公司了解到，从6月1日起，\n17路公交线路将延伸至乙村。\n";
    const second = "　　走进乙村苗绣工坊，三十多名绣娘正低头\n飞针走线，工坊已带动218名妇女就业。\n";
    const two = titles(`${first}\n${second}（记者 李四）\n\n乙村苗绣工坊带动妇女就业\n`);
    expect(two.map((t) => [t[1], t[3]])).toEqual([
      ["甲镇公交下月延伸至乙村", "记者 张三"],
      ["乙村苗绣工坊带动妇女就业", "记者 李四"],
    ]);
    const one = segmentPage(`${first}\n　　公交公司将为该线路新增4辆纯电动公交车，票价仍为2元。\n`, { source: "p.txt" }).filter(
      (a) => a.kind === "article",
    );
    expect(one).toHaveLength(1);
    expect(one[0]!.body).toContain("新增4辆纯电动公交车");
  });

  it.each([
    ["文/图　芮晴川", true],
    ["文 / 言秋", true],
    ["张三 文/图", true],
    ["文化周刊", false],
    ["图书馆周末开放", false],
  ])("a credit before names is a byline: %s → %s", (line, byline) => {
    expect(isStrongByline(line) && BYLINE_ISH.test(line)).toBe(byline);
  });

  it("a headline glued to its body after a finished article is split off; a short line running on into a bracket is not", () => {
    const page =
      "甲镇新建文化礼堂\n\n甲镇的新文化礼堂昨天投入使用，礼堂可\n容纳三百人，每周举办两场演出活动。\n\n乙村大棚樱桃提前上市\n眼下，乙村的大棚樱桃陆续成熟，比露\n天樱桃提早了一个月上市，价格每斤60元。\n";
    expect(titles(page).map((t) => t[1])).toEqual(["甲镇新建文化礼堂", "乙村大棚樱桃提前上市"]);
    const kinds = (text: string) => repairParagraphs(toParagraphs(splitLines(text))).map((p) => p.kind);
    expect(
      kinds("甲镇的新文化礼堂昨天投入使用。\n\n王健先后来到华灿光电\n（浙江）有限公司、天合光能有限公司等企\n业，了解企业生产经营情况。\n"),
    ).toEqual(["body", "body"]);
  });

  it("a byline between a finished article and a headline stands over that headline", () => {
    const page =
      "甲镇新建文化礼堂\n\n甲镇的新文化礼堂昨天投入使用，礼堂可容纳三百人。（记者 张三）\n\n本报记者 李四\n\n乙村新建3所幼儿园\n\n记者从乙村教育办了解到，今年新建的3所幼儿园秋季开始招生。\n";
    expect(titles(page).map((t) => [t[1], t[3]])).toEqual([
      ["甲镇新建文化礼堂", "记者 张三"],
      ["乙村新建3所幼儿园", "本报记者 李四"],
    ]);
  });

  it.each([
    ["记者岑悦", true],
    ["本报记者贺铭川通讯员钟雅", true],
    ["记者手记", false],
    ["记者调查", false],
  ])("a credit read without spaces names a family name after its role: %s → %s", (line, credit) => {
    expect(isGluedCredit(line)).toBe(credit);
  });

  it("a photographer's credit on its own line is furniture; a writer's credit is the byline", () => {
    const kinds = (text: string) => repairParagraphs(toParagraphs(splitLines(text))).map((p) => p.kind);
    expect(kinds("甄若水 摄\n")).toEqual(["furniture"]);
    expect(kinds("（房雨眠 摄）\n")).toEqual(["furniture"]);
    expect(kinds("本报记者 雍小棠 摄\n")).toEqual(["furniture"]);
    expect(kinds("本报记者 雍小棠 文/图\n")).toEqual(["byline"]);
    expect(kinds("记者 雍小棠\n")).toEqual(["byline"]);
  });

  it("a continuation page: a folio line is furniture, the headline over `（上接第1版）` heads the text below", () => {
    const page =
      "3　经济\n檀溪日报　2024年10月16日\n\n檀溪晚稻收割进度过半\n（上接第1版）\n\n　　专门为缺少劳力的农户提供上门服务，收费标准比市场价低15%。\n";
    expect(titles(page)).toEqual([[null, "檀溪晚稻收割进度过半", null, null]]);
    // the other side: a heading over text it shares nothing with, and no jump line, is no headline of it
    const banner = "檀溪晚稻收割进度过半\n\n　　专门为缺少劳力的农户提供上门服务，收费标准比市场价低15%。\n";
    expect(titles(banner)[0]![1]).toBeNull();
  });

  it("a photo caption and its credit are furniture, not a byline", () => {
    const page = "▢ 记者 张三\n\n甲镇的新文化礼堂昨天投入使用。\n\n图为新落成的文化礼堂。\n记者 王五 摄\n\n甲镇新建文化礼堂\n";
    const [a] = segmentPage(page, { source: "p.txt" });
    expect([a!.title, a!.byline, a!.body]).toEqual(["甲镇新建文化礼堂", "记者 张三", "甲镇的新文化礼堂昨天投入使用。"]);
  });

  it("a credit inside the opener is the byline of an article without one", () => {
    const page = "甲镇新建文化礼堂\n\n本报讯（记者 何冰）甲镇的新文化礼堂昨天投入使用。\n";
    expect(titles(page)).toEqual([[null, "甲镇新建文化礼堂", null, "记者 何冰"]]);
  });

  it("a second headline line with its own subject is the title (the line above is the kicker); one without a subject is the subtitle", () => {
    const body = "安澜县重点项目建设再提速，今年全县地区生产总值预计增长6.8%，一批重点项目集中开工。";
    const kicker = titles(`▢ 记者 韦德林\n\n${body}\n\n2024年全县地区生产总值预计增长6.8%\n安澜县重点项目建设再提速\n`);
    expect(kicker[0]!.slice(0, 2)).toEqual(["2024年全县地区生产总值预计增长6.8%", "安澜县重点项目建设再提速"]);
    const sub = titles(`▢ 记者 韦德林\n\n${body}\n\n安澜县重点项目建设再提速预计全年增长\n较去年同期增长6.8%以上\n`);
    expect(sub[0]!.slice(0, 3)).toEqual([null, "安澜县重点项目建设再提速预计全年增长", "较去年同期增长6.8%以上"]);
  });

  it("a short label is peeled off by width even when its word recurs; a short first line of a wrapped title is not", () => {
    const weather = titles("天气\n本周我县将迎来降雨降温\n\n据县气象台消息，本周我县天气转凉，将迎来降雨降温过程。\n");
    expect(weather[0]![1]).toBe("本周我县将迎来降雨降温");
    const wrapped = titles("▢ 记者 王婷\n\n本报讯 我市招募企业首席质量官，首批企业首席质量官已完成报名。\n\n我市招募\n企业首席质量官\n");
    expect(wrapped[0]![1]).toBe("我市招募企业首席质量官");
  });

  it("a closing credit broken over two lines is the byline", () => {
    const page = "寒冬送暖\n\n连日来，志愿者走进社区送温暖，活动将持续到春节前。（记\n者 蒙佳怡）\n";
    const [a] = segmentPage(page, { source: "p.txt" });
    expect([a!.byline, a!.body]).toEqual(["记者 蒙佳怡", "连日来，志愿者走进社区送温暖，活动将持续到春节前。"]);
  });

  it("an article that already has section headings keeps the next one too; an unmarked article after a wider gap opens", () => {
    const article =
      "长乐河治理见成效\n\n□ 记者 黎明远\n长乐河治理两年来，全市投入资金9.8亿元，水质明显好转。\n\n截污控源 治水先治岸\n\n沿岸新建污水管网186公里，排污口全部整治。\n\n";
    const section = `${article}河长巡河 长效管护\n\n全市建立四级河长巡河体系，河长巡河每月不少于两次，长效管护。\n`;
    expect(titles(section).map((t) => t[1])).toEqual(["长乐河治理见成效"]);
    const separate = `${article}\n茶园开出共富课堂\n\n\n5月12日，云雾山茶园里开出一堂共富课堂，茶农学习修剪技术。\n`;
    expect(titles(separate).map((t) => t[1])).toEqual(["长乐河治理见成效", "茶园开出共富课堂"]);
  });

  it("two clauses, each with its own subject and predicate, are kicker and title; a line ending in a particle runs on", () => {
    const body = "1.8万名跑者竞逐江畔，2025龙渡马拉松昨日鸣枪开跑，赛道沿江而设。";
    const two = titles(`▢ 全媒体记者 袁博\n\n${body}\n\n1.8万名跑者竞逐江畔\n2025龙渡马拉松鸣枪开跑\n`);
    expect(two[0]!.slice(0, 2)).toEqual(["1.8万名跑者竞逐江畔", "2025龙渡马拉松鸣枪开跑"]);
    const one = titles(`▢ 记者 伍佳\n\n鹤城自主研发的农业无人机出口东南亚，首批发往越南。\n\n鹤城自主研发的\n农业无人机出口东南亚\n`);
    expect(one[0]!.slice(0, 2)).toEqual([null, "鹤城自主研发的农业无人机出口东南亚"]);
    const quoted = titles(
      `▢ 记者 李爽爽\n\n本报讯 市政协举行“请你来协商”活动，助力农民农村共同富裕。\n\n政协“请你来协商”\n助力农民农村共同富裕\n`,
    );
    expect(quoted[0]!.slice(0, 2)).toEqual([null, "政协“请你来协商”助力农民农村共同富裕"]);
  });

  it("a masthead line and a one-line label paragraph are furniture, not kickers", () => {
    const page =
      "东川日报 2025年3月12日 星期三 第3版\n\n文化长廊\n\n西岭花灯戏进城演出\n\n本报记者 沈嘉禾\n西岭花灯戏进城演出季开锣，剧场里人头攒动。\n";
    expect(titles(page)).toEqual([[null, "西岭花灯戏进城演出", null, "本报记者 沈嘉禾"]]);
  });

  it("a byline after a headed article's body, with more body after it, opens the next article", () => {
    const page =
      "市图书馆暑期延长开放时间\n\n记者从市图书馆获悉，暑期图书馆延长开放时间到晚上九点。\n\n记者 陶然\n\n为方便市民夏季出行，地铁2号线暑期周末延时运营一小时。\n\n地铁2号线暑期周末延时运营\n";
    expect(titles(page)).toEqual([
      [null, "市图书馆暑期延长开放时间", null, null],
      [null, "地铁2号线暑期周末延时运营", null, "记者 陶然"],
    ]);
  });

  it("ads, notices and decorated labels are furniture; a marked line without a credit above a headline is a label", () => {
    const page =
      "◆政法纵横◆\n桐阳中院集中宣判欠薪案\n\n本报记者 范志诚\n桐阳中院集中宣判欠薪案件7起，为农民工追回工资。\n\n【广告】\n绿丰农资经营部\n电话：8821366\n\n■聚焦民生\n\n今冬集中供暖明起试运行\n\n本报讯 今冬集中供暖明起试运行，供暖面积新增46万平方米。\n\n┌──────┐\n│征订启事│\n└──────┘\n";
    const all = segmentPage(page, { source: "p.txt" });
    expect(all.filter((a) => a.kind === "article").map((a) => [a.title, a.byline])).toEqual([
      ["桐阳中院集中宣判欠薪案", "本报记者 范志诚"],
      ["今冬集中供暖明起试运行", null],
    ]);
    expect(all.find((a) => a.kind === "note")!.body).toMatch(/政法纵横[\s\S]*绿丰农资[\s\S]*聚焦民生[\s\S]*征订启事/);
  });

  it("a short line's subtitle or kicker: a verb first is the subtitle, a preposition first runs on", () => {
    const body = "县社会福利中心适老化改造完工，新增护理型床位120张，同本地实际紧密结合。";
    const sub = titles(`▢ 记者 王婷\n\n${body}\n\n县社会福利中心适老化改造完工\n新增护理型床位120张\n`);
    expect(sub[0]!.slice(0, 3)).toEqual([null, "县社会福利中心适老化改造完工", "新增护理型床位120张"]);
    const runOn = titles(`▢ 记者 王婷\n\n${body}\n\n县社会福利中心改造完工\n同本地实际紧密结合\n`);
    expect(runOn[0]!.slice(0, 3)).toEqual([null, "县社会福利中心改造完工同本地实际紧密结合", null]);
  });

  it("an indented first line starts a paragraph where a page marks paragraphs so; a marked label is not a byline", () => {
    const page =
      "■法治在线\n一起电信诈骗案一审宣判\n\n本报讯（记者 唐越）一起电信诈骗案昨日一审宣判，\n被告人获刑五年。\n\n\n\u3000\u3000湖区渔歌进校园\n通讯员 查文秀\n\u3000\u3000新学期开学后，湖区渔歌进校园活\n动在湖滨小学开展，渔歌传承人\n每周授课一次。\n\u3000\u3000学校还组建了渔歌合唱团。\n";
    const arts = segmentPage(page, { source: "p.txt" }).filter((a) => a.kind === "article");
    expect(arts.map((a) => [a.title, a.byline])).toEqual([
      ["一起电信诈骗案一审宣判", "记者 唐越"],
      ["湖区渔歌进校园", "通讯员 查文秀"],
    ]);
    expect(arts[1]!.body.split("\n")).toHaveLength(2);
  });

  it("a headline wider than the column is not a column-cut sentence; a full-width fragment inside a sentence is", () => {
    const col = "榆州学院材料科学与工程\n学院邹岩教授团队经过四\n年攻关，研发出秸秆基可\n降解地膜。";
    const wide = `东关片区老旧小区改造完成\n\n记者 方晴\n东关片区老旧小区改造已\n完成，惠及居民三千户。\n\n\n榆州学院团队研发秸秆基可降解地膜\n\n${col}\n`;
    expect(titles(wide).map((t) => t[1])).toEqual(["东关片区老旧小区改造完成", "榆州学院团队研发秸秆基可降解地膜"]);
    const cut = `▢ 记者 方晴\n\n本报讯 东关片区老旧小区改造工程今年\n共惠及居民三千户，改造内容包括\n\n管网更新和外墙保温。\n`;
    expect(segmentPage(cut, { source: "p.txt" })[0]!.body).toBe(
      "本报讯东关片区老旧小区改造工程今年共惠及居民三千户，改造内容包括管网更新和外墙保温。",
    );
  });

  it("a short line that leaves a bracket open is cut text, not a headline", () => {
    const page =
      "▢ 记者 吴峰宇\n\n本报讯 省商务厅公布了今年的示范村名单，义乌共有\n十二个村入选，数量位居全省前列。\n\n根据《浙江省商务厅关于开展2021\n\n年全省农村电商示范培育工作的通知》，省\n商务厅组织开展全省农村电商示范培育工\n作，各地积极申报。\n";
    expect(segmentPage(page, { source: "p.txt" })[0]!.body).toContain("根据《浙江省商务厅关于开展2021年全省农村电商示范培育工作的通知》");
  });

  it("a bracketed credit closes the article above even when more body follows it; a colon runs the title on; letter spacing goes", () => {
    const page =
      "退休教师办起免费课堂\n\n退休教师张老师办起免费课堂，已坚持三年。\n（记者 骆晴）\n\n┌────┐\n│停水通知│\n└────┘\n\n城区今起分片检修供水管网，预计三天完成。\n\n城区分片检修供水管网\n";
    expect(titles(page).map((t) => [t[1], t[3]])).toEqual([
      ["退休教师办起免费课堂", "记者 骆晴"],
      ["城区分片检修供水管网", null],
    ]);
    const colon = titles("▢ 全媒体记者 何晓岚\n\n马鞍村一片茶叶撑起增收路，全村茶园达三千亩。\n\n岩脚镇马鞍村：\n一片茶叶撑起增收路\n");
    expect(colon[0]![1]).toBe("岩脚镇马鞍村：一片茶叶撑起增收路");
    const spaced = titles("▢ 记者 柯文杰\n\n琅溪县地区生产总值突破300亿元，增长6.2%。\n\n琅 溪 县 地 区 生 产 总 值 突 破 300 亿 元\n");
    expect(spaced[0]![1]).toBe("琅溪县地区生产总值突破300亿元");
  });

  it("with a cue, a headline sharing words only with the article above closes it; one sharing none stays furniture", () => {
    const body = "初冬时节，沙湾镇五万亩脐橙进入采摘期，收购价每公斤4.6元。";
    const next = "\n\n蓼桑高速公路全线贯通\n\n新华社蓼河11月19日电 蓼桑高速公路全线贯通，两市通行时间缩短至1小时。\n";
    expect(titles(`▢ 记者 葛薇\n\n${body}\n\n沙湾脐橙红了 果农笑了${next}`).map((t) => t[1])).toEqual([
      "沙湾脐橙红了 果农笑了",
      "蓼桑高速公路全线贯通",
    ]);
    expect(titles(`▢ 记者 葛薇\n\n${body}\n\n冬季家电以旧换新${next}`).map((t) => t[1])).toEqual([null, "蓼桑高速公路全线贯通"]);
  });
});
