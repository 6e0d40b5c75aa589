/**
 * Issue #17's parity criterion: the CMRC 2018 trial through the Postgres backend (PGlite over the
 * wire protocol, or TEST_DATABASE_URL) against the local backend — right context first and answer
 * in the top-3 excerpts within 0.5 points. CMRC is CC BY-SA 4.0 and not vendored: read from
 * ../shared/eval/ and skipped where absent.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createAnswerService } from "../../src/answer/index.js";
import { squadToCorpus } from "../../src/eval/eval-sets.js";
import { runEval } from "../../src/eval/run-eval.js";
import { buildIndex, createPgPool, HashEmbeddings, localRetriever, openPgLibrary } from "../../src/search/index.js";
import { CMRC, hasCmrc } from "../helpers/paths.js";
import { startTestPg } from "../helpers/pg-server.js";

describe("CMRC trial through the Postgres backend", () => {
  it.skipIf(!hasCmrc)(
    `right context first and answer in top-3 within 0.5 points of the local backend${hasCmrc ? "" : " (skipped: ../shared/eval/cmrc2018_trial.json is absent; it is CC BY-SA 4.0 and not vendored)"}`,
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "citebot-pg-cmrc-"));
      const corpusDir = path.join(dir, "corpus");
      const items = await squadToCorpus(CMRC, corpusDir);
      const embeddings = new HashEmbeddings();
      const { index } = await buildIndex({ corpusDir, dataDir: path.join(dir, "local"), embeddings });
      const local = (await runEval(createAnswerService({ retriever: localRetriever(() => index) }), items, corpusDir)).summary;
      const db = await startTestPg();
      const pool = createPgPool(db.url);
      try {
        const library = await openPgLibrary({ pool, corpusDir, dataDir: path.join(dir, "pg"), embeddings });
        const remote = (await runEval(createAnswerService({ retriever: library.retriever }), items, corpusDir)).summary;
        await library.close();
        process.stderr.write(
          `CMRC trial: local hit@1 ${(100 * local.hit1).toFixed(1)} %, top-3 ${(100 * local.answerInTopK).toFixed(1)} %; ` +
            `Postgres hit@1 ${(100 * remote.hit1).toFixed(1)} %, top-3 ${(100 * remote.answerInTopK).toFixed(1)} %\n`,
        );
        expect(Math.abs(remote.hit1 - local.hit1)).toBeLessThanOrEqual(0.005);
        expect(Math.abs(remote.answerInTopK - local.answerInTopK)).toBeLessThanOrEqual(0.005);
        expect(remote.verbatim).toBe(1);
      } finally {
        await pool.end();
        await db.stop();
      }
    },
    600_000,
  );
});
