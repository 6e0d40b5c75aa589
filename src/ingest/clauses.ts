/**
 * Clauses of headline lines, read with jieba's part-of-speech tags: does a line have a predicate of
 * its own, does it run on into the next, does it read as a subtitle.
 */
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";

/** Word classes that continue a sentence rather than start one: verbs, prepositions, adverbs, conjunctions. */
const CONTINUING_TAGS = new Set(["v", "vn", "vd", "p", "d", "c", "zg", "ad"]);
let tagger: Jieba | null = null;

/** Does the line have a predicate of its own (a verb or an idiom outside quotes)? `政协“请你来协商”` does not. */
export function hasPredicate(line: string): boolean {
  const unquoted = line.replace(/[“"「『][^”"」』]*[”"」』]/gu, " ");
  return tag(unquoted).some((w) => PREDICATE_TAGS.has(w.tag)) || APPROACHES.test(unquoted);
}
const PREDICATE_TAGS = new Set(["v", "vd", "vn", "i"]);

/** `假期将至`: 至 there is the verb, though tagged a preposition. */
const APPROACHES = /(?:将|已|即将)至\s*$/u;

/** A line ending in a particle, preposition or conjunction (`鹤城自主研发的`) runs on into the next. */
export function endsOpen(line: string): boolean {
  // a colon or a dash at the end announces the rest (`岩脚镇马鞍村：` / `一片茶叶撑起增收路`)
  if (/[：:—–]\s*$/u.test(line)) return true;
  if (APPROACHES.test(line)) return false;
  const words = tag(line.replace(/[\p{P}\s]+$/u, ""));
  const last = words.at(-1);
  // so does a verb's count without its noun (`城关镇设立5个` / `电动自行车登记点`; `…泊位4个` ends)
  if (last?.tag === "q" && words.at(-2)?.tag === "m" && words.at(-3)?.tag === "v") return true;
  // (a verb and its direction without the place, `龙潭高山蔬菜坐上` / `“冷链专车”`; a causative with
  // nothing caused yet, `让“周末不打烊”` / `成为服务常态`)
  if (last?.tag === "f" && words.at(-2)?.tag === "v") return true;
  const unquoted = tag(line.replace(/[“"「『][^”"」』]*[”"」』]/gu, " ").trim());
  if (/^[让使把]$/u.test(unquoted[0]?.word ?? "") && !unquoted.slice(1).some((w) => PREDICATE_TAGS.has(w.tag))) return true;
  return last !== undefined && (last.tag.startsWith("u") || last.tag === "p" || last.tag === "c");
}
const tag = (text: string) => (tagger ??= Jieba.withDict(dict)).tag(text, true);

const VERB_TAGS = new Set(["v", "vn", "vd"]);

/** The line's first word is a verb (`新增护理型床位120张`). */
export function startsWithVerb(line: string): boolean {
  const first = tag(line.replace(/^[\p{P}\s]+/u, ""))[0];
  return first !== undefined && VERB_TAGS.has(first.tag);
}

/** A portrait's subtitle: `记“岚川工匠”、钟表修理师傅卢德昌` (`记…`, not a reporter's `记者`). */
export const PORTRAIT = /^记(?!者)/u;

/**
 * A line that reads as a subtitle of the line above: a `——` line, a line with a comma, or one
 * that starts without a subject (`较去年同期增长43.7%`, `研究共同富裕…`, `实现…`). A line that starts
 * with its own subject (`安澜县重点项目建设再提速`) is a headline of its own.
 */
export function subtitleLike(line: string): boolean {
  if (/^[—–-]{1,2}/.test(line) || /[，,]/.test(line) || PORTRAIT.test(line)) return true;
  const first = tag(line.replace(/^[\p{P}\s]+/u, ""))[0];
  return first !== undefined && CONTINUING_TAGS.has(first.tag);
}
