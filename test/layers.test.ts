/**
 * The architecture, enforced: layers import downward only (ingest ← search ← answer ← bot / cli /
 * eval ← main.ts), another layer only through its public face (`index.ts`), the bot only the
 * answer layer (never ingest or search, not even types), features never each other; no file in
 * src/ over 300 lines and no function over 80.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
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
  return [...src.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)";/gms)].map((m) => ({ typeOnly: !!m[1], from: m[2]! }));
}

const LAYERS = ["ingest", "search", "answer", "bot", "cli", "eval"];
/** What each layer may import (other layers, through their index.ts). Top-level modules (errors, logger, config…) are shared. */
const ALLOWED: Record<string, string[]> = {
  ingest: [],
  search: ["ingest"],
  answer: ["search", "ingest"],
  bot: ["answer"],
  cli: ["answer"],
  eval: ["answer", "ingest"],
};

/** The layer a file belongs to (null for top-level modules such as main.ts). */
const layerOfFile = (file: string): string | null => {
  const first = path.relative(SRC, file).split(path.sep);
  return first.length > 1 ? first[0]! : null;
};

/** Where an import points: a layer with the module inside it, a top-level module, or a package. */
function target(file: string, spec: string): { layer: string | null; module: string; pkg?: string } {
  if (!spec.startsWith(".")) return { layer: null, module: spec, pkg: spec };
  const rel = path.relative(SRC, path.resolve(path.dirname(file), spec)).split(path.sep);
  return rel.length > 1 ? { layer: rel[0]!, module: rel.slice(1).join("/") } : { layer: null, module: rel[0]! };
}

describe("layers", () => {
  for (const layer of LAYERS) {
    it(`src/${layer} imports only the layers below it, each through its index.ts`, () => {
      const bad: string[] = [];
      let seen = 0;
      for (const f of files(path.join(SRC, layer))) {
        for (const imp of imports(f)) {
          seen++;
          const t = target(f, imp.from);
          const where = `${path.relative(ROOT, f)} → ${imp.from}`;
          if (t.pkg) {
            if (layer !== "bot" && (t.pkg.startsWith("grammy") || t.pkg.startsWith("@grammyjs")))
              bad.push(`${where} (only the bot uses grammY)`);
            if (layer === "bot" && (t.pkg.includes("hnswlib") || t.pkg.startsWith("@langchain")))
              bad.push(`${where} (the bot never loads the index)`);
            continue;
          }
          if (t.layer === null) {
            if (["main.ts", "cli.ts"].includes(t.module)) bad.push(`${where} (entry points are imported by nobody)`);
            continue;
          }
          if (t.layer === layer) {
            // features never import each other
            if (f.includes(`${path.sep}features${path.sep}`) && t.module.startsWith("features/")) bad.push(`${where} (feature → feature)`);
            continue;
          }
          if (!ALLOWED[layer]!.includes(t.layer)) bad.push(`${where} (${layer} → ${t.layer})`);
          else if (t.module !== "index.js") bad.push(`${where} (not through ${t.layer}/index.ts)`);
        }
      }
      expect(seen).toBeGreaterThan(0);
      expect(bad).toEqual([]);
    });
  }

  it("every layer has a public index.ts, and the entry points use layers only through it", () => {
    for (const layer of LAYERS) expect(statSync(path.join(SRC, layer, "index.ts")).isFile(), layer).toBe(true);
    const bad = files(SRC)
      .filter((f) => layerOfFile(f) === null)
      .flatMap((f) => imports(f).map((imp) => ({ f, t: target(f, imp.from), imp })))
      .filter(({ t }) => t.layer !== null && t.module !== "index.js")
      .map(({ f, imp }) => `${path.relative(ROOT, f)} → ${imp.from}`);
    expect(bad).toEqual([]);
  });

  it("the checks catch what they should: bot → search, a feature → a feature, answer → internals", () => {
    const fake = (file: string, spec: string) => target(path.join(SRC, file), spec);
    expect(fake("bot/format.ts", "../search/index.js").layer).toBe("search");
    expect(ALLOWED.bot).not.toContain("search");
    expect(ALLOWED.bot).not.toContain("ingest");
    expect(fake("bot/features/a.ts", "./b.js").module).toBe("features/b.js");
    expect(fake("answer/x.ts", "../search/bm25-index.js").module).not.toBe("index.js");
  });
});

describe("size", () => {
  it("no file in src/ over 300 lines, no function over 80", () => {
    const bad: string[] = [];
    for (const f of files(SRC)) {
      const text = readFileSync(f, "utf8");
      const rel = path.relative(ROOT, f);
      const lines = text.split("\n").length;
      if (lines > 300) bad.push(`${rel}: ${lines} lines`);
      const sf = ts.createSourceFile(f, text, ts.ScriptTarget.Latest, true);
      const visit = (n: ts.Node) => {
        if (ts.isFunctionLike(n) && "body" in n && n.body) {
          const start = sf.getLineAndCharacterOfPosition(n.getStart()).line;
          const end = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
          if (end - start + 1 > 80) bad.push(`${rel}:${start + 1} function of ${end - start + 1} lines`);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
    expect(bad).toEqual([]);
  });
});
