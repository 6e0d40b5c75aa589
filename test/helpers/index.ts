import { cpSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CORPUS } from "./paths.js";

/** A scratch copy of the seed corpus and an empty data dir. */
export function scratchCorpus(): { corpusDir: string; dataDir: string; root: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), "citebot-test-"));
  const corpusDir = path.join(root, "corpus");
  cpSync(CORPUS, corpusDir, { recursive: true });
  return { corpusDir, dataDir: path.join(root, "data"), root };
}
