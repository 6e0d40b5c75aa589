/**
 * The optional LLM path with the real LangChain clients (ChatOpenAI, OpenAIEmbeddings) against a
 * local OpenAI-compatible HTTP stub on 127.0.0.1: grounding keeps or drops citations, failures
 * and hangs fall back to the extractive answer, embeddings build and query an index.
 */
import { localRetriever } from "../../src/search/index.js";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnswerService, createAnswerService } from "../../src/answer/answer-service.js";
import { createFollowUpResolver } from "../../src/answer/follow-up.js";
import { groundAnswer } from "../../src/answer/grounding.js";
import { createChatModel, createLlmAnswerer, loadPrompts } from "../../src/answer/llm.js";
import { IndexMismatchError } from "../../src/errors.js";
import { HashEmbeddings } from "../../src/search/hash-embeddings.js";
import { buildIndex, loadIndex, type SearchIndex } from "../../src/search/index-store.js";
import { OpenAiCompatibleEmbeddings } from "../../src/search/openai-embeddings.js";
import { scratchCorpus } from "../helpers/index.js";
import { type OpenAiStub, startOpenAiStub } from "../helpers/openai-stub.js";
import { ROOT } from "../helpers/paths.js";

const Q = "义乌前11个月直播带货多少场？";
let stub: OpenAiStub;
let index: SearchIndex;
const prompts = () => loadPrompts(path.join(ROOT, "prompts"));

async function serviceWith(timeoutMs = 3000): Promise<AnswerService> {
  const chat = createChatModel({ baseUrl: stub.baseUrl, model: "stub-chat", timeoutMs, maxRetries: 0 });
  const llm = createLlmAnswerer({ chat, prompts: await prompts(), model: "stub-chat", timeoutMs });
  return createAnswerService({ retriever: localRetriever(() => index), llm });
}

/** The passage texts the model was given, by number, read back from the prompt it received. */
const passagesSent = () => stub.chat.at(-1)!.messages.at(-1)!.content;

beforeAll(async () => {
  const hash = new HashEmbeddings({ dimensions: 64 });
  stub = await startOpenAiStub({ embed: (t) => hash.embedText(t) });
  const { corpusDir, dataDir } = scratchCorpus();
  index = (await buildIndex({ corpusDir, dataDir, embeddings: new HashEmbeddings() })).index;
}, 30_000);
afterAll(async () => {
  await stub?.close();
});

describe("groundAnswer", () => {
  const passages = [
    "今年前11个月，义乌开展网红直播带货已超2020年全年的18.33万场，达到21.2万场。",
    "完成零售额299.27亿元，同比增长58.8%。",
    "《义乌商报》报道，对新落户企业给予每家两万元补贴。",
  ];
  it.each([
    [
      "前11个月直播带货「达到21.2万场」[1]。零售额「299.27亿元」[2]。",
      ["前11个月直播带货「达到21.2万场」[1]。", "零售额「299.27亿元」[2]。"],
      [1, 2],
      "前11个月直播带货「达到21.2万场」[1]。零售额「299.27亿元」[2]。",
    ],
    [
      "零售额增长明显[2]。直播带货21.2万场[1]。",
      ["零售额增长明显[2]。", "直播带货21.2万场[1]。"],
      [2, 1],
      "零售额增长明显[1]。直播带货21.2万场[2]。",
    ],
    ["直播带货21.2万场[7]。", [], [], ""],
    ["直播带货「达到30万场」[1]。", [], [], ""],
    ["义乌很厉害。直播带货21.2万场[1]。", ["直播带货21.2万场[1]。"], [1], "直播带货21.2万场[1]。"],
    ["零售额「299.27 亿元」［２］。", ["零售额「299.27 亿元」［２］。"], [2], "零售额「299.27 亿元」[1]。"],
    // unquoted claims: every number and name must be stated by a cited passage
    ["补贴已上调为每家企业五十万元[3]。", [], [], ""],
    ["每家企业补贴两万元[3]。", ["每家企业补贴两万元[3]。"], [3], "每家企业补贴两万元[1]。"],
    ["零售额同比增长61.3%[2]。", [], [], ""],
    ["市长王健说零售额增长了[2]。", [], [], ""],
    // every quote style is checked
    ["据‘义乌日报’报道，补贴两万元[3]。", [], [], ""],
    ["据《义乌日报》报道，补贴两万元[3]。", [], [], ""],
    ["据《义乌商报》报道，补贴两万元[3]。", ["据《义乌商报》报道，补贴两万元[3]。"], [3], "据《义乌商报》报道，补贴两万元[1]。"],
  ])("%s", (raw, kept, used, text) => {
    const g = groundAnswer(raw, passages);
    expect(g.kept.map((s) => s.text)).toEqual(kept);
    expect(g.used).toEqual(used);
    expect(g.text).toBe(text);
  });

  it("names why a sentence was dropped", () => {
    const g = groundAnswer("没有依据。编造的[9]。引用「不存在的话」[1]。补贴五十万元[3]。", passages);
    expect(g.dropped.map((s) => s.problem)).toEqual(["no-citation", "unknown-citation", "quote-not-in-passage", "claim-not-in-passage"]);
    expect(g.dropped.at(-1)!.unsupported).toBe("五十万元");
  });
});

describe("LLM answers through ChatOpenAI", () => {
  it("a grounded answer keeps its citations, renumbered, and says it is the LLM's", async () => {
    const service = await serviceWith();
    stub.onChat = () => ({ reply: "义乌前11个月直播带货「达到21.2万场」[1]。" });
    const a = await service.ask(Q);
    expect(a.mode).toBe("llm");
    expect(a.llm).toMatchObject({ model: "stub-chat", dropped: 0 });
    expect(a.answer).toBe("义乌前11个月直播带货「达到21.2万场」[1]。");
    expect(a.citations).toHaveLength(1);
    expect(a.citations[0]).toMatchObject({ n: 1, verified: true, title: "前11个月义乌直播带货21.2万场" });
    // the model got the numbered passages and the question, from the prompt files
    expect(passagesSent()).toContain("[1] 前11个月义乌直播带货21.2万场");
    expect(passagesSent()).toContain(`问题：${Q}`);
    expect(stub.chat.at(-1)!.messages[0]!.content).toContain("一字不差");
  });

  it("an answer citing [7] of three passages, or quoting words not in its passage, loses them; nothing left → extractive", async () => {
    const service = await serviceWith();
    stub.onChat = () => ({ reply: "直播带货21.2万场[7]。零售额「高达一千亿元」[2]。" });
    const a = await service.ask(Q);
    expect(a.mode).toBe("extractive");
    expect(a.llm).toMatchObject({ fallback: "ungrounded", dropped: 2 });
    expect(a.answer).toContain("21.2万场");
    expect(a.citations.every((c) => c.verified)).toBe(true);

    stub.onChat = () => ({ reply: "直播带货「达到21.2万场」[1]。零售额「高达一千亿元」[1]。" });
    const b = await service.ask(Q);
    expect(b.mode).toBe("llm");
    expect(b.llm!.dropped).toBe(1);
    expect(b.answer).not.toContain("一千亿");
  });

  it("a stub that returns 500 or hangs falls back to the extractive answer within the timeout", async () => {
    const service = await serviceWith(800);
    stub.onChat = () => ({ status: 500 });
    const a = await service.ask(Q);
    expect(a.mode).toBe("extractive");
    expect(a.llm!.fallback).toBe("error");
    expect(a.citations[0]!.excerpt).toContain("21.2万场");

    stub.onChat = () => ({ hang: true });
    const b = await service.ask(Q);
    expect(b.mode).toBe("extractive");
    expect(b.llm!.fallback).toBe("timeout");
    expect(b.citations[0]!.excerpt).toContain("21.2万场");
  }, 20_000);

  it("streams only checked sentences: an invented quote is never shown, not even for a moment", async () => {
    const service = await serviceWith();
    const reply = "义乌前11个月直播带货「达到30万场」[1]。义乌前11个月直播带货「达到21.2万场」[1]。完成零售额「299.27亿元」[1]。";
    stub.onChat = () => ({ reply });
    const partials: string[] = [];
    const a = await service.ask(Q, { onPartial: (t) => partials.push(t) });
    expect(stub.chat.at(-1)!.stream).toBe(true);
    expect(partials.length).toBeGreaterThan(0);
    for (const p of partials) {
      expect(p).not.toContain("30万场");
      expect(a.answer.startsWith(p)).toBe(true);
    }
    expect(a.mode).toBe("llm");
    expect(a.answer).toBe("义乌前11个月直播带货「达到21.2万场」[1]。完成零售额「299.27亿元」[1]。");
  });

  it("rewrites a follow-up with the follow-up prompt; without an LLM the rule carries the previous terms", async () => {
    const chat = createChatModel({ baseUrl: stub.baseUrl, model: "stub-chat", timeoutMs: 3000, maxRetries: 0 });
    const llm = createLlmAnswerer({ chat, prompts: await prompts(), model: "stub-chat", timeoutMs: 3000 });
    stub.onChat = () => ({ reply: "1-5月义乌外贸进口总值是多少？" });
    const history = [{ question: "1-5月义乌外贸进出口总值是多少？", at: Date.now() }];
    expect(await createFollowUpResolver({ llm }).resolve(history, "那进口呢？")).toBe("1-5月义乌外贸进口总值是多少？");
    expect(stub.chat.at(-1)!.messages.at(-1)!.content).toContain("新问题：那进口呢？");
    const ruled = await createFollowUpResolver().resolve(history, "那进口呢？");
    expect(ruled).toBe("那进口呢？ 义乌 外贸 进出口 总值 1-5月");
    // a complete question, or one asked long after, is left alone
    expect(await createFollowUpResolver().resolve(history, "义乌女子足球小将在哪里训练？")).toBe("义乌女子足球小将在哪里训练？");
    expect(await createFollowUpResolver().resolve([{ ...history[0]!, at: Date.now() - 3_600_000 }], "那进口呢？")).toBe("那进口呢？");
  });
});

describe("neural embeddings through OpenAIEmbeddings", () => {
  it("embeddings of the configured dimension build and query an index; another embedding is refused until a reindex", async () => {
    const emb = await OpenAiCompatibleEmbeddings.create({ baseUrl: stub.baseUrl, model: "stub-embed", batchSize: 16 });
    expect(emb.dimensions).toBe(64);
    expect(emb.id).toBe("openai:stub-embed:d64");
    const { corpusDir, dataDir } = scratchCorpus();
    const calls = stub.embeddingCalls;
    const built = await buildIndex({ corpusDir, dataDir, embeddings: emb });
    expect(stub.embeddingCalls - calls).toBeGreaterThanOrEqual(Math.ceil(built.manifest.counts.chunks / 16));
    expect(built.manifest.embedding).toEqual({ id: "openai:stub-embed:d64", dimensions: 64 });
    const loaded = await loadIndex(dataDir, emb);
    const a = await createAnswerService({ retriever: localRetriever(() => loaded) }).ask(Q);
    expect(a.citations[0]!.excerpt).toContain("21.2万场");
    await expect(loadIndex(dataDir, new HashEmbeddings())).rejects.toThrow(IndexMismatchError);
    await expect(loadIndex(dataDir, new HashEmbeddings())).rejects.toThrow(/npm run index/);
  });

  it("the CLI says clearly that switching embeddings needs a reindex, and `ask --llm --json` shows mode and verified", async () => {
    const { corpusDir, dataDir } = scratchCorpus();
    const run = promisify(execFile);
    const base = { ...process.env, LOG_LEVEL: "warn", EMBEDDINGS: "hash" };
    await run(process.execPath, ["--import", "tsx", "src/cli.ts", "index", "--corpus", corpusDir, "--data", dataDir], {
      cwd: ROOT,
      env: base,
    });
    const switched = await run(process.execPath, ["--import", "tsx", "src/cli.ts", "ask", "--corpus", corpusDir, "--data", dataDir, Q], {
      cwd: ROOT,
      env: { ...base, EMBEDDINGS: "openai", EMBEDDINGS_BASE_URL: stub.baseUrl, EMBEDDINGS_MODEL: "stub-embed" },
    }).catch((e: { stderr: string; code: number }) => e);
    expect((switched as { code: number }).code).toBe(1);
    expect((switched as { stderr: string }).stderr).toMatch(
      /was built with embedding "hash-v1.*is configured: reindex with `npm run index`/s,
    );

    stub.onChat = () => ({ reply: "义乌前11个月直播带货「达到21.2万场」[1]。" });
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", "ask", "--llm", "--json", "--corpus", corpusDir, "--data", dataDir, Q],
      {
        cwd: ROOT,
        env: { ...base, LLM_BASE_URL: stub.baseUrl, LLM_MODEL: "stub-chat" },
      },
    );
    const out = JSON.parse(stdout);
    expect(out.mode).toBe("llm");
    expect(out.llm).toMatchObject({ model: "stub-chat", dropped: 0 });
    expect(out.citations.map((c: { verified: boolean }) => c.verified)).toEqual([true]);
  }, 60_000);
});
