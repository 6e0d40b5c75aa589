/**
 * Query and document normalisation shared by every index: NFKC (full-width → half-width),
 * lower case, traditional → simplified Chinese (opencc-js), then jieba search-mode tokens
 * plus number-with-unit tokens (`21.2万场`, `1-5月`, `94.0%`).
 */
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import * as OpenCC from "opencc-js";

let jieba: Jieba | null = null;
const getJieba = (): Jieba => (jieba ??= Jieba.withDict(dict));
const toSimplified = OpenCC.Converter({ from: "t", to: "cn" });

/** Canonical form used for matching (never shown to users: excerpts stay verbatim). */
export function normalizeText(text: string): string {
  return toSimplified(text.normalize("NFKC").toLowerCase());
}

/** Words that carry no content in a question: interrogatives, particles, copulas. */
export const QUESTION_WORDS = [
  "什么时候", "什么样", "什么", "为什么", "怎么样", "怎么", "怎样", "如何", "哪些", "哪里", "哪儿", "哪个", "哪家", "哪座", "哪天", "哪年",
  "哪位", "哪", "谁", "多少", "几个", "几", "是否", "是不是", "有没有", "请问", "告诉我", "一下", "吗", "呢", "吧", "啊", "呀", "么",
];

const STOPWORDS = new Set([
  ...QUESTION_WORDS,
  "的", "了", "是", "在", "有", "和", "与", "及", "等", "都", "也", "就", "被", "把", "对", "从", "到", "这", "那", "个", "之", "为", "中",
  "上", "下", "里", "着", "过", "又", "还", "并", "而", "或", "其", "该", "此", "于", "以", "将", "让", "向", "由", "给", "叫", "做", "指",
  "我", "你", "他", "她", "它", "我们", "你们", "他们", "一个", "这个", "那个", "已经", "目前", "共", "多", "要",
  "the", "a", "an", "of", "to", "in", "is", "are", "was", "and", "or", "for", "on", "what", "how", "who", "which", "when", "where", "why", "do", "does",
]);

const NUMBER_UNIT = /\d+(?:[.．]\d+)?(?:\s*[-–~至]\s*\d+(?:[.．]\d+)?)?\s*(?:%|‰|[万亿千百]?[\p{Script=Han}])/gu;
const WORDLIKE = /[\p{L}\p{N}]/u;

export const isStopword = (token: string): boolean => STOPWORDS.has(token);

/** Index tokens of a text: jieba search-mode words (no punctuation, no stopwords) and number+unit tokens. */
export function tokenize(text: string): string[] {
  const norm = normalizeText(text);
  const out: string[] = [];
  for (const t of getJieba().cutForSearch(norm, true)) {
    const tok = t.trim();
    if (tok && WORDLIKE.test(tok) && !STOPWORDS.has(tok)) out.push(tok);
  }
  for (const m of norm.matchAll(NUMBER_UNIT)) out.push(m[0].replace(/\s+/g, ""));
  return out;
}

/** Informative terms of a question, deduplicated, in order of appearance. */
export function queryTerms(question: string): string[] {
  return [...new Set(tokenize(question))];
}

/** The question with interrogatives and particles removed (for embedding queries). */
export function stripQuestionWords(question: string): string {
  let q = normalizeText(question);
  for (const w of QUESTION_WORDS) if (w.length > 1) q = q.split(w).join(" ");
  return q.replace(/[？?！!。]+$/u, "").trim() || normalizeText(question);
}
