/** Configuration: validated once, every variable documented in .env.example and the README. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigSchema, loadConfig } from "../src/config.js";
import { ROOT } from "./helpers/paths.js";

const keys = Object.keys(ConfigSchema.shape);

describe("configuration", () => {
  it("lists every variable in .env.example and the README", () => {
    const allKeys = keys;
    expect(allKeys.length).toBeGreaterThan(20);
    const example = readFileSync(path.join(ROOT, ".env.example"), "utf8");
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    for (const k of allKeys) {
      expect(example, k).toMatch(new RegExp(`^${k}=`, "m"));
      expect(readme, k).toContain(`\`${k}\``);
    }
  });

  it("rejects bad values with one readable message naming each", () => {
    expect(() => loadConfig({ TOP_K: "0", TELEGRAM_BOT_TOKEN: "nope", ADMIN_USER_IDS: "12,abc", EMBEDDINGS: "openai" })).toThrow(
      /TOP_K[\s\S]*TELEGRAM_BOT_TOKEN[\s\S]*ADMIN_USER_IDS/,
    );
    expect(() => loadConfig({ EMBEDDINGS: "openai" })).toThrow(/EMBEDDINGS=openai needs EMBEDDINGS_BASE_URL and EMBEDDINGS_MODEL/);
    expect(() => loadConfig({ LLM_BASE_URL: "http://127.0.0.1:1/v1" })).toThrow(/LLM_MODEL is needed/);
    expect(loadConfig({ ADMIN_USER_IDS: "1, 2,3" }).ADMIN_USER_IDS).toEqual([1, 2, 3]);
  });
});
