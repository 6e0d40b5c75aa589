/**
 * Example questions made from the archive itself (no fixed list) and kept only when the archive
 * answers them: each is asked once per index build, and kept when the answer cites the article it
 * was made from and, for a "how many" question, the answer line holds the number it asks for.
 * Also: the index time as people read it.
 */
import type { ArticleListing } from "../answer/index.js";
import type { BotDeps } from "./context.js";

/** Headlines up to this long make example questions (a button's width). */
const EXAMPLE_MAX_CHARS = 24;
/** Candidates asked per index build, at most. */
const CANDIDATES = 24;

export interface Example {
  question: string;
  /** The article it was made from. */
  source: string;
  /** What the answer line must hold for the example to count as answered (a number), if anything. */
  expect?: string;
}

/** A quantity in a headline: a number with an optional magnitude and a counting unit (not a date). */
const QUANTITY = /(\d+(?:\.\d+)?)(万|亿)?(亿元|万元|元|个|家|人|场|吨|件|台|辆|项|所|名|户|次|套|条|公里|千米|米|平方米|亩|%|倍)/gu;

/** "前11个月义乌直播带货21.2万场" → "前11个月义乌直播带货多少场？" (the last quantity asked for). */
export function howManyQuestion(title: string): { question: string; expect: string } | undefined {
  const found = [...title.matchAll(QUANTITY)].filter((m) => !/^[月年日号]/u.test(title.slice(m.index! + m[0].length)));
  const m = found.at(-1);
  if (!m || /[？?]$/.test(title)) return undefined;
  const unit = m[3] === "%" ? "" : m[3]!;
  const ask = title[m.index! - 1] === "第" ? "几" : "多少"; // 第7次 → 第几次
  const question = `${title.slice(0, m.index)}${ask}${unit}${title.slice(m.index! + m[0].length)}`.replace(/[！!。，,\s]+$/u, "");
  return { question: `${question}？`, expect: m[1]! };
}

/** Candidate questions from the archive's articles: "how many" from headlines with a quantity, then "who wrote". */
export function candidateExamples(articles: ArticleListing[]): Example[] {
  const titled = articles.filter((a) => a.kind === "article" && a.title && Array.from(a.title).length <= EXAMPLE_MAX_CHARS);
  const out: Example[] = [];
  for (const a of titled) {
    const q = howManyQuestion(a.title!);
    if (q) out.push({ question: q.question, source: a.key, expect: q.expect });
  }
  for (const a of titled) {
    const name = a.byline?.split(/\s+/).at(-1);
    if (name && /^\p{Script=Han}{2,4}$/u.test(name)) out.push({ question: `《${a.title}》是谁写的？`, source: a.key, expect: name });
  }
  return out.slice(0, CANDIDATES);
}

const cache = new WeakMap<object, { builtAt: string; examples: Promise<Example[]> }>();

/** Up to `n` example questions the archive answers (computed once per index build). */
export async function exampleQuestions(deps: Pick<BotDeps, "archive">, n = 3): Promise<string[]> {
  return (await checkedExamples(deps)).slice(0, n).map((e) => e.question);
}

export async function checkedExamples(deps: Pick<BotDeps, "archive">): Promise<Example[]> {
  const { archive } = deps;
  const builtAt = archive.info().builtAt;
  const hit = cache.get(archive);
  if (hit?.builtAt === builtAt) return hit.examples;
  const examples = (async () => {
    const kept: Example[] = [];
    const seen = new Set<string>();
    for (const e of candidateExamples(archive.articles())) {
      if (seen.has(e.source)) continue; // one example per article
      const a = await archive.ask(e.question);
      const cited = a.citations[0] && archive.articleKey(a.citations[0].articleId) === e.source;
      if (a.abstained || !cited || (e.expect && !a.answer.includes(e.expect))) continue;
      seen.add(e.source);
      kept.push(e);
    }
    // mix the kinds: a "how many" question, a "who wrote" one, and so on
    const [many, who] = [kept.filter((e) => !e.question.startsWith("《")), kept.filter((e) => e.question.startsWith("《"))];
    return Array.from({ length: Math.max(many.length, who.length) }, (_, i) => [many[i], who[i]])
      .flat()
      .filter((e): e is Example => e !== undefined);
  })();
  cache.set(archive, { builtAt, examples });
  return examples;
}

/** One example for hints ("比如：…"), or an ellipsis when the archive answers none. */
export const exampleQuestion = async (deps: Pick<BotDeps, "archive">): Promise<string> => (await exampleQuestions(deps, 1))[0] ?? "…？";

export const formatBuiltAt = (iso: string): string => iso.replace("T", " ").replace(/\.\d+Z$/, " UTC");
