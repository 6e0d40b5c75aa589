/**
 * Promise 2: bad corpus files (GBK, UTF-16, binary, empty, a 50 MB single line, a file that
 * disappears mid-scan, no read permission, symlink loops) each get one clear warning naming the
 * file; every other file is indexed; nothing crashes.
 */
import { localRetriever } from "../../src/search/index.js";
import { promises as fsp, chmodSync, mkdirSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import iconv from "iconv-lite";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAnswerService } from "../../src/answer/answer-service.js";
import type { IngestWarning } from "../../src/ingest/types.js";
import { HashEmbeddings } from "../../src/search/hash-embeddings.js";
import { buildIndex } from "../../src/search/index-store.js";
import { scratchCorpus } from "../helpers/index.js";

afterEach(() => vi.restoreAllMocks());

/** Builds a real index of `corpusDir`, collecting the ingest warnings. */
const buildWithWarnings = (corpusDir: string, dataDir: string, warnings: IngestWarning[], checkpoint?: (point: string) => void) =>
  buildIndex({ corpusDir, dataDir, embeddings: new HashEmbeddings(), onWarning: (w) => warnings.push(w), checkpoint });

describe("a corpus full of bad files", () => {
  it("warns once per bad file, indexes all the others, answers from them", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    const put = (name: string, data: string | Buffer) => writeFileSync(path.join(corpusDir, name), data);
    put("gbk.txt", iconv.encode("# 编码测试\n\n义乌国标编码测试文章记载，测试码头年吞吐量九百万吨。\n", "gbk"));
    put(
      "utf16.txt",
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        iconv.encode("# 宽字符测试\n\n义乌宽字符测试文章记载，测试公园占地六百亩。\n", "utf-16le"),
      ]),
    );
    put("binary.txt", Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    put("empty.txt", "");
    put("huge.txt", Buffer.alloc(50 * 1024 * 1024, 0x61)); // 50 MB, one line
    put("vanishes.txt", "# 会消失的文件\n\n这个文件在扫描后被删除。\n");
    put("locked.txt", "# 无权限\n\n读不到的文件。\n");
    chmodSync(path.join(corpusDir, "locked.txt"), 0o000);
    mkdirSync(path.join(corpusDir, "sub"));
    symlinkSync("..", path.join(corpusDir, "sub", "loop"));
    symlinkSync("self.txt", path.join(corpusDir, "self.txt"));

    // As root, mode 000 is still readable: make the read fail as it would for anyone else.
    if (process.getuid?.() === 0) {
      const real = fsp.readFile;
      vi.spyOn(fsp, "readFile").mockImplementation(((p: Parameters<typeof real>[0], ...rest: unknown[]) => {
        if (String(p).endsWith("locked.txt"))
          return Promise.reject(Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" }));
        return (real as (...a: unknown[]) => Promise<unknown>)(p, ...rest);
      }) as typeof real);
    }

    const warnings: IngestWarning[] = [];
    const { index, manifest } = await buildWithWarnings(corpusDir, dataDir, warnings, (point) => {
      if (point === "scan") unlinkSync(path.join(corpusDir, "vanishes.txt"));
    });

    const byFile = new Map<string, string[]>();
    for (const w of warnings) byFile.set(w.file, [...(byFile.get(w.file) ?? []), w.message]);
    const expected: Record<string, RegExp> = {
      "binary.txt": /binary/,
      "empty.txt": /empty/,
      "huge.txt": /50\.0 MB is over the 20 MB limit/,
      "vanishes.txt": /disappeared/,
      "locked.txt": /permission denied/,
      "sub/loop": /already scanned/,
      "self.txt": /symbolic link loop/,
    };
    for (const [file, re] of Object.entries(expected)) {
      expect(byFile.get(file), file).toHaveLength(1);
      expect(byFile.get(file)![0]).toMatch(re);
    }
    expect([...byFile.keys()].sort()).toEqual(Object.keys(expected).sort());

    const indexed = manifest.files.map((f) => f.path);
    expect(indexed).toEqual(expect.arrayContaining(["gbk.txt", "utf16.txt", "000_d579d1dab696a189.txt", "004_2c58187224ef0ee6.txt"]));
    expect(indexed).toHaveLength(7);
    expect(manifest.files.find((f) => f.path === "gbk.txt")!.encoding).toMatch(/gb/i);
    const service = createAnswerService({ retriever: localRetriever(() => index) });
    expect((await service.ask("测试码头年吞吐量多少？")).citations[0]!.excerpt).toContain("九百万吨");
    expect((await service.ask("测试公园占地多少？")).citations[0]!.excerpt).toContain("六百亩");
  }, 60_000);

  it("symbolic links out of the corpus are skipped with a warning and never served", async () => {
    const { corpusDir, dataDir, root } = scratchCorpus();
    const outside = path.join(root, "elsewhere");
    mkdirSync(outside);
    writeFileSync(path.join(outside, "secret.txt"), "本报讯 数据库密码是测试口令七七八八。\n\n机密\n");
    symlinkSync(path.join(outside, "secret.txt"), path.join(corpusDir, "passwd.txt"));
    symlinkSync(outside, path.join(corpusDir, "outdir"));
    // a link that stays inside is fine
    symlinkSync("000_d579d1dab696a189.txt", path.join(corpusDir, "alias.txt"));
    const warnings: IngestWarning[] = [];
    const { index, manifest } = await buildWithWarnings(corpusDir, dataDir, warnings);
    const outsideWarnings = warnings
      .filter((w) => /outside the corpus/.test(w.message))
      .map((w) => w.file)
      .sort();
    expect(outsideWarnings).toEqual(["outdir", "passwd.txt"]);
    expect(manifest.files.map((f) => f.path)).toContain("alias.txt");
    expect(manifest.files.map((f) => f.path).some((p) => /passwd|outdir/.test(p))).toBe(false);
    const a = await createAnswerService({ retriever: localRetriever(() => index) }).ask("数据库密码是什么？");
    expect(a.citations.map((c) => c.excerpt).join("")).not.toContain("七七八八");
  });

  it("a UTF-8 file with one GBK line keeps its UTF-8 and warns; NUL bytes after 8 KB never reach answers", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    const utf8 = Buffer.from("# 混合编码测试\n\n本报讯 义乌混合编码测试文章说，测试大桥全长一千二百米。\n", "utf8");
    const gbkLine = iconv.encode("这一行是从旧文件粘贴来的国标编码文字。\n", "gbk");
    writeFileSync(path.join(corpusDir, "mixed.txt"), Buffer.concat([utf8, gbkLine, Buffer.from("结尾一行。\n", "utf8")]));
    const padding = "本报讯 义乌填充测试文章。".repeat(400); // > 8 KB of clean text first
    writeFileSync(
      path.join(corpusDir, "nul.txt"),
      Buffer.concat([Buffer.from(`${padding}\n\n`), Buffer.from("测试灯塔高三十米\u0000\u0000，夜间可见。\n", "utf8")]),
    );
    const warnings: IngestWarning[] = [];
    const { index, manifest } = await buildWithWarnings(corpusDir, dataDir, warnings);
    expect(manifest.files.find((f) => f.path === "mixed.txt")!.encoding).toBe("utf-8");
    expect(warnings.find((w) => w.file === "mixed.txt")?.message).toMatch(/1 line\(s\) are not UTF-8/);
    const mixed = index.articles.all().filter((a) => a.source === "mixed.txt");
    expect(mixed.map((a) => a.title)).toContain("混合编码测试");
    expect(mixed.map((a) => a.body).join("")).toContain("国标编码文字");
    const service = createAnswerService({ retriever: localRetriever(() => index) });
    expect((await service.ask("测试大桥全长多少？")).citations[0]!.excerpt).toContain("一千二百米");
    const lamp = await service.ask("测试灯塔有多高？");
    expect(lamp.citations[0]!.excerpt).toContain("三十米");
    expect(JSON.stringify(lamp)).not.toMatch(/\\u0000/);
  });
});
