/**
 * Query and document normalisation shared by every index: NFKC (full-width → half-width),
 * lower case, traditional → simplified Chinese (opencc-js), then jieba search-mode tokens
 * plus number-with-unit tokens (`21.2万场`, `1-5月`, `94.0%`).
 */
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import * as OpenCC from "opencc-js";

let jieba: Jieba | null = null;
export const getJieba = (): Jieba => (jieba ??= Jieba.withDict(dict));
/**
 * Traditional → simplified: OpenCC's t2s conversion dictionaries (phrases, then characters) alone.
 * `Converter({ from: "t", to: "cn" })` first runs a normalisation dictionary that maps CJK
 * compatibility ideographs to unified ones — exactly what NFKC, applied before, already does for
 * every one of its entries (a test checks each) — so it is skipped: a third less time per text.
 */
const toSimplified = OpenCC.ConverterFactory(OpenCC.Locale.to.cn);

/** Canonical form used for matching (never shown to users: excerpts stay verbatim). */
export function normalizeText(text: string): string {
  return toSimplified(text.normalize("NFKC").toLowerCase());
}

/** Words that carry no content in a question: interrogatives, particles, copulas. */
export const QUESTION_WORDS = [
  "什么时候",
  "什么样",
  "什么",
  "为什么",
  "怎么样",
  "怎么",
  "怎样",
  "如何",
  "哪些",
  "哪里",
  "哪儿",
  "哪个",
  "哪家",
  "哪座",
  "哪天",
  "哪年",
  "哪位",
  "哪",
  "谁",
  "多少",
  "几个",
  "几",
  "是否",
  "是不是",
  "有没有",
  "请问",
  "告诉我",
  "一下",
  "吗",
  "呢",
  "吧",
  "啊",
  "呀",
  "么",
];

const STOPWORDS = new Set([
  ...QUESTION_WORDS,
  "的",
  "了",
  "是",
  "在",
  "有",
  "和",
  "与",
  "及",
  "等",
  "都",
  "也",
  "就",
  "被",
  "把",
  "对",
  "从",
  "到",
  "这",
  "那",
  "个",
  "之",
  "为",
  "中",
  "上",
  "下",
  "里",
  "着",
  "过",
  "又",
  "还",
  "并",
  "而",
  "或",
  "其",
  "该",
  "此",
  "于",
  "以",
  "将",
  "让",
  "向",
  "由",
  "给",
  "叫",
  "做",
  "指",
  "我",
  "你",
  "他",
  "她",
  "它",
  "我们",
  "你们",
  "他们",
  "一个",
  "这个",
  "那个",
  "已经",
  "目前",
  "共",
  "多",
  "要",
  "the",
  "a",
  "an",
  "of",
  "to",
  "in",
  "is",
  "are",
  "was",
  "and",
  "or",
  "for",
  "on",
  "what",
  "how",
  "who",
  "which",
  "when",
  "where",
  "why",
  "do",
  "does",
]);

const NUMBER_UNIT = /\d+(?:[.．]\d+)?(?:\s*[-–~至]\s*\d+(?:[.．]\d+)?)?\s*(?:%|‰|[万亿千百]?[\p{Script=Han}])/gu;
const WORDLIKE = /[\p{L}\p{N}]/u;

/** jieba POS tags of names: people, places, organisations, other proper nouns; x = a word not in the dictionary. */
const NAME_TAGS = new Set(["nr", "nrt", "nrfg", "ns", "nt", "nz", "x", "eng"]);
const NUMERAL = /[0-9０-９零〇一二两三四五六七八九十百千万亿]/;

/**
 * The claims a sentence makes that a source must state: its numbers (jieba tag m with a digit or
 * a numeral character) and its names (proper-noun tags and out-of-dictionary words of two or more
 * characters), as written.
 */
export function claimTokens(text: string): string[] {
  const out = new Set<string>();
  for (const { word, tag } of getJieba().tag(text, true)) {
    const w = word.trim();
    if (!w || !WORDLIKE.test(w)) continue;
    if (tag === "m" && NUMERAL.test(w)) out.add(w);
    else if (NAME_TAGS.has(tag) && Array.from(w).length >= 2) out.add(w);
  }
  return [...out];
}

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

const HAN_RUN = /\p{Script=Han}+/gu;
const DEMONSTRATIVE = /^[此该这本其那](\p{Script=Han}+)$/u;
/** Longest vocabulary word tried when re-segmenting around an unknown query word. */
export const BACKOFF_MAX_LEN = 4;

export interface BackoffTerms {
  /** Terms to search with: the question's terms plus every re-segmented word and fallback character. */
  search: string[];
  /** Terms to weigh coverage with: unknown words replaced by their re-segmented words (never by single characters). */
  coverage: string[];
}

/**
 * Query words the index has never seen usually come from a segmentation that differs
 * between the question and the documents (`杨昊现|效力` in a question, `杨昊|现|效力` in a
 * page): re-segment around them against the index's own vocabulary. For each unknown Han
 * word, every substring of 2–4 characters of its Han run that overlaps it and is indexed is
 * taken (longest ones only), unless the question has it already. Single characters are never
 * taken: they match too much.
 */
export function backoffTerms(question: string, terms: string[], docFreq: (term: string) => number): BackoffTerms {
  const unknown = terms.filter((t) => /^\p{Script=Han}+$/u.test(t) && docFreq(t) === 0);
  if (unknown.length === 0) return { search: terms, coverage: terms };
  const runs = [...normalizeText(question).matchAll(HAN_RUN)].map((m) => m[0]);
  const search = new Set(terms);
  const replaced = new Map<string, string[]>();
  for (const t of unknown) {
    const words = new Set<string>();
    for (const text of runs) {
      for (let at = text.indexOf(t); at >= 0; at = text.indexOf(t, at + 1)) {
        for (let i = Math.max(0, at - BACKOFF_MAX_LEN + 1); i < at + t.length; i++) {
          for (let len = 2; len <= BACKOFF_MAX_LEN && i + len <= text.length; len++) {
            const w = text.slice(i, i + len);
            if (i + len > at && w !== t && !STOPWORDS.has(w) && docFreq(w) > 0) words.add(w);
          }
        }
      }
    }
    // Words the question already has (search mode emits the parts of a compound) add nothing:
    // the compound stays unknown (`今天天气` → `今天`, `天气` are terms already).
    // A demonstrative glued to its noun (`此鱼`, `该剧`): the noun alone, even one character.
    const noun = DEMONSTRATIVE.exec(t)?.[1];
    if (noun && !STOPWORDS.has(noun) && docFreq(noun) > 0) words.add(noun);
    const longest = [...words].filter((w) => ![...words].some((o) => o !== w && o.includes(w)) && !terms.includes(w));
    if (longest.length > 0) {
      replaced.set(t, longest);
      for (const w of longest) search.add(w);
    }
  }
  const coverage = [...new Set(terms.flatMap((t) => replaced.get(t) ?? [t]))];
  return { search: [...search], coverage };
}

/** Offsets (in UTF-16 units) where jieba's accurate-mode words of a normalised text start, and its end. */
export function wordBoundaries(norm: string): Set<number> {
  const out = new Set<number>([0]);
  let at = 0;
  for (const w of getJieba().cut(norm, true)) out.add((at += w.length));
  return out;
}
