/**
 * Quality floors on the public sets (floors, not timings). The CMRC 2018 trial set is
 * CC BY-SA 4.0 and not vendored: it is read from ../shared/eval/ and skipped where absent.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createAnswerService } from "../../src/answer/answer-service.js";
import { readQaJsonl, squadToCorpus } from "../../src/eval/eval-sets.js";
import { runEval } from "../../src/eval/run-eval.js";
import { HashEmbeddings } from "../../src/search/hash-embeddings.js";
import { buildIndex } from "../../src/search/index-store.js";
import { CMRC, CORPUS, SEEDS_DEV, hasCmrc } from "../helpers/paths.js";

async function evaluate(corpusDir: string, items: Awaited<ReturnType<typeof readQaJsonl>>) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "citebot-eval-"));
  const { index } = await buildIndex({ corpusDir, dataDir, embeddings: new HashEmbeddings() });
  return (await runEval(createAnswerService({ getIndex: () => index }), items, corpusDir)).summary;
}

describe("quality floors", () => {
  it("seeds-dev.jsonl", async () => {
    const s = await evaluate(CORPUS, await readQaJsonl(SEEDS_DEV));
    expect(s.answerInTopK).toBe(1);
    expect(s.hit1).toBeGreaterThanOrEqual(0.97);
    expect(s.answerInShort).toBeGreaterThanOrEqual(0.9);
    expect(s.abstainedUnanswerable).toBe(1);
    expect(s.falseAbstentions).toBe(0);
    expect(s.verbatim).toBe(1);
  }, 60_000);

  it.skipIf(!hasCmrc)(`cmrc2018_trial.json${hasCmrc ? "" : " (skipped: ../shared/eval/cmrc2018_trial.json is absent; it is CC BY-SA 4.0 and not vendored)"}`, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "citebot-cmrc-"));
    const items = await squadToCorpus(CMRC, path.join(dir, "corpus"));
    const s = await evaluate(path.join(dir, "corpus"), items);
    expect(s.hit1).toBeGreaterThanOrEqual(0.97);
    expect(s.answerInTopK).toBeGreaterThanOrEqual(0.97);
    expect(s.answerInShort).toBeGreaterThanOrEqual(0.66);
    expect(s.verbatim).toBe(1);
  }, 120_000);
});
