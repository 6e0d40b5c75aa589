/** Example questions made from the archive's own headlines, and the index time as people read it. */
import type { BotDeps } from "./context.js";

/** Headlines up to this long make example questions. */
const EXAMPLE_MAX_CHARS = 24;

/** Example questions built from the archive's own headlines (no fixed list). */
export function exampleQuestions(deps: BotDeps, n = 3): string[] {
  const titled = deps.archive.articles().filter((a) => a.kind === "article" && a.title && a.title.length <= EXAMPLE_MAX_CHARS);
  const step = Math.max(1, Math.floor(titled.length / n));
  return titled
    .filter((_, i) => i % step === 0)
    .slice(0, n)
    .map((a) => `${a.title}？`);
}

export const exampleQuestion = (deps: BotDeps): string => exampleQuestions(deps, 1)[0] ?? "…？";

export const formatBuiltAt = (iso: string): string => iso.replace("T", " ").replace(/\.\d+Z$/, " UTC");
