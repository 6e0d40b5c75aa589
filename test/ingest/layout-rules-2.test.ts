/**
 * Layout rules added for `heldout11` and `heldout12` (briefs columns, half-width punctuation,
 * blank-less indented pages, sections inside articles, source credits), each with the case on the
 * other side. The sets' own floors are in layouts.test.ts.
 */
import { describe, expect, it } from "vitest";
import { segmentPage } from "../../src/ingest/segment.js";
import { HAS_SENTENCE_END, SENTENCE_END } from "../../src/ingest/text.js";
import { mastheadDate } from "../../src/ingest/dates.js";

const articles = (page: string) => segmentPage(page, { source: "p.txt" }).filter((a) => a.kind === "article");
const fields = (page: string) => articles(page).map((a) => [a.kicker, a.title, a.subtitle, a.byline]);
const squash = (s: string) => s.replace(/\s+/g, "");

describe("briefs columns", () => {
  it("a marked line without a credit is a brief's headline; a marked credit is a byline", () => {
    const page =
      "▲甲镇公园樱花进入盛花期\n\n甲镇公园的樱花日前进入盛花期，花期将持续至月底。（记者　谭小雨）\n\n" +
      "▲乙路部分路段夜间封闭施工\n\n乙路将于本月封闭施工，过往车辆请绕行。\n\n" +
      "▢ 全媒体记者 吴峰宇\n\n丙村今年新建冷库两座，库容达三千吨。\n\n丙村建成冷库\n";
    expect(fields(page)).toEqual([
      [null, "甲镇公园樱花进入盛花期", null, "记者 谭小雨"],
      [null, "乙路部分路段夜间封闭施工", null, null],
      [null, "丙村建成冷库", null, "全媒体记者 吴峰宇"],
    ]);
  });

  it("a headline in lenticular brackets glued on top of its text is split off, under a label too; a short bracketed label is no headline", () => {
    const page =
      "城事速递\n【甲区新增3处24小时自助图书馆】\n日前，甲区新建的3处自助图书馆投入使用，\n每处藏书约3000册。\n（钟岚）\n\n" +
      "【健康生活】\n乙镇卫生院开设夜间门诊\n\n乙镇卫生院自本月起开设夜间门诊，方便上班族就医。\n";
    const got = articles(page);
    expect(got.map((a) => a.title)).toEqual(["甲区新增3处24小时自助图书馆", "乙镇卫生院开设夜间门诊"]);
    expect(got[0]!.byline).toBe("钟岚");
    expect(squash(got[0]!.body).startsWith("日前")).toBe(true);
  });

  it("a name alone in brackets closes an article as its byline; a bracketed note that is no name does not", () => {
    const page = "甲镇新建文化礼堂\n\n甲镇的新文化礼堂昨天投入使用，礼堂可容纳三百人。\n（杨帆）\n";
    expect(fields(page)[0]![3]).toBe("杨帆");
    const note = "甲镇新建文化礼堂\n\n甲镇的新文化礼堂昨天投入使用，礼堂可容纳三百人。\n（待续）\n";
    expect(fields(note)[0]![3]).toBeNull();
    // also at the end of the last line, after its sentence
    const inline = "甲镇新建文化礼堂\n\n甲镇的新文化礼堂昨天投入使用，礼堂可\n容纳三百人。（钱小满）\n";
    expect(fields(inline)[0]![3]).toBe("钱小满");
    expect(articles(inline)[0]!.body).not.toContain("钱小满");
  });

  it("a source line at the end credits the article; a sentence naming a source is body text", () => {
    const page = "乙县开展森林防火检查\n\n乙县近日开展秋季森林防火专项检查，排查隐患12处。\n来源：乙县发布\n";
    expect(fields(page)[0]![3]).toBe("来源：乙县发布");
    const inline = "乙县出台宅基地管理新规\n\n乙县出台农村宅基地管理新规，办法自10\n月1日起施行。（据《江州日报》）\n";
    expect(fields(inline)[0]![3]).toBe("据《江州日报》");
    const body = "乙县开展森林防火检查\n\n乙县近日开展秋季森林防火专项检查，排查隐患12处。\n来源：乙县发布的通报显示，隐患均已整改。\n";
    expect(fields(body)[0]![3]).toBeNull();
  });
});

describe("punctuation and headlines", () => {
  it("a half-width full stop after a CJK character ends a sentence; a decimal point does not", () => {
    // set with half-width punctuation, the body's last paragraph is no headline block
    const page =
      "老旧小区加装电梯为何叫好不叫座\n融媒体记者 罗书言\n\n家住甲区的钱秀芝已经两年多没下过楼了.\n\n市住建局相关负责人表示,下一步将探索多元筹资\n方式,力争今年新增加装电梯100部以上.\n";
    expect(fields(page)).toEqual([[null, "老旧小区加装电梯为何叫好不叫座", null, "融媒体记者 罗书言"]]);
    expect([HAS_SENTENCE_END.test("没下过楼了."), SENTENCE_END.test("没下过楼了."), SENTENCE_END.test("“做梦都想装部电梯.”")]).toEqual([
      true,
      true,
      true,
    ]);
    expect([HAS_SENTENCE_END.test("绿道全长1.2公里"), SENTENCE_END.test("版本号为2.")]).toEqual([false, false]);
  });

  it("a headline may ask a question; an interview's question line is body text", () => {
    const page =
      "（记者　林芳）\n\n老旧小区加装电梯，补贴怎么申请？\n\n近日，读者杨先生致电本报：小区想加装电梯，补贴怎么申请？\n\n问：哪些小区可以申请补贴？\n\n答：2000年以前建成的4层及以上住宅均可申请。\n";
    const got = articles(page);
    expect(got.map((a) => a.title)).toEqual(["老旧小区加装电梯，补贴怎么申请？"]);
    expect(got[0]!.body).toContain("问：哪些小区可以申请补贴？");
  });

  it("a list item ending in a semicolon is running text, not a headline", () => {
    const page =
      "市教育局公布中考体育方案\n\n市教育局公布今年中考体育方案，主要有以下变化：\n\n一是总分由50分提高到60分；\n\n二是游泳纳入选考项目。\n";
    const got = articles(page);
    expect(got).toHaveLength(1);
    expect(squash(got[0]!.body)).toContain("一是总分由50分提高到60分；二是游泳纳入选考项目。");
  });
});

describe("sections and split articles", () => {
  it("a short heading inside a headed article is its section (记者手记, 一、…), even with a credit further down", () => {
    const page =
      "一颗茶籽的全产业链之旅\n▢ 全媒体记者 王蕴之\n\n一颗小小的茶籽，在石埠乡走出了一条全产业链之路。\n\n一、从靠天收到科学种\n\n过去油茶树都是老品种，一亩地只收三四十斤油。\n\n记者手记\n\n在石埠乡采访，记者听到最多的一个词是链，小茶籽才有了大产值。\n\n" +
      "乙镇电商直播基地入驻商户已达108家，累计开展直播带货1.2万余场。\n（记者　罗正航）\n\n乙镇电商直播基地入驻商户突破百家\n";
    const got = articles(page);
    expect(got.map((a) => a.title)).toEqual(["一颗茶籽的全产业链之旅", "乙镇电商直播基地入驻商户突破百家"]);
    expect(got[0]!.body).toContain("记者手记");
    expect(got[0]!.body).toContain("一、从靠天收到科学种");
  });

  it("a headline under a headed article's body heads the paragraphs at its end whose words it repeats", () => {
    const page =
      "鸿屹精密获评省级专精特新企业\n记者　罗正航\n\n日前，鸿屹精密科技有限公司入选省级专精特新企业名单。\n\n鸿屹精密主要生产电机精密结构件。\n\n" +
      "3月17日，市统计局发布数据，1至2月全市规上工业增加值同比增长7.8%。\n\n分行业看，电子信息产业增加值增长12.4%。\n\n前两月全市规上工业增加值增长7.8%\n";
    const got = articles(page);
    expect(got.map((a) => a.title)).toEqual(["鸿屹精密获评省级专精特新企业", "前两月全市规上工业增加值增长7.8%"]);
    expect(got[1]!.body.startsWith("3月17日")).toBe(true);
    // the other side: a closing headline whose words are all over the body stays its headline
    const one = articles("甲镇新建文化礼堂\n\n甲镇的新文化礼堂昨天投入使用。\n\n礼堂可容纳三百人。\n\n甲镇新建文化礼堂投入使用\n");
    expect(one).toHaveLength(1);
  });
});

describe("headline blocks", () => {
  it("three clauses, each with its own predicate: kicker, title, subtitle; a line without one joins the title", () => {
    const page =
      "小茶籽榨出大产业\n甲县油茶林面积突破12万亩\n1.6万户茶农年均增收4800元\n\n甲县油茶林面积今年突破12万亩，1.6万户茶农年均增收4800元。\n";
    expect(fields(page)[0]!.slice(0, 3)).toEqual(["小茶籽榨出大产业", "甲县油茶林面积突破12万亩", "1.6万户茶农年均增收4800元"]);
    const joined = "春季旅游持续升温\n西岭县一季度接待游客\n186.4万人次\n\n西岭县一季度接待游客186.4万人次，同比增长两成。\n";
    expect(fields(joined)[0]!.slice(0, 3)).toEqual(["春季旅游持续升温", "西岭县一季度接待游客186.4万人次", null]);
  });

  it("a kicker, a title with figures and a dash subtitle stay three fields", () => {
    const page =
      "秋粮收购全面启动\n全市360个收储网点敞开收购\n——预计收购中晚稻45万吨\n\n全市360个收储网点日前敞开收购秋粮，预计收购中晚稻45万吨。\n";
    expect(fields(page)[0]!.slice(0, 3)).toEqual(["秋粮收购全面启动", "全市360个收储网点敞开收购", "——预计收购中晚稻45万吨"]);
  });

  it("in a blank-less page indenting its paragraphs, flush lines after a finished sentence over a credit or an indented line are a headline", () => {
    const page =
      "甲镇新建文化礼堂\n本报记者　顾澜\n　　甲镇的新文化礼堂昨天投入使用，\n礼堂可容纳三百人。\n预付卡消费，这几样凭证要留好\n本报记者　顾澜\n　　近期，城区一家健身房突然闭店，\n会员预付卡余额无法退还，消费凭\n证成了维权的关键。\n" +
      "最高法发布涉老年人权益保护\n典型案例\n　　新华社北京3月13日电（记者　李明远）最高人民法院\n13日发布一批涉老年人权益保护典\n型案例。\n";
    expect(articles(page).map((a) => a.title)).toEqual([
      "甲镇新建文化礼堂",
      "预付卡消费，这几样凭证要留好",
      "最高法发布涉老年人权益保护典型案例",
    ]);
    // the other side: a flush line after a finished sentence inside a paragraph, with a comma and no credit under it
    const body = "甲镇新建文化礼堂\n本报记者　顾澜\n　　甲镇的新文化礼堂昨天投入使用。\n同时，礼堂还设有图书室，\n可供村民借阅。\n";
    expect(articles(body)).toHaveLength(1);
  });

  it("a credit right under a headline after its body, set apart from the text below, is that article's; one over the text below is the next one's", () => {
    const page =
      "大型古装戏《春江渡》在市大剧院首演。\n\n该剧今年计划演出50场。\n\n采茶戏新作《春江渡》首演\n文/图　许蔓\n\n市教育局公布今年中考体育方案，总分提高到60分。\n\n市教育局公布中考体育方案\n";
    expect(fields(page).map((f) => [f[1], f[3]])).toEqual([
      ["采茶戏新作《春江渡》首演", "文/图 许蔓"],
      ["市教育局公布中考体育方案", null],
    ]);
    const next =
      "大型古装戏《春江渡》在市大剧院首演。\n\n该剧今年计划演出50场。\n\n采茶戏新作《春江渡》首演\n\n文/图　许蔓\n市教育局公布今年中考体育方案，总分提高到60分。\n\n市教育局公布中考体育方案\n";
    expect(fields(next).map((f) => [f[1], f[3]])).toEqual([
      ["采茶戏新作《春江渡》首演", null],
      ["市教育局公布中考体育方案", "文/图 许蔓"],
    ]);
  });
});

describe("blank-less pages and mastheads", () => {
  it("two headlines back to back in one block split where each side's words say (closing the one above, heading the one below)", () => {
    const page =
      "▢ 晚报记者 范思远\n受辐射雾影响，昨天早晨岚江大桥能见度不足200米，大桥车流缓行。\n气象部门预计未来一周早晨仍有雾。\n" +
      "大雾锁城 岚江大桥早高峰车流缓行\n镜湖公园银杏进入最佳观赏期\n" +
      "连日来，镜湖公园西岸的86株银杏树由绿转黄，进入最佳观赏期。\n";
    expect(articles(page).map((a) => a.title)).toEqual(["大雾锁城 岚江大桥早高峰车流缓行", "镜湖公园银杏进入最佳观赏期"]);
    // the other side: a two-line headline whose lines both repeat the body below stays one block
    const one = "▢ 晚报记者 范思远\n昨天早晨岚江大桥车流缓行。\n\n镜湖公园银杏\n进入最佳观赏期\n\n连日来，镜湖公园的银杏进入最佳观赏期。\n";
    expect(articles(one).map((a) => a.title)).toContain("镜湖公园银杏进入最佳观赏期");
  });

  it("a marked caption over a headline is furniture; a marked headline over its text is a headline", () => {
    const page =
      "▲谭守义正在为顾客更换鞋跟\n城墙根下的修鞋摊：一门手艺守了四十年\n周敏/文　蒋一帆/图\n\n谭守义的修鞋摊在城墙根下摆了四十年。\n";
    expect(fields(page)).toEqual([[null, "城墙根下的修鞋摊：一门手艺守了四十年", null, "周敏/文 蒋一帆/图"]]);
  });

  it("a paper's name in pinyin and a numeric date line are masthead furniture, and the date is the page's", () => {
    const page = "LANJIANG WANBAO 岚江晚报\nA05 城事  2025-11-07\n\n镜湖公园银杏进入最佳观赏期\n\n镜湖公园的银杏进入最佳观赏期。\n";
    expect(fields(page).map((f) => f.slice(0, 2))).toEqual([[null, "镜湖公园银杏进入最佳观赏期"]]);
    expect(mastheadDate(page)).toBe("2025-11-07");
    // a number in running text is no date
    expect(mastheadDate("本报讯 编号为2025-11-07的文件已下发，请各单位执行。\n")).toBeNull();
  });

  it("a credit under a closing headline is that article's when the headline after it has a credit of its own", () => {
    const page =
      "白鹭坪茶园的三产融合账本\n记者 朱晓岚\n　　白鹭坪茶园走上了种茶、制茶、茶旅融合的路子，茶园的\n账本变了。\n　　茶农去年户均增收1.8万元。\n" +
      "　　记者从区文化和旅游局获悉，首届湄溪茶文化节将于\n12月6日在白鹭坪茶园开幕，为期三天。\n首届湄溪茶文化节12月开幕\n记者 段鸣\n40名茶农学做直播带货\n通讯员 龚晨\n" +
      "　　11月11日，湄溪区首期茶农直播电商培训班开班，\n40名茶农参加培训，学做直播带货。\n";
    const got = fields(page).map((f) => [f[1], f[3]]);
    expect(got).toContainEqual(["首届湄溪茶文化节12月开幕", "记者 段鸣"]);
    expect(got).toContainEqual(["40名茶农学做直播带货", "通讯员 龚晨"]);
  });

  it("in a block with no paragraph marks, a line without clause punctuation over a credit is a headline", () => {
    const page =
      "反诈进校园活动启动\n\n通讯员　陶思源\n市公安局反诈中心民警走进市第二中学，为高三毕\n业生上了一堂反诈课，提醒同学们警惕诈骗。\n" +
      "一张调解桌化解300余起邻里纠纷\n本报记者　宋禾　通讯员　章凤仪\n凤台街道文昌社区有一张用了八年的旧木桌，调\n解桌前化解了300余起邻里纠纷。\n";
    expect(fields(page).map((f) => [f[1], f[3]])).toEqual([
      ["反诈进校园活动启动", "通讯员 陶思源"],
      ["一张调解桌化解300余起邻里纠纷", "本报记者 宋禾 通讯员 章凤仪"],
    ]);
    // the other side: a line of running text (with a comma) over a credit stays in the body
    const body = "反诈进校园活动启动\n\n通讯员　陶思源\n市公安局反诈中心民警走进市第二中学。\n同学们纷纷表示，收获很大\n记者　宋禾\n";
    expect(articles(body)).toHaveLength(1);
  });
});
