/**
 * Layout rules added in session 12 (from heldout13–16 failures read after their first reading,
 * and heldout17–18), each with the case on the other side. The sets' own floors are in
 * layouts.test.ts.
 */
import { describe, expect, it } from "vitest";
import { segmentPage } from "../../src/ingest/segment.js";

const articles = (page: string) => segmentPage(page, { source: "p.txt" }).filter((a) => a.kind === "article");
const fields = (page: string) => articles(page).map((a) => [a.kicker, a.title, a.subtitle, a.byline]);

describe("headline blocks after their body", () => {
  it("a question headline over a dash subtitle and a credit is a headline block under a label; a question with a colon is text", () => {
    const page =
      "晚上9点，甲区一处老小区内，一根插线板从三楼窗户垂下。\n记者走访8个小区发现，类似场景仍不少见。\n\n" +
      "记者调查\n“飞线充电”为何屡禁不止？\n——记者走访发现，充电设施不足是主因\n记者 蒋一苇\n\n" +
      "乙镇新建冷库两座，库容达三千吨。\n居民问：冷库何时开放？\n——镇里答复下月开放。\n";
    const got = fields(page);
    expect(got[0]).toEqual([null, "“飞线充电”为何屡禁不止？", "——记者走访发现，充电设施不足是主因", "记者 蒋一苇"]);
    expect(articles(page).at(-1)!.body).toContain("居民问：冷库何时开放？");
  });
});

describe("headline-first pages", () => {
  const top =
    "甲县秋粮收购首日入库稻谷1860吨\n　　本报讯（记者周敏）甲县秋粮收购工作昨日启动，\n首日收购稻谷1860吨。\n" +
    "　　今年甲县中晚稻种植面积23万亩。\n\n" +
    "乙镇新建冷库两座投用\n　　本报讯　乙镇新建冷库两座，库容达三千吨，\n可满足全镇果蔬储存需要。\n";
  it("a headline standing apart after a headed article heads the text below, even sharing no words with it", () => {
    const page = `${top}\n稻浪翻金　秋收正忙\n　　9月11日，丙村村民驾驶收割机在田间抢收中稻。\n眼下，甲县中晚稻陆续进入成熟期，各地抢抓晴好\n天气组织机收。\n本报记者 郑远航 摄\n`;
    expect(articles(page).map((a) => a.title)).toEqual(["甲县秋粮收购首日入库稻谷1860吨", "乙镇新建冷库两座投用", "稻浪翻金 秋收正忙"]);
  });
  it("the same heading set in the article's run of paragraphs (no gap) is a section of it", () => {
    const page = `${top}果蔬有了新去处\n　　冷库投用后，丙村的果蔬可以错峰上市。\n`;
    const got = articles(page);
    expect(got.map((a) => a.title)).toEqual(["甲县秋粮收购首日入库稻谷1860吨", "乙镇新建冷库两座投用"]);
    expect(got[1]!.body).toContain("果蔬有了新去处");
  });
});

describe("briefs marked with a sign", () => {
  it("a short marked line over running text is a brief's headline, and one with the marker of the brief above is the next brief", () => {
    const page =
      "速读\n▶ 铁路今冬明春运行图调整\n11月10日零时起,全国铁路将实行新的\n列车运行图,甲站新增动车组列车4对。\n" +
      "▶ 北方多地迎来初雪\n受冷空气影响,6日至7日我国东北等地\n出现今冬首场降雪。\n" +
      "▶ 市民卡可在线补办\n即日起,市民卡遗失后可通过APP在线\n申请补办,补卡工本费20元。\n";
    expect(articles(page).map((a) => a.title)).toEqual(["铁路今冬明春运行图调整", "北方多地迎来初雪", "市民卡可在线补办"]);
  });
  it("a short marked line over a headline is a column label; marked headings under an unmarked headline do not split its text (no brief on the page uses the marker)", () => {
    const page =
      "■ 体育\n城南全民健身中心下月开放\n\n城南全民健身中心将于下月开放，设游泳馆和篮球馆。\n\n" +
      "■ 场馆设施齐全\n游泳馆设8条泳道，篮球馆可容纳观众800人。\n■ 开放时间延长\n工作日开放至晚上9点，周末全天开放。\n";
    const got = articles(page);
    expect(got.map((a) => a.title)).toEqual(["城南全民健身中心下月开放"]);
    expect(got[0]!.body).toContain("周末全天开放");
  });
});

describe("notices pages", () => {
  it("notices are articles headed by their kind: glued titles over one line or two, an issuer's date ends one, a table's header row is no headline", () => {
    const page =
      "甲县供电公司计划停电公告\n因电网设备检修，我公司将于下列时间对部分线路\n停电，届时请相关用户做好停电准备。\n" +
      "停电时间　　停电线路　　停电范围\n9月20日7:00-18:00　10kV城北线　朝阳路、建设路\n甲县供电公司　2025年9月15日\n\n" +
      "甲县城区供水管网改造工程\n（二期）施工招标公告\n本招标项目已由甲县发展和改革局批准建设，现对该\n项目的施工进行公开招标。\n联系人：黄先生　电话：5236120\n\n" +
      "甲县溪润农业开发有限公司招聘启事\n我公司是一家集柑橘种植、加工、销售于一体的县\n级农业产业化龙头企业，现面向社会招聘以下人员\n联系电话：5289016　联系人：向女士\n\n" +
      "遗失声明\n甲县望坪镇茶香农家乐遗失营业执照正本，声明作\n废。\n\n【广告】\n绿丰农资经营部\n电话：8821366\n";
    expect(articles(page).map((a) => a.title)).toEqual([
      "甲县供电公司计划停电公告",
      "甲县城区供水管网改造工程（二期）施工招标公告",
      "甲县溪润农业开发有限公司招聘启事",
      "遗失声明",
    ]);
  });
  it("a paragraph whose first line ends in a notice's kind but runs on is text", () => {
    const page = "甲县教育局新学期安全检查\n\n本报讯 新学期开学在即。\n\n市教育局日前下发通知\n，要求各校开展安全隐患排查。\n";
    const got = articles(page);
    expect(got.map((a) => a.title)).toEqual(["甲县教育局新学期安全检查"]);
    expect(got[0]!.body).toContain("下发通知");
  });
});

describe("pages with neither blank lines nor indents", () => {
  const page =
    "2025甲市城市足球超级联赛\n白沙新区主场2比1逆转青石县\n文/图 全媒体记者 宋凯\n" +
    "6月20日晚，2025甲市城市足球超\n级联赛第五轮在白沙新区体育中心\n打响，主队以2比1逆转青石县队。\n" +
    "▲白沙新区队队长李晓峰（右）\n在比赛中带球突破。\n" +
    "本报讯（全媒体记者 温雅）6月20日，\n“指尖上的甲市”非遗展在市博物馆\n开幕，展出28个非遗项目的作品。\n" +
    "展览期间，市博物馆每周六下午将举\n办非遗体验课，每场限30人。\n" +
    "“指尖上的甲市”非遗展开幕\n28个非遗项目400余件作品亮相\n";
  it("a headline and credit on top, a two-line caption, an opener mid-block and a headline closing the block each stand apart", () => {
    const got = fields(page);
    expect(got).toEqual([
      ["2025甲市城市足球超级联赛", "白沙新区主场2比1逆转青石县", null, "文/图 全媒体记者 宋凯"],
      ["“指尖上的甲市”非遗展开幕", "28个非遗项目400余件作品亮相", null, "全媒体记者 温雅"],
    ]);
    expect(articles(page)[0]!.body).not.toContain("带球突破");
  });
  it("the other side: a marked brief headline over running text stays a headline; a block ending in a cut sentence keeps it", () => {
    const briefs = "▲甲镇公园樱花进入盛花期\n甲镇公园的樱花日前进入盛花期，花期将持续\n至月底。\n";
    expect(articles(briefs).map((a) => a.title)).toEqual(["甲镇公园樱花进入盛花期"]);
    const cut = "乙村新建冷库\n\n本报讯 乙村新建冷库两座，库容达三千吨。\n今年乙村果蔬产量比去年增长两成\n";
    expect(articles(cut)[0]!.body).toContain("果蔬产量");
  });
});

describe("briefs columns without blank lines", () => {
  const page =
    "记者调查\n小区电动车充电桩\n为何“一桩难求”\n记者走访市区10个小区发现，充电设施远不能满足需求\n记者 沈立 报道\n" +
    "晚上8点，甲区幸福里小区的充电车棚\n里，20个充电插座全部被占满，还有十几\n辆电动车停在车棚外排队。\n■为何难建\n多位物业负责人告诉记者，建设充电车棚\n需要占用公共场地，需征得业主同意，部\n分老旧小区本就没有多余空地。\n" +
    "■怎么破解\n市消防救援支队防火监督处工作人员提醒，\n电动车严禁在楼道、楼梯间停放充电，更\n不能“飞线”充电。市住建局表示，今年将\n新建充电端口1.5万个，列入民生实事项目。\n" +
    "民生简讯\n市图书馆延长夏季开放时间\n自6月15日起，市图书馆将开\n放时间调整为每天8时30分至\n21时。（田甜）\n" +
    "甲乙城际公交增加班次\n记者从市公交集团获悉，6月\n14日起，城际公交每天增至26\n班。（沈立）\n";
  it("a label, title, subtitle and credit on top; a bracketed credit after a sentence closes a brief mid-block; marked sections stay in their article", () => {
    expect(fields(page)).toEqual([
      [null, "小区电动车充电桩为何“一桩难求”", "记者走访市区10个小区发现，充电设施远不能满足需求", "记者 沈立 报道"],
      [null, "市图书馆延长夏季开放时间", null, "田甜"],
      [null, "甲乙城际公交增加班次", null, "沈立"],
    ]);
    expect(articles(page)[0]!.body).toContain("民生实事项目");
  });
  it("the other side: a bracketed note that is no credit runs on inside the text", () => {
    const text = "甲镇新建冷库\n\n本报讯 甲镇新建冷库两座。（见右图）\n库容达三千吨，可满足全镇果蔬储\n存需要。\n";
    const got = articles(text);
    expect(got.map((a) => a.title)).toEqual(["甲镇新建冷库"]);
    expect(got[0]!.body).toContain("库容达三千吨");
  });
});

describe("labels between headlines", () => {
  it("a column label under a closing headline is furniture, and the headline under it heads the next brief however wide", () => {
    const page =
      "本报讯 甲市第五届全民健身运动会昨\n天开幕，共设48个比赛项目，赛事将\n持续到10月底，预计参赛群众超过3万\n人次。\n" +
      "全民健身运动会开幕\n48个项目持续到10月\n体坛简讯\n" +
      "市青少年游泳锦标赛落幕\n6月15日，甲市青少年游泳锦标\n赛在市游泳馆落幕。（罗毅）\n";
    const got = articles(page);
    expect(got.map((a) => a.title)).toEqual(["全民健身运动会开幕", "市青少年游泳锦标赛落幕"]);
    expect(got[0]!.subtitle).toBe("48个项目持续到10月");
  });
  it("the other side: a short last line that shares the body's words stays in the headline", () => {
    const page = "本报讯 甲镇新建冷库两座，库容达三千吨，可\n满足全镇果蔬储存需要。\n\n甲镇新建冷库\n果蔬储存\n";
    expect(articles(page)[0]!.subtitle ?? articles(page)[0]!.title).toContain("果蔬储存");
  });
});

describe("tables and contents lines", () => {
  it("a table's rows set apart are no headline: the headline after the text heads it", () => {
    const page =
      "5　　教育周刊\n2025年4月17日　星期四\n本版主编：张　敏　责任编辑：潘　玉\n\n记者日前从县教育局获悉，2025年我\n县初中学业水平考试（中考）将于6\n月20日至22日举行，全县报名参考考\n生约4800人，设云岭中学、县民族中\n学、白沙中学3个考点。\n\n今年中考考试科目、分值与去年保持\n一致，满分为750分。具体考试时间\n安排如下：\n\n6月20日　上午9:00—11:30　语文\n　　　　　下午15:00—17:00　物理、化学\n6月21日　上午9:00—11:00　数学\n　　　　　下午15:00—16:40　道德与法治、历史\n6月22日　上午9:00—11:00　英语\n　　　　　下午15:00—16:30　生物、地理\n\n县教育局提醒，考生须携带准考证和\n身份证，提前30分钟到达考点，严禁\n携带手机、智能手表等电子设备进入\n考场。体育与健康考试将于5月8日至\n10日进行。\n\n2025年中考时间定了\n6月20日至22日举行　全县约4800名考生报考\n本报记者　李晓岚\n";
    const got = articles(page);
    expect(got).toHaveLength(1);
    expect(got[0]!.byline).toBe("本报记者 李晓岚");
    expect(got[0]!.body).toContain("考生须携带准考证");
  });
  it("a marked contents line is no byline; a marked name is", () => {
    const page =
      "今日导读\n▶ 老旧小区加装电梯何时不再“卡壳”？　4版\n\n天气　今天　多云转阵雨　22℃～30℃\n　　　明天　阵雨　21℃～27℃　东南风2～3级\n\n" +
      "甲镇新建冷库两座投用\n\n甲镇新建冷库两座，库容达三千吨。\n\n" +
      "乙村文化礼堂开放\n\n▢ 吴峰宇\n\n乙村文化礼堂昨天开放，可容纳三百人。\n";
    expect(fields(page).map((f) => f[3])).toEqual([null, "吴峰宇"]);
  });
});

describe("titles wrapped over two lines", () => {
  const head = (lines: string) => {
    const got = articles(
      `${lines}\n\n本报讯 甲县城关镇设立电动自行车登记点，方便市民就近登记。\n龙潭高山蔬菜坐上冷链专车，“周末不打烊”服务成为常态。\n`,
    );
    return [got[0]!.kicker, got[0]!.title, got[0]!.subtitle];
  };
  it("a line that ends on a verb's count, a verb and its direction, or a causative with nothing caused runs on", () => {
    expect(head("城关镇设立5个\n电动自行车登记点")).toEqual([null, "城关镇设立5个电动自行车登记点", null]);
    expect(head("龙潭高山蔬菜坐上\n“冷链专车”\n每天40余吨鲜菜发往省外市场")).toEqual([
      null,
      "龙潭高山蔬菜坐上“冷链专车”",
      "每天40余吨鲜菜发往省外市场",
    ]);
    expect(head("让“周末不打烊”\n成为服务常态")).toEqual([null, "让“周末不打烊”成为服务常态", null]);
  });
  it("the other side: a count after its noun ends a clause; a causative with its own verb is a clause", () => {
    expect(head("总投资12.6亿元　新增万吨级泊位4个\n城关镇电动自行车登记点开放")[0]).toBe("总投资12.6亿元 新增万吨级泊位4个");
    // (kicker and title, or title and subtitle: two clauses either way, not one title)
    const care = articles(
      "让老人在家门口安享晚年\n城关镇嵌入式养老服务覆盖八成街道\n\n本报讯 城关镇嵌入式养老服务已覆盖八成街道，让老人在家门口安享晚年。\n",
    )[0]!;
    expect([care.kicker, care.title, care.subtitle]).toContain("让老人在家门口安享晚年");
  });
  it("a column label in brackets in front of a headline is no part of it", () => {
    expect(head("【百姓身边事】城关镇电动自行车登记点开放")[1]).toBe("城关镇电动自行车登记点开放");
  });
});

describe("continuations, notices' titles and page numbers", () => {
  it("a headline over `（上接第1版）` heads the continuation; a clause announcing a notice's list is text", () => {
    const page =
      "3\n第216期\n甲县政府常务会议召开\n　　本报讯 4月11日，县长主持召开常务会议，\n研究审议停车管理办法等事项。\n" +
      "全县春播进度过七成\n（上接第1版）\n受益农户超过8000户。\n　　记者在龙潭乡采访时看到，育秧工厂内\n秧苗整齐排列。\n" +
      "甲县人民政府关于加强春季森林防火的通告\n　　为切实做好春季森林防火工作，保护森林\n资源，现就有关事项通告如下：\n" +
      "　　一、3月1日至5月31日为我县森林高火\n险期，禁止一切野外用火。\n";
    const got = articles(page);
    expect(got.map((a) => a.title)).toEqual(["甲县政府常务会议召开", "全县春播进度过七成", "甲县人民政府关于加强春季森林防火的通告"]);
    expect(got[0]!.body.startsWith("本报讯")).toBe(true);
    expect(got[2]!.body).toContain("现就有关事项通告如下");
  });
});
