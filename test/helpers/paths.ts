import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CORPUS = path.join(ROOT, "corpus");
export const FIXTURES = path.join(ROOT, "test", "fixtures");
export const SEEDS_DEV = path.join(FIXTURES, "eval", "seeds-dev.jsonl");
export const SEED_ARTICLES = path.join(FIXTURES, "eval", "seed-articles.json");
/** The CMRC 2018 trial set is CC BY-SA 4.0 and not vendored: tests read it from ../shared/eval/. */
export const CMRC = path.resolve(ROOT, "..", "shared", "eval", "cmrc2018_trial.json");
export const hasCmrc = existsSync(CMRC);
