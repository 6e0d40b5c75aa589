import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { listCorpus, loadFile } from "../../src/ingest/corpus.js";
import { decodeText } from "../../src/ingest/decode.js";
import type { IngestWarning } from "../../src/ingest/types.js";

const SAMPLE = "□ 全媒体记者 吴峰宇\n\n本报讯 义乌开展网红直播带货已超2020年全年的18.33万场。\n\n义乌直播带货\n";

describe("decoding", () => {
  it.each([
    ["UTF-8", Buffer.from(SAMPLE, "utf8"), "utf-8"],
    ["UTF-8 with BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE)]), "utf-8-bom"],
    ["UTF-16LE with BOM", Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(SAMPLE, "utf-16le")]), "utf-16le"],
    ["UTF-16BE with BOM", Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(SAMPLE, "utf-16be")]), "utf-16be"],
    ["GBK", iconv.encode(SAMPLE, "gbk"), "gb18030"],
    ["GB18030", iconv.encode(SAMPLE, "gb18030"), "gb18030"],
  ])("%s", (_name, buf, encoding) => {
    const r = decodeText(buf);
    expect(r).toEqual({ ok: true, text: SAMPLE, encoding });
  });

  it.each([
    ["an empty file", Buffer.alloc(0), "empty"],
    ["a whitespace-only file", Buffer.from(" \n\t\n"), "empty"],
    [
      "a binary file",
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 0]),
      "binary",
    ],
  ])("rejects %s", (_name, buf, reason) => {
    expect(decodeText(buf)).toMatchObject({ ok: false, reason });
  });
});

describe("reading a corpus with bad files", () => {
  it("warns once per bad file, naming it, and reads every good one", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "citebot-corpus-"));
    mkdirSync(path.join(dir, "sub"));
    writeFileSync(path.join(dir, "good.txt"), SAMPLE);
    writeFileSync(path.join(dir, "sub", "gbk.txt"), iconv.encode(SAMPLE, "gbk"));
    writeFileSync(path.join(dir, "utf16.txt"), Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(SAMPLE, "utf-16le")]));
    writeFileSync(path.join(dir, "empty.txt"), "");
    writeFileSync(path.join(dir, "image.txt"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3]));
    writeFileSync(path.join(dir, "ignored.docx"), "x");
    writeFileSync(path.join(dir, "broken.pdf"), "%PDF-1.7 not really");
    writeFileSync(path.join(dir, "doc.md"), "---\ntitle: 前言\ndate: 2021-12-28\npage: 3\n---\n正文第一句，说明情况。\n");
    writeFileSync(path.join(dir, "good.meta.json"), JSON.stringify({ publication: "义乌商报", date: "2021-12-29", page: "1" }));
    const warnings: IngestWarning[] = [];
    const warn = (w: IngestWarning) => warnings.push(w);
    const files = await listCorpus(dir, warn);
    expect(files.map((f) => f.path)).toEqual(["broken.pdf", "doc.md", "empty.txt", "good.txt", "image.txt", "sub/gbk.txt", "utf16.txt"]);
    const loaded = (await Promise.all(files.map((f) => loadFile(dir, f, warn)))).filter((x) => x !== null);
    expect(loaded.map((f) => f.path)).toEqual(["doc.md", "good.txt", "sub/gbk.txt", "utf16.txt"]);
    expect(warnings.map((w) => w.file).sort()).toEqual(["broken.pdf", "empty.txt", "image.txt"]);
    expect(warnings.find((w) => w.file === "broken.pdf")!.message).toMatch(/^skipped: not a readable PDF/);
    for (const f of loaded.filter((f) => f.path.endsWith(".txt"))) expect(f.articles[0]!.title).toBe("义乌直播带货");
    expect(loaded.find((f) => f.path === "good.txt")!.articles[0]!.meta).toEqual({
      publication: "义乌商报",
      date: "2021-12-29",
      date_source: "metadata",
      page: "1",
    });
    const md = loaded.find((f) => f.path === "doc.md")!.articles[0]!;
    expect(md).toMatchObject({ title: "前言", meta: { date: "2021-12-28", page: "3" }, body: "正文第一句，说明情况。" });
  });
});
