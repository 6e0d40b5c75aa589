/** Re-segmenting unknown question words against the index vocabulary: fixed question → terms table. */
import { localRetriever } from "../../src/search/index.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createAnswerService } from "../../src/answer/answer-service.js";
import { HashEmbeddings } from "../../src/search/hash-embeddings.js";
import { buildIndex } from "../../src/search/index-store.js";
import { backoffTerms } from "../../src/search/text-normalize.js";

const vocabulary = (words: string[]) => {
  const set = new Set(words);
  return (t: string) => (set.has(t) ? 1 : 0);
};

describe("backoffTerms", () => {
  it.each([
    // question, its jieba terms, indexed words → search terms, coverage terms
    ["杨昊现效力于哪里？", ["杨昊现", "效力"], ["杨昊", "现", "效力"], ["杨昊现", "效力", "杨昊"], ["杨昊", "效力"]],
    [
      "锦地罗又被称之为什么？",
      ["锦地", "罗", "称之为"],
      ["锦地罗", "罗", "称之为"],
      ["锦地", "罗", "称之为", "锦地罗"],
      ["锦地罗", "罗", "称之为"],
    ],
    // a compound whose parts the question already has stays unknown (it lowers coverage)
    [
      "义乌今天天气怎么样？",
      ["义乌", "今天", "天气", "今天天气"],
      ["义乌", "今天"],
      ["义乌", "今天", "天气", "今天天气"],
      ["义乌", "今天", "天气", "今天天气"],
    ],
    // a demonstrative glued to its noun gives the noun, even a single character
    ["此鱼分布在哪些地区？", ["此鱼", "分布", "地区"], ["鱼", "分布", "地区"], ["此鱼", "分布", "地区", "鱼"], ["鱼", "分布", "地区"]],
    // otherwise single characters are never taken: they match too much
    ["书册传世吗？", ["书册", "传世"], ["书", "册", "传", "世"], ["书册", "传世"], ["书册", "传世"]],
    // known words and non-Han words are left alone
    [
      "Python 怎么读取 CSV 文件？",
      ["python", "读取", "csv", "文件"],
      ["文件"],
      ["python", "读取", "csv", "文件"],
      ["python", "读取", "csv", "文件"],
    ],
  ])("%s", (question, terms, vocab, search, cover) => {
    const r = backoffTerms(question, terms, vocabulary(vocab));
    expect(r.search).toEqual(search);
    expect(r.coverage).toEqual(cover);
  });
});

describe("retrieval with re-segmentation and named headlines", () => {
  it("finds the article whose own segmentation differs from the question's, and prefers the article the question names", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "citebot-backoff-"));
    const corpusDir = path.join(root, "corpus");
    const docs: Record<string, string> = {
      "a.md": "# 杨昊 (足球运动员)\n\n杨昊，中国足球运动员，司职中场，现效力于中乙球队陕西长安竞技。",
      "b.md": "# 张永海\n\n张永海，中国足球运动员，主要司职中后卫。2001年，张永海开始效力于辽宁队，后效力于深圳队。",
      "c.md": "# 软枝黄蝉\n\n软枝黄蝉，别称黄莺、小黄蝉，为夹竹桃科植物。",
      "d.md": "# 黄蝉\n\n黄蝉又名硬枝黄蝉。别称小花黄蝉。为夹竹桃科植物，原生于巴西，现广植于热带地区。",
    };
    const { mkdirSync } = await import("node:fs");
    mkdirSync(corpusDir);
    for (const [name, text] of Object.entries(docs)) writeFileSync(path.join(corpusDir, name), text);
    const { index } = await buildIndex({ corpusDir, dataDir: path.join(root, "data"), embeddings: new HashEmbeddings() });
    const service = createAnswerService({ retriever: localRetriever(() => index) });
    expect((await service.ask("杨昊现效力于哪里？")).citations[0]?.source).toBe("a.md");
    expect((await service.ask("黄蝉的别称叫什么？")).citations[0]?.source).toBe("d.md");
    // …which the named-headline rule decides: without it the other article comes first.
    const unnamed = createAnswerService({ retriever: localRetriever(() => index), rerank: { titleNamed: 0 } });
    expect((await unnamed.ask("黄蝉的别称叫什么？")).citations[0]?.source).toBe("c.md");
  });
});
