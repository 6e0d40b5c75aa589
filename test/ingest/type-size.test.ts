/**
 * Pages with type sizes (PDF text layers, OCR): what type size settles, as page → articles tables.
 * Each page is written as [type size, line] pairs; a blank line is [0, ""].
 */
import { describe, expect, it } from "vitest";
import { segmentPage } from "../../src/ingest/segment.js";

type Row = [number, string];
const BODY = 10.5;

/** Body lines of about a column's width (15 characters), first one indented. */
const body = (text: string): Row[] => {
  const chars = Array.from(`　　${text}`);
  const rows: Row[] = [];
  for (let i = 0; i < chars.length; i += 15) rows.push([BODY, chars.slice(i, i + 15).join("")]);
  return rows;
};

function articles(rows: Row[]) {
  const text = rows.map((r) => r[1]).join("\n");
  return segmentPage(text, { source: "p.pdf#p1", lineSizes: rows.map((r) => r[0]) })
    .filter((a) => a.kind === "article")
    .map((a) => ({ kicker: a.kicker, title: a.title, subtitle: a.subtitle, byline: a.byline, body: a.body.replace(/\s+/g, "") }));
}

const FIRST = "8月9日晚，由原青澜第二棉纺厂改造而成的文创街区正式开街。街区占地约5.8万平方米，保留了7栋老厂房。";
const SECOND = "记者从鹭川地铁集团获悉，为方便乘客换乘，地铁2号线将新增5个出入口，年内全部投用。";

describe("type size and headline blocks", () => {
  it("keeps a kicker and a subtitle set in body type with the headline type between them", () => {
    const got = articles([
      [10, "青澜日报"],
      [0, ""],
      [8.5, "2025年8月12日 星期二"],
      [0, ""],
      [BODY, "老厂房变身文创街区"],
      [0, ""],
      [22, "青澜棉纺厂旧址“织里”开街"],
      [0, ""],
      [BODY, "——首批入驻商户46家，保留锯齿形厂房屋顶"],
      [0, ""],
      [8.5, "文/图 本报记者 单知夏"],
      [0, ""],
      ...body(FIRST),
    ]);
    expect(got).toEqual([
      {
        kicker: "老厂房变身文创街区",
        title: "青澜棉纺厂旧址“织里”开街",
        subtitle: "——首批入驻商户46家，保留锯齿形厂房屋顶",
        byline: "文/图 本报记者 单知夏",
        body: FIRST,
      },
    ]);
  });

  it("reads a line cut off at a column foot, as long as the column's lines, as body text, not as a kicker", () => {
    const cut = "上湾村杨梅种植大户顾立军说今年";
    const got = articles([
      [16, "沐溪杨梅网上卖出近两万单"],
      [0, ""],
      ...body(FIRST),
      [0, ""],
      [BODY, cut],
      [0, ""],
      [16, "地铁2号线新增5个出入口"],
      [0, ""],
      ...body(SECOND),
    ]);
    expect(got.map((a) => [a.kicker, a.title])).toEqual([
      [null, "沐溪杨梅网上卖出近两万单"],
      [null, "地铁2号线新增5个出入口"],
    ]);
    expect(got[0]!.body.endsWith(cut)).toBe(true);
  });

  it("takes a byline printed inside a sentence cut by a column break as the article's byline and joins the sentence", () => {
    const rows = body(FIRST);
    // the byline stands at the top of the second column, between `…正式开` and `街。…`
    const [a, z] = [rows.slice(0, 2), rows.slice(2)];
    const got = articles([[18, "文创街区正式开街"], [0, ""], ...a, [0, ""], [9.8, "　　本报记者 邵可欣"], ...z]);
    expect(got).toEqual([{ kicker: null, title: "文创街区正式开街", subtitle: null, byline: "本报记者 邵可欣", body: FIRST }]);
  });

  it("takes a paper's name in the page's largest type for the masthead, wherever the columns put it", () => {
    const got = articles([
      [16, "镇卫生院开通远程会诊"],
      [0, ""],
      ...body(FIRST),
      [0, ""],
      [30, "沐溪周报"],
      [0, ""],
      [28, "十二条龙舟竞渡沐溪河"],
      [0, ""],
      ...body(SECOND),
    ]);
    expect(got.map((a) => a.title)).toEqual(["镇卫生院开通远程会诊", "十二条龙舟竞渡沐溪河"]);
  });

  it("reads a credit-like label set larger than the body (`记者手记`) as a label, a glued credit in small type as the byline", () => {
    const page = (label: number): Row[] => [
      [label, "记者手记"],
      [0, ""],
      [20, "田埂上的新农人"],
      [0, ""],
      [9, "记者阮清和"],
      [0, ""],
      ...body(FIRST),
    ];
    expect(articles(page(13)).map((a) => [a.kicker, a.title, a.byline])).toEqual([["记者手记", "田埂上的新农人", "记者阮清和"]]);
  });

  it("sets a folio line (`A02 城事`) aside as page furniture", () => {
    const got = articles([[16, "地铁2号线新增5个出入口"], [0, ""], ...body(SECOND), [0, ""], [9.5, "A02 城事"]]);
    expect(got.map((a) => a.body)).toEqual([SECOND]);
  });
});
