/** Layers import downward only: ingest ← search ← answer ← bot / cli ← main.ts. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/paths.js";

const SRC = path.join(ROOT, "src");
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

interface Import {
  from: string;
  typeOnly: boolean;
}
function imports(file: string): Import[] {
  const src = readFileSync(file, "utf8");
  return [...src.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"([^"]+)";/gms)].map((m) => ({ typeOnly: !!m[1], from: m[2]! }));
}

const layerOf = (file: string, spec: string): string => {
  if (!spec.startsWith(".")) return spec;
  const rel = path.relative(SRC, path.resolve(path.dirname(file), spec));
  return rel.split(path.sep)[0]!.replace(/\.js$/, "");
};

const rules: Record<string, (imp: Import, layer: string) => boolean> = {
  ingest: (_i, l) => !["search", "answer", "bot", "cli", "eval", "main"].includes(l),
  search: (_i, l) => !["answer", "bot", "cli", "eval", "main"].includes(l),
  answer: (_i, l) => !["bot", "cli", "eval", "main"].includes(l) && !l.startsWith("grammy") && !l.startsWith("@grammyjs"),
  // the bot may name the library's types, never load the index code (hnswlib, LangChain vector stores)
  bot: (i, l) =>
    !["cli", "eval", "main"].includes(l) && !l.includes("hnswlib") && !l.startsWith("@langchain") && (l !== "search" || i.typeOnly),
};

describe("layers", () => {
  for (const [layer, ok] of Object.entries(rules)) {
    it(`src/${layer} imports only what lies below it`, () => {
      const bad: string[] = [];
      let seen = 0;
      for (const f of files(path.join(SRC, layer))) {
        for (const imp of imports(f)) {
          seen++;
          if (!ok(imp, layerOf(f, imp.from))) bad.push(`${path.relative(ROOT, f)} → ${imp.from}${imp.typeOnly ? " (type)" : ""}`);
        }
      }
      expect(seen).toBeGreaterThan(3);
      expect(bad).toEqual([]);
    });
  }
});
